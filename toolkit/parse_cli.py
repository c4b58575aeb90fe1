"""`judgstat parse INPUT [-o OUTPUT]`: JSONL {"id", "text"} → one record per defendant.

OUTPUT defaults to JSONL on stdout; .jsonl, .csv and .parquet files are streamed chunk by chunk
(toolkit.schema.TableWriter: Parquet row groups) to a temporary file that is renamed when complete.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Any, Iterable

from toolkit.cli import UsageError

_TABLE_SUFFIXES = (".csv", ".parquet")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", help='JSONL file, one {"id": ..., "text": ...} object per line ("-" for stdin)')
    parser.add_argument("-o", "--output", metavar="OUTPUT", help="output file: .jsonl, .csv or .parquet (default: JSONL on stdout)")
    parser.add_argument("--id-key", default="id", help="key holding the document id (default: id)")
    parser.add_argument("--text-key", default="text", help="key holding the full text (default: text)")
    parser.add_argument(
        "--skip-bad-lines", action="store_true",
        help="report unreadable lines on stderr and go on (default: stop at the first one)",
    )
    parser.add_argument("--pseudonymise", action="store_true", help="keyed pseudonyms for names, IDs/phones/addresses masked (toolkit.pseudonymise); needs -o")
    parser.add_argument("--pseudonym-key", metavar="FILE", help="key file (created when absent; default OUTPUT.pseudonym-key)")


def run(args: argparse.Namespace) -> int:
    from toolkit.parser import InputLineError, parse_jsonl, parse_lines

    source = Path(args.input)
    if args.input != "-" and not source.is_file():
        raise UsageError(f"input file not found: {source}")
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in (".jsonl", *_TABLE_SUFFIXES):
        raise UsageError(f"{output}: unsupported output extension {output.suffix!r} (use .jsonl, .csv or .parquet)")
    errors: list[str] = []
    options = dict(id_key=args.id_key, text_key=args.text_key, skip_bad_lines=args.skip_bad_lines, errors=errors)
    if args.pseudonymise:
        from toolkit import pseudonymise as ps

        if output is None:
            raise UsageError("--pseudonymise needs -o OUTPUT (the key and the masked texts are written beside it)")
        key = ps.Pseudonymiser(ps.load_or_create_key(args.pseudonym_key or ps.key_path_for(output)))
        texts = ps.masked_texts_path_for(output)
        lines = sys.stdin.buffer if args.input == "-" else source.open("rb")
        records = ps.parse_pseudonymised(lines, str(source), key, texts, **options)
    elif args.input == "-":
        records = parse_lines(sys.stdin.buffer, "<stdin>", **options)
    else:
        records = parse_jsonl(source, **options)
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"-o {output}: folder {output.parent} does not exist")
    try:
        if output is None:
            count = _write_jsonl(records, sys.stdout)
        else:
            from toolkit.schema import CHUNK_ROWS, TableWriter

            # every format streams in chunks to a temporary file, renamed only when the input was read whole
            with TableWriter(output) as writer:
                chunk: list[dict[str, Any]] = []
                for record in records:
                    chunk.append(record)
                    if len(chunk) >= CHUNK_ROWS:
                        writer.write_records(chunk)
                        chunk = []
                writer.write_records(chunk)
            count = writer.rows
    except InputLineError as exc:
        print(f"judgstat parse: error: {exc}", file=sys.stderr)
        return 1
    for message in errors:
        print(f"judgstat parse: skipped {message}", file=sys.stderr)
    print(f"judgstat parse: {count} defendant records from {source}" + (f" → {output}" if output else ""), file=sys.stderr)
    return 0


def _write_jsonl(records: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    count = 0
    for record in records:
        line = json.dumps(record, ensure_ascii=False)
        try:
            handle.write(line + "\n")
        except UnicodeEncodeError:  # a lone surrogate (\\ud800): the escaped form is valid JSON and exact
            handle.write(json.dumps(record) + "\n")
        count += 1
    return count
