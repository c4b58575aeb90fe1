"""`judgstat load SOURCE... -o store.parquet`: read corpora into one document store.

Formats are detected per file by extension and content (--format overrides). Errors go to an errors table
(default: <store>.errors.csv) and duplicates to a duplicates table (<store>.duplicates.csv); a summary says
what was read, stored, skipped and why. Every input file ends up stored or in the errors table (a file no
loader recognises too); the exit code is 0 only when nothing is in the errors table (see exit_code).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from toolkit.cli import UsageError
from toolkit.loaders import REGISTRY, available_formats, expand_sources
from toolkit.loaders.store import StoreReadError, stream_into_store, write_side_table
from toolkit.parallel import default_jobs

STORE_SUFFIXES = (".parquet", ".jsonl", ".csv")
SIDE_SUFFIXES = (".csv", ".jsonl", ".parquet")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="files or folders to read")
    parser.add_argument("-o", "--output", type=Path, required=True, help="document store (.parquet, .jsonl or .csv)")
    parser.add_argument("--format", choices=list(REGISTRY), help="read every source with this loader (default: detect)")
    parser.add_argument("--errors", type=Path, help="errors table (default: <store>.errors.csv)")
    parser.add_argument("--duplicates", type=Path, help="duplicates table (default: <store>.duplicates.csv)")
    parser.add_argument("--sheet-config", type=Path, help="column mapping (.json/.toml) for coding sheets")
    parser.add_argument("--append", action="store_true", help="add to the store if it exists (its documents are kept)")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="files loaded in parallel processes (default: the number of cores); same output as --jobs 1")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    output: Path = args.output
    if output.suffix.lower() not in STORE_SUFFIXES:
        raise UsageError(f"-o {output}: store must end in {', '.join(STORE_SUFFIXES)}")
    missing = [str(p) for p in args.sources if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.format is not None and args.format not in available_formats():
        raise UsageError(f"--format {args.format}: that loader is not installed")
    if args.sheet_config is not None and not args.sheet_config.is_file():
        raise UsageError(f"--sheet-config {args.sheet_config}: no such file")
    errors_path = args.errors or output.with_name(output.stem + ".errors.csv")
    duplicates_path = args.duplicates or output.with_name(output.stem + ".duplicates.csv")
    for option, path in (("--errors", errors_path), ("--duplicates", duplicates_path)):
        if path.suffix.lower() not in SIDE_SUFFIXES:
            raise UsageError(f"{option} {path}: must end in {', '.join(SIDE_SUFFIXES)}")

    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: must be at least 1")

    sources = expand_sources(list(args.sources), args.format)
    with tqdm(total=len(sources), unit="file", desc="loading", disable=args.no_progress, file=sys.stderr) as bar:

        def done(source, count):
            bar.set_postfix_str(source.path.name[-30:], refresh=False)
            bar.update(1)

        try:
            # the store is streamed to a temporary file beside OUTPUT, renamed when complete
            result = stream_into_store(sources, output, append=args.append, jobs=args.jobs, on_source_done=done,
                                       config=args.sheet_config)
        except StoreReadError as exc:
            raise UsageError(f"--append: {exc}") from None

    write_side_table(result.errors_frame(), errors_path)
    write_side_table(result.duplicates_frame(), duplicates_path)
    print(summary(result, output, errors_path, duplicates_path))
    return exit_code(result, errors_path)


# Exit codes: 0 every input file and record was stored (or listed as a duplicate); 1 nothing was stored;
# 3 the store was written but some files or records were not loaded (each is a row of the errors table).
EXIT_PARTIAL = 3


def exit_code(result, errors_path: Path) -> int:
    if not result.stored:
        return 1
    if result.errors:
        files = len({e.file for e in result.errors})
        print(f"NOT EVERYTHING WAS LOADED: {len(result.errors)} error rows from {files} files -> {errors_path} "
              f"(exit {EXIT_PARTIAL})")
        return EXIT_PARTIAL
    return 0


def summary(result, output: Path, errors_path: Path, duplicates_path: Path) -> str:
    by_match = {}
    for row in result.duplicates:
        by_match[row["matched_on"]] = by_match.get(row["matched_on"], 0) + 1
    lines = [
        f"read {result.records_read} documents from {result.files} sources"
        + (f" ({len(result.skipped)} files skipped)" if result.skipped else ""),
        f"stored {result.stored} documents -> {output}"
        + (f" ({result.existing} already there)" if result.existing else ""),
        f"duplicates: {len(result.duplicates)}"
        + (" (" + ", ".join(f"by {k} {v}" for k, v in sorted(by_match.items())) + ")" if by_match else "")
        + f" -> {duplicates_path}",
        f"errors: {len(result.errors)} -> {errors_path}",
    ]
    for kind, count in result.error_kinds().most_common():
        lines.append(f"  {count:>5}  {kind}")
    if result.skipped:
        lines.append(f"skipped: {len(result.skipped)}")
        for source in result.skipped[:20]:
            lines.append(f"  {source.path}: {source.reason}")
        if len(result.skipped) > 20:
            lines.append(f"  ... and {len(result.skipped) - 20} more")
    if result.renamed:
        lines.append(f"ids renamed to stay unique: {len(result.renamed)} (e.g. {result.renamed[0][0]} -> {result.renamed[0][1]})")
    return "\n".join(lines)
