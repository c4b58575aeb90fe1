"""`judgstat sheet export|agree|adjudicate|import`: coding sheets, inter-coder agreement, adjudication, gold.

Exit codes: 0 done; 1 a sheet or table could not be used (its file, cell and record are named);
2 bad options (toolkit.cli.UsageError).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from toolkit.cli import UsageError
from toolkit.sheets.workbook import CODABLE_FIELDS, DEFAULT_FIELDS, REPORT_COLUMNS, SheetError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="sheet_command", required=True, metavar="STAGE")
    export = sub.add_parser("export", help="parser output -> an .xlsx coding sheet",
                            description="One row per defendant; per field F: F__parser, F__evidence, F (for the coder).")
    export.add_argument("defendants", metavar="DEFENDANTS",
                        help="parser output (.jsonl/.csv/.parquet) or a `judgstat dataset` package folder")
    export.add_argument("-o", "--output", required=True, metavar="SHEET.xlsx")
    export.add_argument("--sample", type=int, metavar="N", help="code a random sample of N defendants (default: all)")
    export.add_argument("--seed", type=int, default=0, help="seed of the sample (recorded in the sheet; default 0)")
    export.add_argument("--fields", nargs="+", metavar="FIELD", default=list(DEFAULT_FIELDS),
                        help=f"fields to code (default: {' '.join(DEFAULT_FIELDS)}); any of: {' '.join(CODABLE_FIELDS)}")
    export.add_argument("--texts", metavar="FILE",
                        help="document texts for the evidence: JSONL {id, text} or a `judgstat load` store "
                             "(default: a package's documents.parquet, or INPUT.texts.jsonl of parse --pseudonymise)")
    export.add_argument("--context", type=int, default=40, help="characters of context around the evidence (default 40)")
    export.add_argument("--pseudonymise", action="store_true",
                        help="names -> keyed pseudonyms, ID/phone/bank numbers and addresses masked (toolkit.pseudonymise)")
    export.add_argument("--pseudonym-key", metavar="FILE", help="key file (created when absent; default SHEET.xlsx.pseudonym-key)")

    agree = sub.add_parser("agree", help="inter-coder agreement per field from two or more coders' sheets")
    agree.add_argument("sheets", nargs="+", metavar="SHEET", help="the coders' filled sheets (coder = the sample sheet's coder line, else the file name)")
    agree.add_argument("-o", "--output", metavar="REPORT.csv", help="one row per field: " + ", ".join(REPORT_COLUMNS)
                       + " (the last four for numeric fields: rows numeric alpha uses, not_stated cells it leaves out, "
                         "and agreement on stated vs not_stated)")
    agree.add_argument("--adjudicated", metavar="ADJ.xlsx", help="an adjudicated sheet: parser_agreement is then against its codes")
    agree.add_argument("--bootstrap", type=int, default=1000, metavar="B", help="bootstrap replicates for the alpha interval (default 1000)")
    agree.add_argument("--seed", type=int, default=None, help="bootstrap seed (default: a fixed one)")
    agree.add_argument("--json", metavar="FILE", help="also write the full report (per-coder parser agreement) as JSON")

    adjudicate = sub.add_parser("adjudicate", help="list every disagreement among the coders' sheets for a third reading")
    adjudicate.add_argument("sheets", nargs="+", metavar="SHEET")
    adjudicate.add_argument("-o", "--output", required=True, metavar="ADJ.xlsx")

    import_ = sub.add_parser("import", help="an adjudicated sheet -> gold JSONL for `judgstat evaluate`")
    import_.add_argument("sheet", metavar="ADJ.xlsx")
    import_.add_argument("-o", "--output", required=True, metavar="gold.jsonl")


def run(args: argparse.Namespace) -> int:
    stage = args.sheet_command
    try:
        return {"export": _export, "agree": _agree, "adjudicate": _adjudicate, "import": _import}[stage](args)
    except SheetError as exc:
        print(f"judgstat sheet {stage}: error: {exc}", file=sys.stderr)
        return 1


def _existing(paths: list[str]) -> None:
    for path in paths:
        if not Path(path).exists():
            raise UsageError(f"file not found: {path}")


def _export(args: argparse.Namespace) -> int:
    from toolkit.pseudonymise import key_path_for
    from toolkit.sheets.export import export_sheet

    _existing([args.defendants])
    unknown = [f for f in args.fields if f not in CODABLE_FIELDS]
    if unknown:
        raise UsageError(f"--fields: {', '.join(unknown)} cannot be coded; choose from {', '.join(CODABLE_FIELDS)}")
    if args.sample is not None and args.sample < 1:
        raise UsageError("--sample must be a positive number of defendants")
    if args.context < 0:
        raise UsageError("--context must be ≥ 0")
    if args.pseudonym_key and not args.pseudonymise:
        raise UsageError("--pseudonym-key is used with --pseudonymise")
    key = (args.pseudonym_key or key_path_for(args.output)) if args.pseudonymise else None
    result = export_sheet(args.defendants, args.output, args.fields, args.sample, args.seed, args.texts, args.context, key)
    how = (f"a sample of {result.rows} (seed {args.seed})" if args.sample is not None and result.rows < result.input_rows - result.duplicates_dropped
           else f"all {result.rows}")
    print(f"judgstat sheet export: {how} of {result.input_rows - result.duplicates_dropped} defendants, "
          f"{len(args.fields)} fields -> {result.path}")
    if result.duplicates_dropped:
        print(f"  {result.duplicates_dropped} rows repeat a (doc_id, defendant) already listed and were left out")
    print(f"  evidence from texts of {result.texts_found} of {result.documents} documents")
    if key:
        print(f"  pseudonymised; key in {key} (keep it apart from the sheet)")
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def _read_sheets(paths: list[str]):
    from toolkit.sheets.workbook import read_sheet

    _existing(paths)
    if len(paths) < 2:
        raise UsageError("give two or more coders' sheets")
    return [read_sheet(p) for p in paths]


def _agree(args: argparse.Namespace) -> int:
    from toolkit.sheets.agree import BOOTSTRAP_SEED, agreement, format_summary, write_report
    from toolkit.sheets.import_gold import read_adjudicated

    if args.bootstrap < 1:
        raise UsageError("--bootstrap must be ≥ 1")
    for option in (args.output, args.json):
        if option and not Path(option).resolve().parent.is_dir():
            raise UsageError(f"{option}: folder {Path(option).parent} does not exist")
    sheets = _read_sheets(args.sheets)
    adjudicated = None
    if args.adjudicated:
        _existing([args.adjudicated])
        adjudicated = read_adjudicated(args.adjudicated)[2]
    seed = BOOTSTRAP_SEED if args.seed is None else args.seed
    report = agreement(sheets, adjudicated, args.bootstrap, seed, args.adjudicated)
    print(format_summary(report))
    if args.output:
        write_report(report, args.output)
        print(f"report: {args.output}")
    if args.json:
        def finite(value):
            return None if isinstance(value, float) and math.isnan(value) else value

        payload = {
            "coders": report.coders, "rows_matched": report.rows_matched, "bootstrap_replicates": args.bootstrap,
            "bootstrap_seed": seed, "adjudicated": args.adjudicated, "notes": report.notes,
            "fields": [{**{k: finite(v) for k, v in vars(r).items() if k != "coder_parser"},
                        "coder_parser": {c: {"agree": a, "coded": n} for c, (a, n) in r.coder_parser.items()}}
                       for r in report.fields],
        }
        Path(args.json).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _adjudicate(args: argparse.Namespace) -> int:
    from toolkit.sheets.adjudicate import write_adjudication

    sheets = _read_sheets(args.sheets)
    rows, listed = write_adjudication(sheets, args.output)
    print(f"judgstat sheet adjudicate: {listed} items to adjudicate in {rows} rows -> {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from toolkit.sheets.import_gold import import_gold

    _existing([args.sheet])
    written, not_coded = import_gold(args.sheet, args.output)
    print(f"judgstat sheet import: {written} gold records -> {args.output}")
    if not_coded:
        print(f"  note: the sheet does not code {', '.join(not_coded)}: `judgstat evaluate` leaves these out "
              "(counted as not coded); a code not_stated is kept as null gold (the parser is right iff it gives no value)")
    return 0
