"""Check every row of cases.csv against its source passage with the project's parser.

For each defendant the passage (cases.jsonl `text`, never written out) is parsed with
toolkit.parser.parse_document; the parser's record for that defendant (matched by name, or the only
record) is compared field by field with the normalised transcription. checks.csv gets one line per row and
field compared:

    status  agree | disagree | parser_only (parser found a value the transcription lacks)
            | table_only (the transcription has a value the parser did not find) | no_parser_record
    resolution  for disagreements and parser-only values: what reading the passage showed and which value
                the table keeps (from resolutions.csv, written by a person after reading; empty = unresolved)

Only derived values are written, never the passage.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from toolkit.loaders.dedup import normalise_case_number

HERE = Path(__file__).resolve().parent
RESOLUTIONS = HERE / "resolutions.csv"
FIELDS = (
    "case_number", "court", "judgment_date", "charges", "outcome", "penalty_type", "term_months",
    "probation_months", "fine_yuan", "info_count", "info_count_approx", "info_category", "illegal_gains_yuan",
)
CHECK_COLUMNS = ("doc_id", "defendant", "field", "table_value", "parser_value", "status", "resolution")


def check_rows(cases: list[dict[str, Any]], rows: list[dict[str, Any]], out: Path) -> list[dict[str, Any]]:
    from toolkit.parser import parse_document

    resolutions = read_resolutions(RESOLUTIONS)
    parsed_by_case: dict[str, list[dict[str, Any]]] = {}
    checks: list[dict[str, Any]] = []
    for case, row in zip(cases, rows):
        if case["case_id"] not in parsed_by_case:
            parsed_by_case[case["case_id"]] = parse_document(case["case_id"], case.get("text") or "")
        record = match_defendant(parsed_by_case[case["case_id"]], row["defendant"])
        row_checks = compare(row, record)
        for check in row_checks:
            resolved = resolutions.get((check["doc_id"], check["defendant"], check["field"]))
            # a resolution stays attached while the disagreement lasts, and for values corrected by it
            if resolved and (check["status"] != "agree" or resolved["corrected_value"]):
                check["resolution"] = resolved["resolution"]
            else:
                check["resolution"] = ""
        disagreeing = [c["field"] for c in row_checks if c["status"] == "disagree"]
        row["parser_check"] = "agree" if not disagreeing else "disagree: " + ", ".join(disagreeing)
        if record is None:
            row["parser_check"] = "no parser record for this defendant"
        checks.extend(row_checks)
    write_checks(checks, out)
    return checks


def match_defendant(records: list[dict[str, Any]], name: str | None) -> dict[str, Any] | None:
    if not records:
        return None
    if name:
        for record in records:
            if record.get("defendant") == name:
                return record
        for record in records:
            other = record.get("defendant") or ""
            if other and (other in name or name in other):
                return record
    # one record, or only unnamed ones (a group sentenced together, toolkit.extract.verdict): the document's reading
    return records[0] if len(records) == 1 or not any(r.get("defendant") for r in records) else None


def compare(row: dict[str, Any], record: dict[str, Any] | None) -> list[dict[str, Any]]:
    checks = []
    for field in FIELDS:
        table = row.get(field)
        parsed = record.get(field) if record is not None else None
        if record is None:
            status = "no_parser_record"
        elif _empty(table) and _empty(parsed):
            continue
        elif _empty(parsed):
            status = "table_only"
        elif _empty(table):
            status = "parser_only"
        else:
            status = "agree" if same(field, table, parsed) else "disagree"
        checks.append(
            {
                "doc_id": row["doc_id"],
                "defendant": row["defendant"],
                "field": field,
                "table_value": _text(table),
                "parser_value": _text(parsed),
                "status": status,
            }
        )
    return checks


def same(field: str, table: Any, parsed: Any) -> bool:
    if field == "charges":
        return set(table) == set(parsed)
    if field == "case_number":
        return normalise_case_number(table) == normalise_case_number(parsed)
    if field == "court":
        # the same court with or without its province/city prefix: 江苏省苏州市吴中区人民法院 = 苏州市吴中区人民法院
        return table.endswith(parsed) or parsed.endswith(table)
    if isinstance(table, (int, float)) and isinstance(parsed, (int, float)) and not isinstance(table, bool):
        return math.isclose(float(table), float(parsed), rel_tol=1e-9, abs_tol=1e-6)
    return str(table).replace(" ", "") == str(parsed).replace(" ", "")


def read_resolutions(path: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["doc_id"], r["defendant"], r["field"]): r for r in csv.DictReader(handle)}


def write_checks(checks: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CHECK_COLUMNS)
        writer.writeheader()
        writer.writerows(checks)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == "" or value == "unknown"  # the parser's "could not tell"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
