"""`judgstat parse INPUT [-o OUTPUT]`: JSONL {"id", "text"} → one record per defendant.

OUTPUT defaults to JSONL on stdout; .jsonl, .csv and .parquet files are streamed chunk by chunk
(toolkit.schema.TableWriter: Parquet row groups) to a temporary file that is renamed when complete.
With --jobs N, chunks of input lines are parsed in N processes and taken back in input order (at most
2 x N chunks in flight), so the output is the same as with --jobs 1. Only the standard library is imported
at startup; the parser, pandas and pyarrow are imported when there is something to parse or a table to write.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import namedtuple
from pathlib import Path

from toolkit.cli import UsageError
from toolkit.parallel import default_jobs

TYPE_CHECKING = False  # typing is not imported at startup (see benchmarks/parse_startup.py)
if TYPE_CHECKING:
    from typing import IO, Any, Iterable, Iterator

_TABLE_SUFFIXES = (".csv", ".parquet")
CHUNK_LINES = 64  # input lines per parallel task


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
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="parallel parse processes (default: the number of cores); same output as --jobs 1")


def run(args: argparse.Namespace) -> int:
    import toolkit.parser  # noqa: F401 - imported before the worker processes fork, so they share it
    from toolkit.parser import InputLineError

    source = Path(args.input)
    if args.input != "-" and not source.is_file():
        raise UsageError(f"input file not found: {source}")
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in (".jsonl", *_TABLE_SUFFIXES):
        raise UsageError(f"{output}: unsupported output extension {output.suffix!r} (use .jsonl, .csv or .parquet)")
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: must be at least 1")
    key = texts_path = None
    if args.pseudonymise:
        from toolkit import pseudonymise as ps

        if output is None:
            raise UsageError("--pseudonymise needs -o OUTPUT (the key and the masked texts are written beside it)")
        key = ps.load_or_create_key(args.pseudonym_key or ps.key_path_for(output))
        texts_path = ps.masked_texts_path_for(output)
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"-o {output}: folder {output.parent} does not exist")
    errors: list[str] = []
    label = "<stdin>" if args.input == "-" else str(source)
    lines = sys.stdin.buffer if args.input == "-" else source.open("rb")
    texts = _MaskedTexts(texts_path) if texts_path is not None else None
    records = parse_records(lines, label, args.jobs, id_key=args.id_key, text_key=args.text_key,
                            skip_bad_lines=args.skip_bad_lines, errors=errors, key=key, texts=texts)
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
        if texts is not None:
            texts.close()
    except InputLineError as exc:
        print(f"judgstat parse: error: {exc}", file=sys.stderr)
        return 1
    finally:
        if texts is not None:
            texts.abort()
        if lines is not sys.stdin.buffer:
            lines.close()
    for message in errors:
        print(f"judgstat parse: skipped {message}", file=sys.stderr)
    print(f"judgstat parse: {count} defendant records from {source}" + (f" → {output}" if output else ""), file=sys.stderr)
    return 0


class _MaskedTexts:
    """The masked texts of --pseudonymise (toolkit.pseudonymise.masked_texts_path_for), one JSONL
    {"id", "text"} line per document, written to a temporary file renamed when the input is read whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.handle = self.tmp.open("w", encoding="utf-8")

    def write(self, line: str) -> None:
        self.handle.write(line + "\n")

    def close(self) -> None:
        self.handle.close()
        self.tmp.replace(self.path)

    def abort(self) -> None:
        if not self.handle.closed:
            self.handle.close()
            self.tmp.unlink(missing_ok=True)


# One parallel task: input lines from line number `first_line` on; `key` is the pseudonym key of
# --pseudonymise (None without), which travels only to this machine's worker processes.
_Chunk = namedtuple("_Chunk", "first_line lines source id_key text_key key")


def parse_records(
    lines: Iterable[bytes | str], source: str, jobs: int = 1, id_key: str = "id", text_key: str = "text",
    skip_bad_lines: bool = False, errors: list[str] | None = None, key: bytes | None = None,
    texts: Any = None,
) -> Iterator[dict[str, Any]]:
    """toolkit.parser.parse_lines in `jobs` processes, records in input order; with `key`, records are
    pseudonymised (toolkit.pseudonymise) and each document's masked text goes to `texts.write`.

    A bad line raises InputLineError naming source and line (after the records of the lines before it),
    or, with skip_bad_lines, is appended to `errors` and skipped, as parse_lines does.
    """
    from toolkit.parallel import OrderedPool
    from toolkit.parser import InputLineError

    def chunks() -> Iterator[_Chunk]:
        batch: list[bytes | str] = []
        first = 1
        for number, line in enumerate(lines, start=1):
            if not batch:
                first = number
            batch.append(line)
            if len(batch) >= CHUNK_LINES:
                yield _Chunk(first, batch, source, id_key, text_key, key)
                batch = []
        if batch:
            yield _Chunk(first, batch, source, id_key, text_key, key)

    with OrderedPool(jobs) as pool:
        for results in pool.map(parse_chunk, chunks()):
            for records, error, masked in results:
                if error is not None:
                    if not skip_bad_lines:
                        raise InputLineError(error)
                    if errors is not None:
                        errors.append(error)
                    continue
                if masked is not None and texts is not None:
                    texts.write(masked)
                yield from records


def parse_chunk(chunk: _Chunk) -> list[tuple[list[dict[str, Any]], str | None, str | None]]:
    """(records, error message, masked text line) for each non-blank line of a chunk, in order."""
    from toolkit.parser import parse_line_documents

    pseudonymiser = None
    if chunk.key is not None:
        from toolkit.pseudonymise import Pseudonymiser

        pseudonymiser = Pseudonymiser(chunk.key)
    errors: list[str] = []
    out: list[tuple[list[dict[str, Any]], str | None, str | None]] = []
    reported = 0  # errors come out before the document that follows them, as in the input
    documents = parse_line_documents(chunk.lines, chunk.source, chunk.id_key, chunk.text_key, skip_bad_lines=True,
                                     errors=errors, first_line=chunk.first_line)
    for doc_id, text, records in documents:
        out.extend(([], error, None) for error in errors[reported:])
        reported = len(errors)
        masked = None
        if pseudonymiser is not None:
            masked, records = pseudonymiser.document_line(doc_id, text, records)
        out.append((records, None, masked))
    out.extend(([], error, None) for error in errors[reported:])
    return out


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
