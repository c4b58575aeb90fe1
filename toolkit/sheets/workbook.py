"""What every stage of `judgstat sheet` shares: sheet names, the code vocabulary, reading a coded sheet.

A coding sheet is an .xlsx workbook with
- `coding`: one row per defendant, keyed by `doc_id` and `defendant`; for each coded field F the columns
  `F__parser` (the parser's value), `F__evidence` (the text at the parser's span, with context) and `F`
  (the coder's code); a last `comment` column for the coder;
- `README`: what the codes mean, in Chinese and English;
- `sample`: how the rows were chosen (input, its SHA-256, seed, sample size, row numbers) and the fields;
- `lists` (hidden): the allowed values behind the dropdowns.

A code cell is one of: empty (not coded yet), NOT_STATED (the coder read the text and it does not state
the value), or a value of the field's kind (an allowed value for categorical fields).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Hashable

from toolkit.schema import DEFENDANT_FIELDS, Field

CODING_SHEET = "coding"
README_SHEET = "README"
SAMPLE_SHEET = "sample"
LISTS_SHEET = "lists"
KEY_COLUMNS = ("doc_id", "defendant")
COMMENT_COLUMN = "comment"
PARSER_SUFFIX = "__parser"
EVIDENCE_SUFFIX = "__evidence"
NOT_STATED = "not_stated"
# What a coder may type for NOT_STATED besides the token itself.
NOT_STATED_ALIASES = frozenset({NOT_STATED, "未载明", "未写明", "无记载"})
LIST_SEPARATOR = "|"

UNCODABLE = frozenset({"doc_id", "defendant", "spans", "notes"})
CODABLE_FIELDS: dict[str, Field] = {f.name: f for f in DEFENDANT_FIELDS if f.name not in UNCODABLE}
DEFAULT_FIELDS = (
    "outcome", "penalty_type", "term_months", "probation_months", "fine_yuan",
    "info_count", "info_category", "illegal_gains_yuan",
)
# Columns of `judgstat sheet agree -o REPORT.csv`, one row per field.
REPORT_COLUMNS = (
    "field", "n", "percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
    "alpha_low", "alpha_high", "parser_agreement",
    # numeric fields only (empty for categorical ones): how NOT_STATED entered the statistics
    "alpha_units", "not_stated_cells", "stated_percent_agreement", "stated_alpha",
)
BOOLEAN_CODES = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}


class SheetError(ValueError):
    """A sheet that cannot be read or a code that is not allowed; the message names file, cell and record."""


def coded_field(name: str) -> Field:
    try:
        return CODABLE_FIELDS[name]
    except KeyError:
        raise SheetError(f"{name!r} is not a field that can be coded; fields: {', '.join(CODABLE_FIELDS)}") from None


def level_of_measurement(field_: Field) -> str:
    """Krippendorff's level for a field: ratio for counts, months and yuan (true zero), else nominal."""
    return "ratio" if field_.kind in ("integer", "number") else "nominal"


def allowed_values(field_: Field) -> tuple[str, ...] | None:
    """The dropdown of a categorical field (its schema values, then NOT_STATED); None for free entry."""
    if field_.enum:
        return (*field_.enum, NOT_STATED)
    if field_.kind == "boolean":
        return ("true", "false", NOT_STATED)
    return None


def display(field_: Field, value: Any) -> Any:
    """A record's value as written in a sheet cell (parser column, gold, adjudication list)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is _NA():
        return NOT_STATED
    if field_.kind == "list":
        items = list(value)
        return LIST_SEPARATOR.join(str(v) for v in items) if items else NOT_STATED
    if field_.kind == "boolean":
        return "true" if bool(value) else "false"
    if field_.kind == "integer":
        return int(value)
    if field_.kind == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    return str(value)


def _NA() -> Any:
    import pandas as pd

    return pd.NA


class _NotCoded:
    def __repr__(self) -> str:
        return "NOT_CODED"


NOT_CODED: Any = _NotCoded()


def parse_code(field_: Field, raw: Any, where: str) -> Hashable:
    """A cell -> a comparable code: NOT_CODED for an empty cell, None for NOT_STATED, else the value
    (str for categories and text, int/float for numbers, bool, a sorted tuple for lists).
    SheetError naming `where` for a value the field does not allow."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return NOT_CODED
    text = str(raw).strip() if not isinstance(raw, (int, float)) or isinstance(raw, bool) else None
    if text is not None and text.lower() in NOT_STATED_ALIASES | {a.lower() for a in NOT_STATED_ALIASES}:
        return None
    if field_.enum:
        if text not in field_.enum:
            raise SheetError(f"{where}: {raw!r} is not one of {', '.join(field_.enum)} or {NOT_STATED}")
        return text
    if field_.kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if text.lower() not in BOOLEAN_CODES:
            raise SheetError(f"{where}: {raw!r} is not true, false or {NOT_STATED}")
        return BOOLEAN_CODES[text.lower()]
    if field_.kind in ("integer", "number"):
        return _number(field_, raw, where)
    if field_.kind == "list":
        items = [part.strip() for part in str(raw).replace("、", LIST_SEPARATOR).split(LIST_SEPARATOR)]
        return tuple(sorted(item for item in items if item))
    if hasattr(raw, "strftime"):  # a date cell Excel converted
        return raw.strftime("%Y-%m-%d")
    return text if text is not None else str(raw)


def _number(field_: Field, raw: Any, where: str) -> int | float:
    if isinstance(raw, bool):
        raise SheetError(f"{where}: {raw!r} is not a number")
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            from toolkit.numerals import parse_number

            parsed = parse_number(text)
            if parsed is None:
                raise SheetError(f"{where}: {raw!r} is not a number (or {NOT_STATED})") from None
            number = float(parsed)
    if math.isnan(number) or number < 0:
        raise SheetError(f"{where}: {raw!r} is not a non-negative number")
    if field_.kind == "integer":
        if not number.is_integer():
            raise SheetError(f"{where}: {raw!r} is not a whole number")
        return int(number)
    return int(number) if number.is_integer() else round(number, 6)


def record_value(field_: Field, value: Any) -> Hashable:
    """A parser record's value as a code (comparable with parse_code's results)."""
    shown = display(field_, value)
    return parse_code(field_, shown, "parser value") if shown != NOT_STATED else None


Key = tuple[str, str]


@dataclass
class CodedSheet:
    """One coder's sheet as read: codes and parser values per (doc_id, defendant) key."""

    path: Path
    coder: str
    fields: list[str]
    keys: list[Key]
    codes: dict[Key, dict[str, Hashable]]
    parser: dict[Key, dict[str, Hashable]]
    evidence: dict[Key, dict[str, str]]
    sample: dict[str, str] = field(default_factory=dict)
    comments: dict[Key, str] = field(default_factory=dict)


def key_of(doc_id: Any, defendant: Any) -> Key:
    return (str(doc_id).strip(), "" if defendant is None else str(defendant).strip())


def read_sheet(path: str | Path, coder: str | None = None) -> CodedSheet:
    """A coding sheet written by `sheet export` and filled by a coder; SheetError for a wrong layout or code."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/XML errors of a file that is not an .xlsx
        raise SheetError(f"{path}: not an .xlsx workbook ({type(exc).__name__}: {exc})") from None
    if CODING_SHEET not in book.sheetnames:
        raise SheetError(f"{path}: no sheet named {CODING_SHEET!r} (was it written by `judgstat sheet export`?)")
    sheet = book[CODING_SHEET]
    rows = sheet.iter_rows(values_only=True)
    header = [None if h is None else str(h).strip() for h in next(rows, ())]
    for column in KEY_COLUMNS:
        if column not in header:
            raise SheetError(f"{path}: sheet {CODING_SHEET!r} has no {column!r} column")
    fields = [h for h in header if h and h + PARSER_SUFFIX in header]
    if not fields:
        raise SheetError(f"{path}: sheet {CODING_SHEET!r} has no coded field (columns F and F__parser)")
    index = {h: i for i, h in enumerate(header) if h}
    specs = {name: coded_field(name) for name in fields}
    sample = _read_sample(book)
    out = CodedSheet(path, coder or sample.get("coder", "").strip() or path.stem, fields, [], {}, {}, {}, sample)
    for number, row in enumerate(rows, start=2):
        row = tuple(row) + (None,) * (len(header) - len(row))
        doc_id = row[index["doc_id"]]
        if doc_id is None or not str(doc_id).strip():
            if any(v not in (None, "") for v in row):
                raise SheetError(f"{path}: {CODING_SHEET}!A{number}: a row without doc_id")
            continue
        key = key_of(doc_id, row[index["defendant"]])
        if key in out.codes:
            raise SheetError(f"{path}: {CODING_SHEET} row {number}: {key[0]} {key[1]} appears twice")
        where = f"{path}: {CODING_SHEET}!%s{number} ({key[0]} {key[1] or '(no defendant)'}, %s)"
        out.keys.append(key)
        out.codes[key] = {
            name: parse_code(specs[name], row[index[name]], where % (get_column_letter(index[name] + 1), name))
            for name in fields
        }
        out.parser[key] = {
            name: parse_code(specs[name], row[index[name + PARSER_SUFFIX]],
                             where % (get_column_letter(index[name + PARSER_SUFFIX] + 1), name + PARSER_SUFFIX))
            for name in fields
        }
        out.evidence[key] = {
            name: str(row[index[name + EVIDENCE_SUFFIX]] or "") if name + EVIDENCE_SUFFIX in index else ""
            for name in fields
        }
        if COMMENT_COLUMN in index and row[index[COMMENT_COLUMN]]:
            out.comments[key] = str(row[index[COMMENT_COLUMN]])
    return out


def _read_sample(book: Any) -> dict[str, str]:
    if SAMPLE_SHEET not in book.sheetnames:
        return {}
    out = {}
    for row in book[SAMPLE_SHEET].iter_rows(values_only=True):
        if row and row[0] is not None:
            out[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return out


def comparable_sheets(sheets: list[CodedSheet]) -> list[str]:
    """The fields every sheet codes, in the first sheet's order; SheetError when the sheets share none."""
    fields = [f for f in sheets[0].fields if all(f in s.fields for s in sheets[1:])]
    if not fields:
        raise SheetError(f"{sheets[0].path} and the other sheets share no coded field")
    coders = [s.coder for s in sheets]
    if len(set(coders)) != len(coders):
        raise SheetError(f"two sheets have the same coder name ({', '.join(coders)}); rename the files")
    return fields


def save_workbook(book: Any, path: str | Path) -> None:
    """Save to a temporary file beside `path`, then rename: the workbook appears only when complete."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def code_text(field_: Field, code: Hashable) -> Any:
    """A code as shown in a sheet or a report (the inverse of parse_code)."""
    if code is NOT_CODED:
        return ""
    if code is None:
        return NOT_STATED
    if isinstance(code, tuple):
        return LIST_SEPARATOR.join(code) if code else NOT_STATED
    if isinstance(code, bool):
        return "true" if code else "false"
    return code
