"""Embedded datasets: Frictionless-style `datapackage.json` descriptors, a typed loader, a validator.

Every directory `datasets/<name>/` holds a `datapackage.json` and its tables. A resource is
`{"name", "path", "schema": {"fields": [...], "primaryKey": ...}}`; each field has `name`,
`type` and optionally `description`, `constraints` (`required`, `unique`, `enum`,
`minimum`, `maximum`, `pattern`) and `format`. Tables are CSV (or JSON Lines, `.jsonl`).

Types and the pandas dtypes `load_table` gives them:

    string -> string   integer -> Int64   number -> Float64   boolean -> boolean
    year -> Int64      yearmonth ("YYYY-MM") -> period[M]
    date ("YYYY-MM-DD") -> datetime64[ns]   datetime (ISO 8601) -> datetime64[ns]
    any -> string (kept as text)
    array, object -> object column of lists / dicts (JSON text in a CSV cell; native in JSON Lines)

Empty cells (or the schema's `missingValues`) are missing values. Booleans are written
`true`/`false` (also accepted: True/TRUE/1, False/FALSE/0).

Provenance: every row must name its source. A resource may list its provenance fields in
`schema.sourceFields`; otherwise any of `source_ref`, `source`, `source_url` present in the
schema is used; a table with no such field relies on the package-level `sources`, which
must then be non-empty.
"""

from __future__ import annotations

import csv
import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from toolkit.jsonl import JsonlError, iter_jsonl_objects
from toolkit.paths import DATASETS_DIR

DESCRIPTOR = "datapackage.json"
SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "year", "yearmonth", "date", "datetime", "any", "array", "object")
DEFAULT_SOURCE_FIELDS = ("source_ref", "source", "source_url")
TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}
_YEARMONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")

PANDAS_DTYPES = {
    "string": "string",
    "any": "string",
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "yearmonth": "period[M]",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns]",
    "array": "object",
    "object": "object",
}


class DatasetError(ValueError):
    """A descriptor or table that cannot be read as declared; the message names file and record."""


# --- descriptors -------------------------------------------------------------------------


def package_dir(name_or_path: str | Path) -> Path:
    """`datasets/<name>/` for a package name, or the directory of a given path/descriptor."""
    path = Path(name_or_path)
    if path.name == DESCRIPTOR:
        return path.parent
    if path.is_dir():
        return path
    candidate = DATASETS_DIR / str(name_or_path)
    if candidate.is_dir():
        return candidate
    known = ", ".join(package_names()) or "none"
    raise DatasetError(f"no dataset package {str(name_or_path)!r} (datasets/ holds: {known})")


def package_names() -> list[str]:
    """Names of the packages under datasets/ (directories holding a datapackage.json)."""
    if not DATASETS_DIR.is_dir():
        return []
    return sorted(p.parent.name for p in DATASETS_DIR.glob(f"*/{DESCRIPTOR}"))


def load_package(name: str | Path) -> dict:
    """The parsed `datapackage.json` of a package (by name under datasets/, or by path)."""
    path = package_dir(name) / DESCRIPTOR
    if not path.is_file():
        raise DatasetError(f"{path}: descriptor missing")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(descriptor, dict):
        raise DatasetError(f"{path}: the descriptor must be a JSON object")
    return descriptor


def find_resource(descriptor: dict, resource: str) -> dict:
    """A resource by its `name`, or by its path / path stem."""
    for entry in descriptor.get("resources", []):
        path = str(entry.get("path", ""))
        if resource in (entry.get("name"), path, Path(path).stem):
            return entry
    names = [r.get("name") for r in descriptor.get("resources", [])]
    raise DatasetError(f"package {descriptor.get('name')!r} has no resource {resource!r} (has: {names})")


def source_fields(resource: dict) -> list[str]:
    schema = resource.get("schema", {})
    if "sourceFields" in schema:
        return list(schema["sourceFields"])
    names = {f.get("name") for f in schema.get("fields", [])}
    return [name for name in DEFAULT_SOURCE_FIELDS if name in names]


# --- cells ---------------------------------------------------------------------------------


def is_missing(value: Any, missing_values: set[str]) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value in missing_values


def parse_cell(value: Any, field_type: str) -> Any:
    """One non-missing cell (text from CSV, or a JSON value) as a Python value; ValueError if it does not parse."""
    text = value.strip() if isinstance(value, str) else value
    if field_type in ("string", "any"):
        if not isinstance(value, str) and field_type == "string":
            raise ValueError(f"expected text, got {value!r}")
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if field_type in ("integer", "year"):
        if isinstance(text, bool):
            raise ValueError(f"expected an integer, got {value!r}")
        if isinstance(text, int):
            return text
        if isinstance(text, float) and text.is_integer():
            return int(text)
        if isinstance(text, str) and _INTEGER.match(text):
            return int(text)
        raise ValueError(f"expected an integer, got {value!r}")
    if field_type == "number":
        if isinstance(text, bool):
            raise ValueError(f"expected a number, got {value!r}")
        if isinstance(text, (int, float)):
            return float(text)
        try:
            number = float(text)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"expected a finite number, got {value!r}")
        return number
    if field_type == "boolean":
        if isinstance(text, bool):
            return text
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValueError(f"expected true/false, got {value!r}")
    if field_type == "yearmonth":
        if isinstance(text, str) and _YEARMONTH.match(text):
            return pd.Period(text, freq="M")
        raise ValueError(f"expected YYYY-MM, got {value!r}")
    if field_type == "date":
        if isinstance(text, str) and _DATE.match(text):
            return date.fromisoformat(text)
        raise ValueError(f"expected YYYY-MM-DD, got {value!r}")
    if field_type == "datetime":
        try:
            return datetime.fromisoformat(str(text))
        except ValueError:
            raise ValueError(f"expected an ISO 8601 date-time, got {value!r}") from None
    if field_type in ("array", "object"):
        expected = list if field_type == "array" else dict
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError(f"expected JSON {field_type}, got {value!r}") from None
        if not isinstance(value, expected):
            raise ValueError(f"expected a JSON {field_type}, got {value!r}")
        return value
    raise ValueError(f"unsupported field type {field_type!r} (supported: {', '.join(SUPPORTED_TYPES)})")


def to_series(values: list[Any], field_type: str, name: str) -> pd.Series:
    dtype = PANDAS_DTYPES[field_type]
    if field_type == "yearmonth":
        return pd.Series(pd.PeriodIndex([v if v is not None else pd.NaT for v in values], freq="M"), name=name)
    if field_type in ("array", "object"):
        return pd.Series(values, name=name, dtype="object")
    if field_type in ("date", "datetime"):
        return pd.Series(pd.to_datetime([v if v is not None else pd.NaT for v in values]), name=name).astype(dtype)
    return pd.Series(pd.array([pd.NA if v is None else v for v in values], dtype=dtype), name=name)


# --- reading rows ----------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """Header (column names) and (line number, row) pairs of a CSV or JSON Lines table."""
    if not path.is_file():
        raise DatasetError(f"{path}: table missing")
    if path.suffix == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                raise DatasetError(f"{path}: empty file (no header)") from None
            rows: list[tuple[int, dict[str, Any]]] = []
            for line_no, cells in enumerate(reader, start=2):
                if not cells:
                    continue
                if len(cells) != len(header):
                    raise DatasetError(f"{path} line {line_no}: {len(cells)} cells, header has {len(header)}")
                rows.append((line_no, dict(zip(header, cells))))
        return header, iter(rows)
    if path.suffix == ".jsonl":
        rows = []
        header: list[str] = []
        try:
            for line_no, record in iter_jsonl_objects(path):
                header.extend(k for k in record if k not in header)
                rows.append((line_no, record))
        except JsonlError as exc:
            raise DatasetError(str(exc)) from None
        return header, iter(rows)
    if path.suffix == ".parquet":  # data packages written by `judgstat dataset`
        import pyarrow.parquet as pq

        try:
            handle = pq.ParquetFile(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
            raise DatasetError(f"{path}: not a readable Parquet file ({exc})") from None

        def parquet_rows() -> Iterator[tuple[int, dict[str, Any]]]:
            number = 0
            for batch in handle.iter_batches(batch_size=10000):
                for row in batch.to_pylist():
                    number += 1
                    yield number, row

        return list(handle.schema_arrow.names), parquet_rows()
    raise DatasetError(f"{path}: unsupported table format {path.suffix!r} (use .csv, .jsonl or .parquet)")


def row_label(path: Path, line_no: int, row: dict, key: list[str]) -> str:
    ident = ", ".join(f"{k}={row.get(k)!r}" for k in key if k in row)
    return f"{path} line {line_no}" + (f" ({ident})" if ident else "")


def primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


# --- public API -------------------------------------------------------------------------------


def load_table(name: str | Path, resource: str) -> pd.DataFrame:
    """One resource of a package as a DataFrame with dtypes from its schema (see module doc).

    Columns come in schema order; a cell that does not parse raises DatasetError naming
    the file, line and record.
    """
    base = package_dir(name)
    descriptor = load_package(base)
    entry = find_resource(descriptor, resource)
    fields = entry.get("schema", {}).get("fields", [])
    missing_values = set(entry.get("schema", {}).get("missingValues", [""]))
    key = primary_key(entry.get("schema", {}))
    path = base / entry["path"]
    header, rows = read_rows(path)
    absent = [f["name"] for f in fields if f["name"] not in header]
    if absent and path.suffix == ".csv":
        raise DatasetError(f"{path}: columns missing from the table: {absent}")
    columns: dict[str, list[Any]] = {f["name"]: [] for f in fields}
    for line_no, row in rows:
        for field in fields:
            raw = row.get(field["name"])
            if is_missing(raw, missing_values):
                columns[field["name"]].append(None)
                continue
            try:
                columns[field["name"]].append(parse_cell(raw, field.get("type", "string")))
            except ValueError as exc:
                raise DatasetError(f"{row_label(path, line_no, row, key)} field {field['name']!r}: {exc}") from None
    frame = pd.DataFrame({f["name"]: to_series(columns[f["name"]], f.get("type", "string"), f["name"]) for f in fields})
    frame.attrs["package"] = descriptor.get("name")
    frame.attrs["resource"] = entry.get("name")
    return frame


def validate_package(path: str | Path) -> list[str]:
    """Problems found in a package (directory or descriptor path); an empty list means valid.

    Checks: descriptor basics; each resource's file exists; every schema field is a column
    and every column a field; field types are supported and every cell parses; enum,
    required, unique, minimum/maximum and pattern constraints hold; the primary key is
    unique; every row names a source.
    """
    problems: list[str] = []
    try:
        base = package_dir(path)
        descriptor = load_package(base)
    except DatasetError as exc:
        return [str(exc)]
    where = base / DESCRIPTOR
    for key in ("name", "resources"):
        if not descriptor.get(key):
            problems.append(f"{where}: descriptor lacks {key!r}")
    if not descriptor.get("licenses"):
        problems.append(f"{where}: descriptor lacks 'licenses'")
    names_seen: set[str] = set()
    for index, entry in enumerate(descriptor.get("resources", []) or []):
        label = f"{where} resource #{index} ({entry.get('name', '?')})"
        if not entry.get("name") or not entry.get("path"):
            problems.append(f"{label}: needs 'name' and 'path'")
            continue
        if entry["name"] in names_seen:
            problems.append(f"{label}: duplicate resource name")
        names_seen.add(entry["name"])
        problems.extend(validate_resource(base, descriptor, entry, label))
    return problems


def validate_resource(base: Path, descriptor: dict, entry: dict, label: str) -> list[str]:
    problems: list[str] = []
    schema = entry.get("schema") or {}
    fields = schema.get("fields") or []
    if not fields:
        return [f"{label}: schema has no fields"]
    field_names = [f.get("name") for f in fields]
    for field in fields:
        if not field.get("name"):
            problems.append(f"{label}: a field has no name")
        if field.get("type", "string") not in SUPPORTED_TYPES:
            problems.append(f"{label} field {field.get('name')!r}: unsupported type {field.get('type')!r}")
        if not field.get("description"):
            problems.append(f"{label} field {field.get('name')!r}: no description")
    if len(set(field_names)) != len(field_names):
        problems.append(f"{label}: duplicate field names")
    key = primary_key(schema)
    for k in key:
        if k not in field_names:
            problems.append(f"{label}: primaryKey field {k!r} is not a field")
    provenance = source_fields(entry)
    for name in provenance:
        if name not in field_names:
            problems.append(f"{label}: source field {name!r} is not a field")
    if not provenance and not descriptor.get("sources"):
        problems.append(f"{label}: no source field and no package-level 'sources'")
    if problems:
        return problems

    path = base / entry["path"]
    try:
        header, rows = read_rows(path)
    except DatasetError as exc:
        return [str(exc)]
    is_csv = path.suffix in (".csv", ".parquet")  # tables with a fixed header
    for name in field_names:
        if name not in header and is_csv:
            problems.append(f"{path}: field {name!r} is not a column of the table")
    for name in header:
        if name not in field_names:
            problems.append(f"{path}: column {name!r} is not described in the schema")
    if is_csv and len(set(header)) != len(header):
        problems.append(f"{path}: duplicate column names in the header")

    missing_values = set(schema.get("missingValues", [""]))
    seen: dict[str, dict[Any, int]] = {f["name"]: {} for f in fields if f.get("constraints", {}).get("unique")}
    seen_keys: dict[tuple, int] = {}
    row_count = 0
    for line_no, row in rows:
        row_count += 1
        where_row = row_label(path, line_no, row, key)
        values: dict[str, Any] = {}
        for field in fields:
            name, constraints = field["name"], field.get("constraints", {})
            raw = row.get(name)
            if is_missing(raw, missing_values):
                values[name] = None
                if constraints.get("required") or name in key:
                    problems.append(f"{where_row}: required field {name!r} is empty")
                continue
            try:
                value = parse_cell(raw, field.get("type", "string"))
            except ValueError as exc:
                problems.append(f"{where_row} field {name!r}: {exc}")
                continue
            values[name] = value
            problems.extend(f"{where_row} field {name!r}: {p}" for p in check_constraints(value, raw, constraints))
            if name in seen:
                token = hashable(value)
                if token in seen[name]:
                    problems.append(f"{where_row} field {name!r}: value {raw!r} repeats line {seen[name][token]} (unique)")
                else:
                    seen[name][token] = line_no
        if key and all(values.get(k) is not None for k in key):
            composite = tuple(hashable(values[k]) for k in key)
            if composite in seen_keys:
                problems.append(f"{where_row}: primary key repeats line {seen_keys[composite]}")
            else:
                seen_keys[composite] = line_no
        if provenance and all(values.get(name) in (None, "") for name in provenance):
            problems.append(f"{where_row}: row names no source (fields {provenance} are empty)")
    if row_count == 0 and not entry.get("judgstat", {}).get("may_be_empty"):  # e.g. an empty errors table
        problems.append(f"{path}: table has no rows")
    return problems


def hashable(value: Any) -> Any:
    """Lists and dicts (array/object fields) as canonical JSON text, so they can be compared for uniqueness."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def check_constraints(value: Any, raw: Any, constraints: dict) -> list[str]:
    problems = []
    enum = constraints.get("enum")
    if enum is not None and value not in enum and raw not in enum:
        problems.append(f"value {raw!r} not in enum {enum}")
    if "minimum" in constraints and isinstance(value, (int, float)) and value < constraints["minimum"]:
        problems.append(f"value {raw!r} below minimum {constraints['minimum']}")
    if "maximum" in constraints and isinstance(value, (int, float)) and value > constraints["maximum"]:
        problems.append(f"value {raw!r} above maximum {constraints['maximum']}")
    if "pattern" in constraints and isinstance(value, str) and not re.fullmatch(constraints["pattern"], value):
        problems.append(f"value {raw!r} does not match pattern {constraints['pattern']!r}")
    return problems


def format_cell(value: Any) -> str:
    """One CSV cell as the packages write it: empty for null, true/false, JSON lists, 36 not 36.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str], path: Path) -> None:
    """Write a package table (used by the datasets' build scripts) with cells from format_cell."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: format_cell(row[k]) for k in columns})
