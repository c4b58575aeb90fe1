"""`judgstat dataset INPUT... -o DIR`: load -> parse -> per-defendant table -> count tables, as one data package.

INPUT: anything `judgstat load` reads (files, folders, scrape stores), a document store written by
`judgstat load`, or a per-defendant table (.csv / .jsonl / .parquet in toolkit.schema's columns; parsing is
skipped). DIR receives datapackage.json, documents.parquet, defendants.parquet, counts/<dimension>.csv,
coverage.csv, errors.csv and duplicates.csv (see toolkit.dataset). A killed run resumes from DIR/.partial.
INPUT and DIR may be fsspec URLs (file://, s3://, ...; toolkit.dataset.storage), e.g. for a Dask cluster.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

from toolkit.cli import UsageError

PI_ALIAS = "personal-information"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders to read (paths or fsspec URLs)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="package directory (a path, or an fsspec URL such as s3://bucket/pkg)")
    parser.add_argument("--charge", action="append", default=[], metavar="NAME",
                        help=f"keep defendants charged with NAME (repeatable); '{PI_ALIAS}' = every name of Art. 253-1")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="keep judgments dated on or after this day")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="keep judgments dated on or before this day")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel parse processes (default: cores)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler, e.g. tcp://host:8786 (default: a LocalCluster)")
    parser.add_argument("--format", help="read every loader input with this loader (default: detect)")
    parser.add_argument("--sheet-config", type=Path, help="column mapping (.json/.toml) for coding sheets")
    parser.add_argument("--name", help="package name (default: the directory name)")
    parser.add_argument("--pseudonymise", action="store_true",
                        help="keyed pseudonyms for defendants' names, ID/phone/bank numbers and addresses masked in texts, "
                             "titles, metadata and records (toolkit.pseudonymise, as parse --pseudonymise)")
    parser.add_argument("--pseudonym-key", metavar="FILE",
                        help="key file (created when absent; default DIR.pseudonym-key beside DIR, never inside it)")
    parser.add_argument("--chunk-size", type=int, default=500, help="documents per parse task and checkpoint")
    parser.add_argument("--no-progress", action="store_true")


def _date(option: str, value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected YYYY-MM-DD") from None


def _charges(names: list[str]) -> tuple[str, ...]:
    from toolkit.dataset.parse_stage import personal_information_charges

    out: list[str] = []
    for name in names:
        out.extend(sorted(personal_information_charges()) if name == PI_ALIAS else [name])
    return tuple(dict.fromkeys(out))


def write_csv(path: Path, columns: list[str] | tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """A CSV written to a temporary file and renamed (cells: '' for null, true/false)."""
    from toolkit.datasets import format_cell

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([format_cell(row.get(c)) for c in columns])
    os.replace(tmp, path)


def build(args: argparse.Namespace, processes: bool = True):
    import tempfile

    from toolkit.dataset.pipeline import PARTIAL, Filter
    from toolkit.dataset.storage import filesystem, is_url

    if args.jobs < 1 or args.chunk_size < 1:
        raise UsageError("--jobs and --chunk-size must be at least 1")
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    missing = []
    for given in args.inputs:
        try:
            exists = filesystem(given)[0].exists(filesystem(given)[1]) if is_url(given) else Path(given).exists()
        except RuntimeError as exc:
            raise UsageError(str(exc)) from None
        if not exists:
            missing.append(given)
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    remote_out = args.output if is_url(args.output) else None
    if args.pseudonym_key and not args.pseudonymise:
        raise UsageError("--pseudonym-key needs --pseudonymise")
    if args.pseudonymise and remote_out is not None and not args.pseudonym_key:
        raise UsageError("--pseudonymise with a URL DIR needs --pseudonym-key FILE (a local key file)")
    filter = Filter(_charges(args.charge), _date("--since", args.since), _date("--until", args.until))
    # URL inputs are copied here, and a package for a URL DIR is built here and uploaded when complete
    staging = Path(tempfile.mkdtemp(prefix="judgstat-dataset-")) if remote_out or any(map(is_url, args.inputs)) else None
    if remote_out is not None:
        try:
            fs, root = filesystem(remote_out)
            if fs.exists(root) and not fs.isdir(root):
                raise UsageError(f"-o {remote_out}: exists and is not a directory")
        except RuntimeError as exc:
            raise UsageError(str(exc)) from None
        out = staging / "package"  # the parts live at DIR/.partial itself, where every worker reaches them
        name = args.name or remote_out.rstrip("/").rsplit("/", 1)[-1]
        part_location = remote_out.rstrip("/") + "/" + PARTIAL
    else:
        out = Path(args.output)
        if out.exists() and not out.is_dir():
            raise UsageError(f"-o {out}: exists and is not a directory")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"-o {out}: cannot create the directory ({exc.strerror})") from None
        name = args.name or out.resolve().name
        part_location = None
    pseudonymiser = _pseudonymiser(args, None if remote_out else out)
    try:
        return _build(args, out, name, filter, part_location, remote_out, staging, processes, pseudonymiser)
    finally:
        if staging is not None:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)


def _pseudonymiser(args: argparse.Namespace, out: Path | None):
    """The Pseudonymiser of --pseudonymise (None without); its key file sits beside DIR, never in it."""
    if not args.pseudonymise:
        return None
    from toolkit import pseudonymise as ps

    key_path = Path(args.pseudonym_key) if args.pseudonym_key else ps.key_path_for(out)
    if out is not None and out.resolve() in key_path.resolve().parents:
        raise UsageError(f"--pseudonym-key {key_path}: the key must not be inside the package folder {out}")
    try:
        return ps.Pseudonymiser(ps.load_or_create_key(key_path))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--pseudonym-key {key_path}: {exc}") from None


def _build(args, out: Path, name: str, filter, part_location: str | None, remote_out: str | None,
           staging: Path | None, processes: bool, pseudonymiser=None):
    from toolkit.dataset.counts import COUNT_COLUMNS, DIMENSIONS, count_package_tables
    from toolkit.dataset.coverage import COVERAGE_COLUMNS, coverage_rows
    from toolkit.dataset.descriptor import build_descriptor
    from toolkit.dataset.engines import make_engine
    from toolkit.dataset.pipeline import build_dataset, remove_partial
    from toolkit.dataset.sources import plan_inputs
    from toolkit.dataset.storage import is_url, stage_input, upload_package
    from toolkit.loaders.store import DUPLICATE_COLUMNS, ERROR_COLUMNS

    out.mkdir(parents=True, exist_ok=True)
    local_inputs: list[Path] = []
    origins: dict[Path, str] = {}
    for number, given in enumerate(args.inputs):
        if is_url(given):
            local = stage_input(given, staging / "inputs", number)
            origins[local] = given
            local_inputs.append(local)
        else:
            local_inputs.append(Path(given))
    units = plan_inputs(local_inputs, args.format)
    if origins:
        from dataclasses import replace

        def origin(unit):
            for local, url in origins.items():
                if unit.path == local or local in unit.path.parents:
                    return replace(unit, origin=(str(local), url.rstrip("/")))
            return unit

        units = [origin(unit) for unit in units]
    loader_options = {"config": args.sheet_config} if args.sheet_config else {}
    try:
        engine = make_engine(args.engine, args.jobs, args.scheduler, processes=processes)
    except RuntimeError as exc:
        raise UsageError(str(exc)) from None
    from tqdm import tqdm

    with tqdm(unit="rows", desc="parsing", disable=args.no_progress, file=sys.stderr) as bar:
        try:
            # with a remote scheduler the workers may not see this machine's files: they get documents, not byte ranges
            result = build_dataset(units, out, engine, filter, args.chunk_size, loader_options, progress=bar.update,
                                   part_location=part_location, pseudonymiser=pseudonymiser,
                                   read_ranges=not args.scheduler)
        finally:
            engine.close()
    counts = count_package_tables(out / "defendants.parquet")
    for dimension in DIMENSIONS:
        write_csv(out / "counts" / f"{dimension.name}.csv", (dimension.name, *COUNT_COLUMNS), counts.table(dimension))
    write_csv(out / "coverage.csv", COVERAGE_COLUMNS, coverage_rows(out / "defendants.parquet", name))
    write_csv(out / "errors.csv", ERROR_COLUMNS, [e.as_dict() for e in result.errors])
    write_csv(out / "duplicates.csv", DUPLICATE_COLUMNS, result.duplicates)
    note = None if result.has_documents else "built from per-defendant tables only: there are no texts to store"
    descriptor = build_descriptor(out, name, result, filter.as_dict(),
                                  {"documents": counts.documents, "defendants": counts.defendants}, documents_note=note)
    if pseudonymiser is not None:
        descriptor["judgstat"]["pseudonymised"] = {
            "method": "toolkit.pseudonymise: defendants' names -> P + 10 hex digits of HMAC-SHA256(key, name); "
                      "ID-card, phone and bank-card numbers and addresses masked in texts, titles, metadata and records; "
                      "spans point into the masked texts",
            "not_removed": "names of anyone not parsed as a defendant (judges, lawyers, victims, witnesses), company "
                           "names, document ids, case numbers, courts and input file names",
            "key": "kept beside the package (--pseudonym-key), never in it; the same key gives the same pseudonyms",
        }
    tmp = out / ".datapackage.json.tmp"
    tmp.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / "datapackage.json")
    if remote_out is not None:
        upload_package(out, remote_out)
    remove_partial(out, part_location)
    return result, counts


def run(args: argparse.Namespace) -> int:
    """Exit codes as `judgstat load`'s: 0 every input read; 1 no defendant; 3 a package, but errors.csv is not empty."""
    from collections import Counter

    from toolkit.loaders.cli import EXIT_PARTIAL
    from toolkit.loaders.store import error_kind

    result, counts = build(args)
    print(f"judgstat dataset: {counts.documents} documents, {counts.defendants} defendants -> {args.output}")
    print(f"  read {result.records_read} documents and {result.table_rows} table rows from {len(result.inputs)} files;"
          f" duplicates {len(result.duplicates)}, errors {len(result.errors)}, filtered out {result.filtered_out} defendants")
    if not counts.defendants:
        return 1
    if result.errors:
        for kind, count in Counter(error_kind(e.reason) for e in result.errors).most_common():
            print(f"  {count:>5}  {kind}")
        files = len({e.file for e in result.errors})
        print(f"NOT EVERYTHING WAS LOADED: {len(result.errors)} error rows from {files} files -> "
              f"{str(args.output).rstrip('/')}/errors.csv (exit {EXIT_PARTIAL})")
        return EXIT_PARTIAL
    return 0
