"""The project's two record types, defined once: the per-defendant table and the document store.

Parser output, loaders, embedded datasets and analysis all use these definitions.
A per-defendant record is a plain dict (JSON-serialisable) whose keys are DEFENDANT_FIELDS;
a value that the text does not state is None and `notes` says why.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from toolkit.lazy import pandas as pd  # imported when a table is built (fast `judgstat parse` start)

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
# A defendant is a person or an organisation (被告单位, Criminal Law Arts. 30-31, which is fined, never
# imprisoned); a unit's fine_yuan is the unit's own fine and is never added to a person's.
PARTY_TYPES = ("natural_person", "unit")
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
    Field(
        "party_type", "string",
        "natural_person, or unit for an organisation prosecuted as 被告单位 (Criminal Law Arts. 30-31); "
        "a unit's fine_yuan is its own fine, kept apart from the natural persons' fines", PARTY_TYPES,
    ),
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
    Field("drug", "string", "Drug crimes: the main drug (largest quantity relative to its 数量较大 threshold), "
          "an id of toolkit/crimes/drug_trafficking/rules.json"),
    Field("drug_grams", "number", "Drug crimes: grams of the main drug attributed to the defendant (the court's "
          "findings; net over gross weight; never converted by purity, Art. 357)"),
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


def is_missing(value: Any) -> bool:
    """The one test for a missing cell value: None, pandas NA/NaT or a float NaN."""
    if value is None:
        return True
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common cells, without touching pandas
        return False
    if kind is float:
        return value != value
    return value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def clean_text(value: str) -> str:
    """The string with lone surrogates (from a JSON escape such as \\ud800) replaced by U+FFFD.

    UTF-8 cannot encode a lone surrogate, so CSV and Parquet output would fail on it; the replacement
    character marks where the unencodable code point was (JSONL keeps it, escaped as \\ud800).
    """
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)


_SURROGATES = re.compile("[\ud800-\udfff]")


def _encode_cell(value: Any, kind: str) -> Any:
    """One cell as written to CSV / Parquet: lists and objects as JSON text, NA as None, text UTF-8 safe."""
    if kind in ("list", "object"):
        if value is None or (not isinstance(value, (list, dict, tuple)) and is_missing(value)):
            return None
        if isinstance(value, str):  # already encoded (a table read without decoding)
            return clean_text(value)
        try:  # plain Python values (the parser's records): straight to JSON
            return clean_text(json.dumps(value, ensure_ascii=False, default=_json_default))
        except TypeError:  # e.g. dict keys that JSON cannot take as they are
            return clean_text(json.dumps(_plain(value), ensure_ascii=False))
    if is_missing(value):
        return None
    if kind in ("string", "date"):
        return clean_text(value if isinstance(value, str) else str(value))
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return _boolean(value)
    return value


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays met by json.dumps inside a list/object cell, as _plain gives them."""
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _plain(value: Any) -> Any:
    """numpy scalars and arrays inside lists/objects as plain Python values (for json.dumps)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        value = value.tolist() if hasattr(value, "tolist") else value
        return [_plain(v) for v in value] if isinstance(value, list) else value
    return value


_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        try:
            return _BOOLEAN_TEXT[value.strip().lower()]
        except KeyError:
            raise SchemaError(f"{value!r} is not a boolean (true/false)") from None
    return bool(value)


def _jsonl_value(value: Any, kind: str) -> Any:
    if kind in ("list", "object"):
        if isinstance(value, (list, dict, tuple)) or hasattr(value, "tolist"):
            return _plain(value)
        if value is None or is_missing(value):
            return None
        if isinstance(value, str):
            return json.loads(value)
        return value
    if is_missing(value):
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return _boolean(value)
    if kind in ("string", "date") and not isinstance(value, str):
        return str(value)
    return value


def _arrow_schema(fields: tuple[Field, ...]):
    import pyarrow as pa

    types = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    return pa.schema([(f.name, types.get(f.kind, pa.string())) for f in fields])


FREE_TEXT_COLUMNS = ("text",)  # long, nearly always distinct values: no parquet dictionary (TableWriter)
ROW_GROUP_ROWS = 20000  # parquet row groups of TableWriter: at most this many rows...
ROW_GROUP_BYTES = 32 << 20  # ...or about this many bytes (a row group of long texts closes early)


class TableWriter:
    """Write a table (.jsonl, .csv or .parquet by extension) chunk by chunk; memory holds one chunk.

    Rows go to a temporary file beside `path`, renamed to `path` by `close()` — so the output appears
    only when complete; `abort()` (or leaving the `with` block by an exception) removes the temporary file.
    Parquet row groups use one fixed Arrow schema (toolkit.schema kinds), so every chunk agrees.
    """

    def __init__(self, path: str | Path, fields: tuple[Field, ...] = DEFENDANT_FIELDS, compression: str = "zstd",
                 background: bool = False) -> None:
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        if self.suffix not in TABLE_SUFFIXES:
            raise ValueError(f"{self.path}: unsupported extension {self.suffix!r} (use .jsonl, .csv or .parquet)")
        self.fields = fields
        self.columns = [f.name for f in fields]
        self.rows = 0
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self._parquet = None
        self._handle = None
        if self.suffix == ".parquet":
            import pyarrow.parquet as pq

            self._schema = _arrow_schema(fields)
            # min/max statistics only for scalar columns: on texts and JSON cells they cost up to kilobytes per
            # column per row group in the footer, which readers and the writer hold in memory whole
            statistics = [f.name for f in fields if f.kind in ("boolean", "integer", "number", "date")]
            # dictionary pages only where values repeat: over texts and JSON cells nearly every value is new, and
            # trying one anyway made writing a 30,000-document store take 0.73 s instead of 0.57 s
            dictionary = [f.name for f in fields if f.kind not in ("list", "object") and f.name not in FREE_TEXT_COLUMNS]
            self._parquet = pq.ParquetWriter(self.tmp, self._schema, compression=compression,
                                             write_statistics=statistics, use_dictionary=dictionary)
            self._pending: list[Any] = []
            self._pending_rows = self._pending_bytes = 0
            # background=True: a row group is encoded and compressed in a thread (pyarrow releases the GIL) while
            # the caller gathers the next one; at most one is in flight
            self._executor = None
            self._in_flight = None
            if background:
                from concurrent.futures import ThreadPoolExecutor

                self._executor = ThreadPoolExecutor(1, thread_name_prefix="judgstat-table-writer")
        else:
            self._handle = self.tmp.open("w", encoding="utf-8", newline="")
            if self.suffix == ".csv":
                self._csv = csv.writer(self._handle, lineterminator="\n")
                self._csv.writerow(self.columns)

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write_frame(self, frame: pd.DataFrame) -> None:
        present = [c for c in self.columns if c in frame.columns]
        records = frame[present].astype(object).to_dict(orient="records")
        self.write_records(records)

    def write_records(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        kinds = [(f.name, f.kind) for f in self.fields]
        if self.suffix == ".jsonl":
            for record in records:
                row = {name: _jsonl_value(record.get(name), kind) for name, kind in kinds}
                line = json.dumps(row, ensure_ascii=False)
                try:
                    self._handle.write(line + "\n")
                except UnicodeEncodeError:  # a lone surrogate: \\u escapes keep it exactly
                    self._handle.write(json.dumps(row) + "\n")
        else:
            columns = {name: [_encode_cell(r.get(name), kind) for r in records] for name, kind in kinds}
            if self.suffix == ".csv":
                for row in zip(*columns.values()):
                    self._csv.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v) for v in row])
            else:
                import pyarrow as pa

                self._buffer(pa.Table.from_pydict(columns, schema=self._schema))
        self.rows += len(records)

    def write_arrow(self, table: Any) -> None:
        """Parquet only: rows already in this writer's Arrow encoding (e.g. read from a part that a TableWriter
        of the same fields wrote), written without a round trip through Python objects."""
        if self._parquet is None:
            raise ValueError(f"{self.path}: write_arrow needs a .parquet table")
        if table.num_rows:
            self._buffer(table.select(self.columns).cast(self._schema))
            self.rows += table.num_rows

    def _buffer(self, table: Any) -> None:
        """Small writes are gathered into row groups of up to ROW_GROUP_ROWS rows or ROW_GROUP_BYTES bytes: each
        row group adds a footer entry per column that stays in memory, so thousands of tiny ones grow with the data."""
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self._pending_bytes += table.nbytes
        if self._pending_rows >= ROW_GROUP_ROWS or self._pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            import pyarrow as pa

            group, rows = pa.concat_tables(self._pending), max(self._pending_rows, 1)
            self._pending, self._pending_rows, self._pending_bytes = [], 0, 0
            if self._executor is None:
                self._parquet.write_table(group, row_group_size=rows)
            else:
                self._wait()
                self._in_flight = self._executor.submit(self._parquet.write_table, group, row_group_size=rows)

    def _wait(self) -> None:
        """Finish the row group in flight (background writing); its exception, if any, is raised here."""
        if self._in_flight is not None:
            in_flight, self._in_flight = self._in_flight, None
            in_flight.result()

    def _stop_background(self) -> None:
        if self._executor is not None:
            try:
                self._wait()
            finally:
                self._executor.shutdown(wait=True)
                self._executor = None

    def close(self) -> None:
        try:
            if self._parquet is not None:
                self._flush()
                self._stop_background()
                self._parquet.close()
            if self._handle is not None:
                self._handle.close()
        except BaseException:
            self.abort()  # a table that could not be finished never appears, nor does its temporary file stay
            raise
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            if self._parquet is not None:
                try:
                    self._stop_background()
                except Exception:  # noqa: BLE001 - aborting already: the first error is the one reported
                    pass
                self._parquet.close()
            if self._handle is not None:
                self._handle.close()
        finally:
            self.tmp.unlink(missing_ok=True)


TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")


def write_table(frame: pd.DataFrame, path: str | Path, fields: tuple[Field, ...] = DEFENDANT_FIELDS) -> None:
    """Write a defendant (or document) table as .jsonl, .csv or .parquet by extension (atomically)."""
    with TableWriter(path, fields) as writer:
        for start in range(0, len(frame), CHUNK_ROWS):
            writer.write_frame(frame.iloc[start : start + CHUNK_ROWS])


CHUNK_ROWS = 5000


def table_columns(path: str | Path) -> list[str]:
    """Column names of a .parquet / .csv / .jsonl table, read from its header (first line for JSONL)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if suffix == ".csv":
            return next(csv.reader(handle), [])
        for line in handle:
            if line.strip():
                obj = json.loads(line)
                return list(obj) if isinstance(obj, dict) else []
    return []


def iter_table(
    path: str | Path, fields: tuple[Field, ...] = DEFENDANT_FIELDS, chunk_rows: int = CHUNK_ROWS,
    columns: list[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """A table written by TableWriter (or any table in the schema's columns) in chunks, typed and decoded.

    Columns the file has beyond `fields` are kept as text; `columns` limits what is read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        handle = pq.ParquetFile(path)
        names = handle.schema_arrow.names
        wanted = [c for c in (columns or names) if c in names]
        for batch in handle.iter_batches(batch_size=chunk_rows, columns=wanted):
            yield decode_frame(batch.to_pandas(), fields, path)
    elif suffix == ".csv":
        reader = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], chunksize=chunk_rows,
            usecols=(lambda c: c in columns) if columns else None, encoding="utf-8-sig",
        )
        for chunk in reader:
            yield decode_frame(chunk, fields, path)
    elif suffix == ".jsonl":
        from toolkit.jsonl import iter_jsonl_objects

        rows: list[dict[str, Any]] = []
        for _, obj in iter_jsonl_objects(path):
            # pandas' Arrow strings cannot hold a lone surrogate: it is read as U+FFFD (see clean_text)
            rows.append({k: clean_text(v) if isinstance(v, str) else v for k, v in obj.items() if columns is None or k in columns})
            if len(rows) >= chunk_rows:
                yield decode_frame(pd.DataFrame(rows), fields, path)
                rows = []
        if rows:
            yield decode_frame(pd.DataFrame(rows), fields, path)
    else:
        raise ValueError(f"{path}: unsupported extension {suffix!r} (use .jsonl, .csv or .parquet)")


def decode_frame(frame: pd.DataFrame, fields: tuple[Field, ...], where: Any = "") -> pd.DataFrame:
    """Cells as read from CSV / Parquet / JSONL -> the schema's Python values and nullable dtypes."""
    label = f"{where}: " if where else ""
    for field in fields:
        if field.name not in frame:
            continue
        values = frame[field.name].tolist()
        try:
            if field.kind in ("list", "object"):
                frame[field.name] = [
                    json.loads(v) if isinstance(v, str) and v.strip() else (None if _missing_scalar(v) else v)
                    for v in values
                ]
                continue
            if field.kind == "boolean":
                frame[field.name] = pd.array([None if _missing_scalar(v) else _boolean(v) for v in values], dtype="boolean")
                continue
        except (ValueError, SchemaError) as exc:
            raise SchemaError(f"{label}column {field.name!r}: {exc}") from None
        if field.kind in ("integer", "number"):
            numbers = pd.to_numeric(frame[field.name], errors="coerce")
            bad = numbers.isna() & frame[field.name].notna()
            if bad.any():
                raise SchemaError(f"{label}column {field.name!r}: {frame[field.name][bad].iloc[0]!r} is not a number")
            frame[field.name] = numbers.astype("Float64").round().astype("Int64") if field.kind == "integer" else numbers.astype("Float64")
        elif field.kind in ("string", "date"):
            frame[field.name] = pd.array([None if _missing_scalar(v) else str(v) for v in values], dtype="string")
    return frame


def _missing_scalar(value: Any) -> bool:
    return not isinstance(value, (list, dict, tuple)) and not hasattr(value, "tolist") and is_missing(value)


def read_table(path: str | Path, fields: tuple[Field, ...] = DEFENDANT_FIELDS) -> pd.DataFrame:
    """Read a table written by write_table back with the schema's dtypes (every field, whole)."""
    chunks = list(iter_table(path, fields))
    if not chunks:
        return _apply_dtypes(pd.DataFrame(columns=[f.name for f in fields]), fields)
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    return _apply_dtypes(frame, fields)


# Full-width ASCII forms and the ideographic space: their NFKC forms are the ASCII characters (and U+0020) they
# decompose to, so mapping them first leaves the NFKC result unchanged, and most judgment texts are then already
# NFKC-normal (the quick check) — three times faster than normalising every text.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def normalised_text_sha256(text: str) -> str:
    """SHA-256 of the text after NFKC and whitespace removal, so re-encodings of one text match."""
    if not unicodedata.is_normalized("NFKC", text):
        for char in set(_FULL_WIDTH.findall(text)):  # a few distinct characters, each replaced at C speed
            code = ord(char)
            text = text.replace(char, " " if code == 0x3000 else chr(code - 0xFEE0))
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()
