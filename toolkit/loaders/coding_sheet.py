"""Researchers' coding sheets (.csv / .xlsx): one row per case or per defendant, columns mapped by config.

A mapping config is a small JSON or TOML file (example: toolkit/loaders/coding_sheet_example.json):

    unit     "case" (one row per case) or "defendant" (several rows per case, grouped by the id column)
    sheet    worksheet name for .xlsx (default: the first sheet)
    columns  document field -> column header; "id" is required, and case_number, court, date, title, text
             are optional

The config is passed explicitly (`judgstat load --sheet-config`) or found next to the sheet as
<sheet stem>.mapping.json / .mapping.toml. Every column of every row is kept whole in metadata["rows"],
so nothing the researcher coded is lost; the document text is the mapped text column, or null when the
sheet has none (such rows are deduplicated by case number only).
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from toolkit.loaders.base import LoadError
from toolkit.loaders.encoding import UndecodableError, decode_text
from toolkit.loaders.records import make_document, source_ref

FORMAT = "coding_sheet"
EXTENSIONS = (".csv", ".xlsx")
CONFIG_SUFFIXES = (".mapping.json", ".mapping.toml")
UNITS = ("case", "defendant")
MAPPABLE = ("id", "case_number", "court", "date", "title", "text")
EXAMPLE_CONFIG = Path(__file__).with_name("coding_sheet_example.json")
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?\s*$")


class MappingError(ValueError):
    """A mapping config that cannot be used; the message names the config file and the problem."""


def sniff(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in EXTENSIONS


def read_mapping(source: Path | dict[str, Any]) -> dict[str, Any]:
    """Load and check a mapping config (path to .json/.toml, or an already-parsed dict)."""
    where = str(source) if isinstance(source, Path) else "mapping"
    if isinstance(source, Path):
        try:
            raw = source.read_text(encoding="utf-8")
            config = tomllib.loads(raw) if source.suffix.lower() == ".toml" else json.loads(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise MappingError(f"{where}: cannot read mapping config: {exc}") from None
    else:
        config = dict(source)
    columns = config.get("columns")
    if not isinstance(columns, dict) or not columns.get("id"):
        raise MappingError(f"{where}: 'columns' must map at least 'id' to a column header")
    unknown = sorted(set(columns) - set(MAPPABLE))
    if unknown:
        raise MappingError(f"{where}: unknown fields in 'columns': {unknown}; allowed: {list(MAPPABLE)}")
    unit = config.get("unit", "case")
    if unit not in UNITS:
        raise MappingError(f"{where}: 'unit' must be one of {UNITS}, not {unit!r}")
    return {"unit": unit, "sheet": config.get("sheet"), "columns": dict(columns), "config_file": where}


def find_mapping(path: Path) -> Path | None:
    for suffix in CONFIG_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def load(path: Path, config: Path | dict[str, Any] | None = None) -> Iterator[dict[str, Any] | LoadError]:
    if path.stat().st_size == 0:
        yield LoadError(str(path), None, "empty file", FORMAT)
        return
    config = config if config is not None else find_mapping(path)
    if config is None:
        yield LoadError(
            str(path), None,
            f"no column mapping: write {path.stem}.mapping.json next to it (example: {EXAMPLE_CONFIG.name}) "
            "or pass --sheet-config",
            FORMAT,
        )
        return
    try:
        mapping = read_mapping(config)
    except MappingError as exc:
        yield LoadError(str(path), None, str(exc), FORMAT)
        return
    try:
        frame, encoding, sheet = _read_sheet(path, mapping["sheet"])
    except (UndecodableError, ValueError, KeyError, OSError) as exc:
        line = getattr(exc, "line", None)
        yield LoadError(str(path), line, f"cannot read sheet: {exc}", FORMAT)
        return
    columns = mapping["columns"]
    missing = [header for header in columns.values() if header not in frame.columns]
    if missing:
        yield LoadError(str(path), 1, f"columns not in the sheet header: {missing} (mapping {mapping['config_file']})", FORMAT)
        return
    for line, reason in frame.attrs.get("bad_rows", []):
        yield LoadError(str(path), line, f"bad row (skipped): {reason}", FORMAT)
    lines = frame.attrs.get("lines") or [index + 2 for index in range(len(frame))]  # row 1 is the header
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for line, row in zip(lines, frame.to_dict(orient="records")):
        row = {k: (None if v == "" else v) for k, v in row.items()}
        case_id = row.get(columns["id"])
        if case_id is None:
            yield LoadError(str(path), line, f"row has no value in id column {columns['id']!r}", FORMAT)
            continue
        if mapping["unit"] == "case" and case_id in groups:
            yield LoadError(str(path), line, f"id {case_id!r} repeats in a one-row-per-case sheet (first at row {groups[case_id][0][0]})", FORMAT)
            continue
        groups.setdefault(str(case_id), []).append((line, row))
    for case_id, rows in groups.items():
        yield from _document(path, case_id, rows, mapping, encoding, sheet)


def _document(path, case_id, rows, mapping, encoding, sheet) -> Iterator[dict[str, Any] | LoadError]:
    columns = mapping["columns"]
    values: dict[str, Any] = {}
    for field, header in columns.items():
        if field == "id":
            continue
        for line, row in rows:
            value = row.get(header)
            if value is None:
                continue
            if field not in values:
                values[field] = value
            elif value != values[field]:
                yield LoadError(
                    str(path), line,
                    f"{field} {value!r} differs from {values[field]!r} earlier in case {case_id!r} (kept the first)",
                    FORMAT,
                )
    date = values.get("date")
    if date is not None:
        iso = _iso_date(date)
        if iso is None:
            yield LoadError(str(path), rows[0][0], f"date {date!r} is not a readable date (kept in metadata)", FORMAT)
        date = iso
    lines = [line for line, _ in rows]
    ref = source_ref(path, lines[0]) + (f"-{lines[-1]}" if len(lines) > 1 else "")
    metadata = {
        "unit": mapping["unit"],
        "sheet": sheet,
        "mapping": mapping["config_file"],
        "rows": [dict(row, _row=line) for line, row in rows],
    }
    yield make_document(
        id=case_id,
        source=f"coding_sheet/{path.suffix.lower().lstrip('.')}",
        source_ref=ref,
        text=values.get("text"),
        encoding=encoding,
        metadata=metadata,
        title=values.get("title"),
        case_number=values.get("case_number"),
        court=values.get("court"),
        date=date,
    )


def _read_sheet(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str, str | None]:
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelFile(path, engine="openpyxl") as book:
            name = sheet if sheet is not None else book.sheet_names[0]
            if name not in book.sheet_names:
                raise KeyError(f"no worksheet {name!r}; sheets are {book.sheet_names}")
            frame = pd.read_excel(book, sheet_name=name, dtype=str, keep_default_na=False)
        frame = frame.map(_cell_text)
        return frame, "xlsx", name
    text, encoding = decode_text(path.read_bytes())
    rows, bad = csv_rows(text.lstrip("\ufeff"))
    if not rows:
        raise ValueError("no header row")
    header, body = rows[0][1], rows[1:]
    frame = pd.DataFrame([fields for _, fields in body], columns=header, dtype=str)
    frame.attrs["lines"] = [line for line, _ in body]
    frame.attrs["bad_rows"] = bad
    return frame, encoding, None


MAX_FIELD_CHARS = 10_000_000


def csv_rows(text: str) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str]]]:
    """([(line, fields)], [(line, reason)]): a CSV read record by record, so one malformed row (too many
    fields, an unbalanced quote, an over-long field) is reported by its line and the others are kept.

    A quoted field may span lines; a record whose quote never closes, or that spans lines and then has the
    wrong number of fields, is read again as its first line alone and, if that fails too, reported.
    Short rows are padded with empty cells, as spreadsheet programs do.
    """
    import csv

    csv.field_size_limit(MAX_FIELD_CHARS)
    lines = text.splitlines(keepends=True)
    rows: list[tuple[int, list[str]]] = []
    bad: list[tuple[int, str]] = []
    width: int | None = None
    i = 0
    while i < len(lines):
        start = i
        chunk = lines[i]
        i += 1
        if not chunk.strip():
            continue
        while chunk.count('"') % 2 and i < len(lines):
            chunk += lines[i]
            i += 1
        fields, reason = _parse_record(chunk, width)
        if chunk.count('"') % 2:
            reason = "unbalanced quote: the quoted field never closes"
        if reason and i - start > 1:  # the open quote swallowed later lines: report the first line only
            i = start + 1
            fields, reason = _parse_record(lines[start], width)
            reason = "unbalanced quote" if not reason or lines[start].count('"') % 2 else reason
        if reason:
            bad.append((start + 1, reason))
            continue
        if width is None:
            width = len(fields)
        rows.append((start + 1, fields + [""] * (width - len(fields))))
    return rows, bad


def _parse_record(chunk: str, width: int | None) -> tuple[list[str], str]:
    import csv

    try:
        records = list(csv.reader(io.StringIO(chunk)))
    except csv.Error as exc:
        return [], f"unreadable CSV row: {exc}"
    if len(records) != 1:
        return [], "unreadable CSV row"
    fields = records[0]
    if width is not None and len(fields) > width:
        return [], f"row has {len(fields)} fields, the header has {width}"
    return fields, ""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _iso_date(value: str) -> str | None:
    match = _DATE_RE.match(str(value))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
