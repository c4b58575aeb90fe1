"""The project's two record types, defined once: the per-defendant table and the document store.

Parser output, loaders, embedded datasets and analysis all use these definitions.
A per-defendant record is a plain dict (JSON-serialisable) whose keys are DEFENDANT_FIELDS;
a value that the text does not state is None and `notes` says why.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from toolkit.categories import CATEGORY_CODES


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # string | integer | number | boolean | date | list | object
    description: str
    enum: tuple[str, ...] | None = None


COURT_LEVELS = ("basic", "intermediate", "high", "supreme")
PROCEDURES = ("first_instance", "second_instance", "retrial", "review", "other")
DOC_TYPES = ("judgment", "ruling", "non_prosecution_decision", "other")
OUTCOMES = (
    "convicted",
    "exempted",
    "acquitted",
    "not_criminally_responsible",
    "not_prosecuted",
    "unknown",
)
PENALTY_TYPES = (
    "fixed_term",
    "criminal_detention",
    "public_surveillance",
    "life",
    "death",
    "death_suspended",
    "fine_only",
    "none",
)

DEFENDANT_FIELDS: tuple[Field, ...] = (
    Field("doc_id", "string", "Identifier of the source document"),
    Field("case_number", "string", "案号 as printed, e.g. （2018）京0105刑初123号"),
    Field("court", "string", "Full court name"),
    Field("province", "string", "Province-level division of the court (Chinese short name, e.g. 上海)"),
    Field("court_level", "string", "Level of the deciding court", COURT_LEVELS),
    Field("procedure", "string", "Procedure of this document", PROCEDURES),
    Field("doc_type", "string", "Kind of document", DOC_TYPES),
    Field("judgment_date", "date", "Date of the decision (ISO 8601)"),
    Field("defendant", "string", "Defendant's name as printed (may be pseudonymised)"),
    Field("charges", "list", "Charges in the operative part, each ending in 罪"),
    Field("outcome", "string", "Final outcome for this defendant", OUTCOMES),
    Field("penalty_type", "string", "Principal penalty finally imposed", PENALTY_TYPES),
    Field("term_months", "integer", "Executed principal penalty in months (after 数罪并罚: 决定执行)"),
    Field("probation_months", "integer", "Probation (缓刑考验期) in months; null when no probation"),
    Field("fine_yuan", "number", "Executed total fine in yuan"),
    Field("confiscation", "boolean", "Whether confiscation of property (没收财产) or of gains is ordered"),
    Field("political_rights_months", "integer", "Deprivation of political rights in months"),
    Field("info_count", "integer", "Number of personal-information items stated in the facts"),
    Field("info_count_approx", "boolean", "True when the count is stated as approximate (余/多/约)"),
    Field("info_category", "string", "Tier-engine category of the information", CATEGORY_CODES),
    Field("illegal_gains_yuan", "number", "Illegal gains (违法所得) in yuan"),
    Field("mitigating", "list", "Mitigating circumstances named (自首, 坦白, 立功, 认罪认罚, ...)"),
    Field("aggravating", "list", "Aggravating circumstances named (累犯, ...)"),
    Field("spans", "object", "field -> [start, end] character offsets into the input text"),
    Field("notes", "list", "Why a field is null or uncertain; one string per note"),
)

DEFENDANT_COLUMNS: tuple[str, ...] = tuple(f.name for f in DEFENDANT_FIELDS)
_DEFENDANT_BY_NAME = {f.name: f for f in DEFENDANT_FIELDS}

DOCUMENT_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable document identifier (from the source where it has one)"),
    Field("source", "string", "Corpus and format, e.g. cail2018/jsonl"),
    Field("source_ref", "string", "File and line or record the document came from"),
    Field("text", "string", "Full text as read (decoded, otherwise unchanged)"),
    Field("title", "string", "Title when the source gives one"),
    Field("case_number", "string", "案号 when the source gives one"),
    Field("court", "string", "Court when the source gives one"),
    Field("date", "date", "Judgment or publication date when the source gives one"),
    Field("metadata", "object", "The source's own metadata kept whole (JSON)"),
    Field("sha256", "string", "SHA-256 of the normalised text (see normalised_text_sha256)"),
    Field("encoding", "string", "Detected encoding of the source bytes"),
)

DOCUMENT_COLUMNS: tuple[str, ...] = tuple(f.name for f in DOCUMENT_FIELDS)


class SchemaError(ValueError):
    """A record that does not fit the schema; the message names the record and field."""


def new_defendant_record(doc_id: str) -> dict[str, Any]:
    """An empty per-defendant record: every field null, lists empty."""
    record: dict[str, Any] = {name: None for name in DEFENDANT_COLUMNS}
    record.update(doc_id=doc_id, charges=[], mitigating=[], aggravating=[], spans={}, notes=[])
    return record


def validate_defendant_record(record: dict[str, Any], where: str = "") -> None:
    """Raise SchemaError naming `where` (file/record) if keys or enumerated values are wrong."""
    label = f"{where}: " if where else ""
    missing = [k for k in DEFENDANT_COLUMNS if k not in record]
    extra = [k for k in record if k not in _DEFENDANT_BY_NAME]
    if missing or extra:
        raise SchemaError(f"{label}record {record.get('doc_id')!r}: missing {missing}, unexpected {extra}")
    for field in DEFENDANT_FIELDS:
        value = record[field.name]
        if value is None:
            continue
        if field.enum and value not in field.enum:
            raise SchemaError(
                f"{label}record {record.get('doc_id')!r}: {field.name}={value!r} not one of {field.enum}"
            )
        if field.kind == "list" and not isinstance(value, list):
            raise SchemaError(f"{label}record {record.get('doc_id')!r}: {field.name} must be a list")


_PANDAS_DTYPES = {
    "string": "string",
    "date": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


def defendants_to_frame(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Records -> DataFrame with the schema's columns and nullable dtypes (lists/dicts stay objects)."""
    frame = pd.DataFrame(list(records), columns=list(DEFENDANT_COLUMNS))
    return _apply_dtypes(frame, DEFENDANT_FIELDS)


def documents_to_frame(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(records), columns=list(DOCUMENT_COLUMNS))
    return _apply_dtypes(frame, DOCUMENT_FIELDS)


def _apply_dtypes(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    for field in fields:
        dtype = _PANDAS_DTYPES.get(field.kind)
        if dtype and field.name in frame:
            frame[field.name] = frame[field.name].astype(dtype)
    return frame


def _encode_nested(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """JSON-encode list/object columns for CSV and Parquet."""
    out = frame.copy()
    for field in fields:
        if field.kind in ("list", "object") and field.name in out:
            out[field.name] = out[field.name].map(
                lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
            )
    return out


def _decode_nested(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    for field in fields:
        if field.kind in ("list", "object") and field.name in frame:
            frame[field.name] = frame[field.name].map(
                lambda v: json.loads(v) if isinstance(v, str) else v
            )
    return frame


def write_table(frame: pd.DataFrame, path: str | Path, fields: tuple[Field, ...] = DEFENDANT_FIELDS) -> None:
    """Write a defendant (or document) table as .jsonl, .csv or .parquet by extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for row in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif suffix == ".csv":
        _encode_nested(frame, fields).to_csv(path, index=False)
    elif suffix == ".parquet":
        _encode_nested(frame, fields).to_parquet(path, index=False)
    else:
        raise ValueError(f"{path}: unsupported output extension {suffix!r} (use .jsonl, .csv or .parquet)")


def read_table(path: str | Path, fields: tuple[Field, ...] = DEFENDANT_FIELDS) -> pd.DataFrame:
    """Read a table written by write_table back with the schema's dtypes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        frame = pd.read_json(path, lines=True, dtype=False)
    elif suffix == ".csv":
        frame = _decode_nested(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]), fields)
    elif suffix == ".parquet":
        frame = _decode_nested(pd.read_parquet(path), fields)
    else:
        raise ValueError(f"{path}: unsupported extension {suffix!r}")
    frame = frame.replace({float("nan"): None})
    for field in fields:
        if field.kind == "boolean" and field.name in frame and frame[field.name].dtype == object:
            frame[field.name] = frame[field.name].map(
                lambda v: {"true": True, "false": False, "True": True, "False": False}.get(v, v)
                if isinstance(v, str)
                else v
            )
    return _apply_dtypes(frame, fields)


def normalised_text_sha256(text: str) -> str:
    """SHA-256 of the text after NFKC and whitespace removal, so re-encodings of one text match."""
    normal = "".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
