"""`judgstat sheet import`: an adjudicated sheet -> gold labels that `judgstat evaluate` reads.

Gold is written in evaluate's published-cases format (one JSON object per defendant: case_id, defendant,
outcome, prison_term_months, probation_months, fine_yuan, info_count, info_category; see toolkit.evaluate),
and every coded field is kept under `codes` with its schema name. NOT_STATED becomes null. Every listed
disagreement must have an adjudicated code: an unresolved one is an error naming its cell.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Hashable

from toolkit.sheets.adjudicate import ADJUDICATED_COLUMN, ADJUDICATION_SHEET, CODES_SHEET
from toolkit.sheets.workbook import KEY_COLUMNS, NOT_CODED, Key, SheetError, coded_field, key_of, parse_code

# schema field -> key of evaluate's published-cases gold
PUBLISHED_GOLD_KEYS = {
    "outcome": "outcome", "term_months": "prison_term_months", "probation_months": "probation_months",
    "fine_yuan": "fine_yuan", "info_count": "info_count", "info_category": "info_category",
}


def read_adjudicated(path: str | Path) -> tuple[list[str], list[Key], dict[Key, dict[str, Hashable]]]:
    """(fields, rows, final code per row and field) from an adjudication workbook; SheetError when a
    listed item has no adjudicated code or a code is not allowed."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a file that is not an .xlsx
        raise SheetError(f"{path}: not an .xlsx workbook ({type(exc).__name__}: {exc})") from None
    for name in (CODES_SHEET, ADJUDICATION_SHEET):
        if name not in book.sheetnames:
            raise SheetError(f"{path}: no sheet named {name!r} (was it written by `judgstat sheet adjudicate`?)")
    rows = book[CODES_SHEET].iter_rows(values_only=True)
    header = [None if h is None else str(h) for h in next(rows, ())]
    if tuple(header[:2]) != KEY_COLUMNS:
        raise SheetError(f"{path}: sheet {CODES_SHEET!r} must start with the columns doc_id, defendant")
    fields = [h for h in header[2:] if h]
    specs = {name: coded_field(name) for name in fields}
    keys: list[Key] = []
    final: dict[Key, dict[str, Hashable]] = {}
    for number, row in enumerate(rows, start=2):
        if not row or row[0] is None:
            continue
        key = key_of(row[0], row[1])
        keys.append(key)
        final[key] = {
            name: parse_code(specs[name], row[i + 2] if i + 2 < len(row) else None,
                             f"{path}: {CODES_SHEET}!{get_column_letter(i + 3)}{number} ({key[0]} {key[1]}, {name})")
            for i, name in enumerate(fields)
        }
    rows = book[ADJUDICATION_SHEET].iter_rows(values_only=True)
    header = [None if h is None else str(h) for h in next(rows, ())]
    try:
        at = {name: header.index(name) for name in ("doc_id", "defendant", "field", ADJUDICATED_COLUMN)}
    except ValueError as exc:
        raise SheetError(f"{path}: sheet {ADJUDICATION_SHEET!r}: {exc}") from None
    letter = get_column_letter(at[ADJUDICATED_COLUMN] + 1)
    unresolved = []
    for number, row in enumerate(rows, start=2):
        if not row or row[at["doc_id"]] is None:
            continue
        key = key_of(row[at["doc_id"]], row[at["defendant"]])
        name = str(row[at["field"]])
        where = f"{path}: {ADJUDICATION_SHEET}!{letter}{number} ({key[0]} {key[1]}, {name})"
        if key not in final or name not in specs:
            raise SheetError(f"{where}: this row and field are not in the {CODES_SHEET!r} sheet")
        code = parse_code(specs[name], row[at[ADJUDICATED_COLUMN]], where)
        if code is NOT_CODED:
            unresolved.append(where)
        final[key][name] = code
    if unresolved:
        raise SheetError(f"{len(unresolved)} disagreements are not adjudicated yet (first: {unresolved[0]})")
    missing = [(k, n) for k in keys for n in fields if final[k][n] is NOT_CODED]
    if missing:
        (doc_id, defendant), name = missing[0]
        raise SheetError(f"{path}: {len(missing)} codes are empty in {CODES_SHEET!r} and not listed for adjudication "
                         f"(first: {doc_id} {defendant}, {name})")
    return fields, keys, final


def _gold_outcome(code: Hashable) -> str | None:
    """An outcome code in the wording evaluate's gold reader understands (checked against it)."""
    from toolkit.evaluate import gold_outcome

    if code in (None, "unknown"):
        return None
    text = str(code).replace("_", " ")
    if gold_outcome(text) != code:
        raise SheetError(f"outcome {code!r} cannot be written as gold that `judgstat evaluate` reads")
    return text


def gold_records(fields: list[str], keys: list[Key], final: dict[Key, dict[str, Hashable]], source: str) -> list[dict[str, Any]]:
    out = []
    for key in keys:
        codes = final[key]
        record: dict[str, Any] = {"case_id": key[0], "defendant": key[1] or None}
        for name, gold_key in PUBLISHED_GOLD_KEYS.items():
            if name in codes:
                record[gold_key] = _gold_outcome(codes[name]) if name == "outcome" else _plain(codes[name])
        record["codes"] = {name: _plain(codes[name]) for name in fields}
        record["source"] = source
        out.append(record)
    return out


def _plain(code: Hashable) -> Any:
    return list(code) if isinstance(code, tuple) else code


def import_gold(path: str | Path, output: str | Path) -> tuple[int, list[str]]:
    """Write gold JSONL (atomically); (records written, evaluate fields the sheet did not code)."""
    output = Path(output)
    if output.suffix.lower() != ".jsonl":
        raise SheetError(f"{output}: gold is written as .jsonl")
    if not output.resolve().parent.is_dir():
        raise SheetError(f"{output}: folder {output.parent} does not exist")
    fields, keys, final = read_adjudicated(path)
    if not keys:
        raise SheetError(f"{path}: no rows in the {CODES_SHEET!r} sheet")
    records = gold_records(fields, keys, final, f"judgstat sheet import {Path(path).name}")
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return len(records), [n for n in PUBLISHED_GOLD_KEYS if n not in fields]
