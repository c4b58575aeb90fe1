"""Bring any per-defendant table (parser output, embedded dataset, a user's file) to the form
the analyses expect: toolkit.schema's columns, list columns as lists, dates as ISO text.

Columns a table does not carry are added as all-null and listed in `attrs["absent_columns"]`,
so an analysis can say "not recorded in this table" instead of treating null as "none".
Extra columns (e.g. a dataset's `source_url`) are kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.schema import DEFENDANT_FIELDS, read_table

ABSENT = "absent_columns"


def _as_list(value: Any, column: str, row: int) -> list | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"row {row}, column {column!r}: not a JSON list: {text[:60]!r} ({error})") from None
            if not isinstance(parsed, list):
                raise ValueError(f"row {row}, column {column!r}: expected a list, got {text[:60]!r}")
            return parsed
        return [part.strip() for part in text.split("|") if part.strip()]
    raise ValueError(f"row {row}, column {column!r}: expected a list, got {type(value).__name__}")


def as_defendant_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every schema column present and typed; see the module docstring."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    out = frame.copy()
    absent = []
    for field in DEFENDANT_FIELDS:
        name = field.name
        if name not in out.columns:
            absent.append(name)
            out[name] = None
        if field.kind == "list":
            out[name] = [_as_list(v, name, i) for i, v in enumerate(out[name].tolist())]
        elif field.kind == "date":
            dates = pd.to_datetime(out[name].astype("string"), errors="coerce", format="mixed")
            out[name] = dates.dt.strftime("%Y-%m-%d").astype("string")
        elif field.kind == "integer":
            out[name] = pd.to_numeric(out[name], errors="coerce").astype("Float64").round().astype("Int64")
        elif field.kind == "number":
            out[name] = pd.to_numeric(out[name], errors="coerce").astype("Float64")
        elif field.kind == "boolean":
            out[name] = out[name].astype("boolean")
        elif field.kind == "string":
            out[name] = out[name].astype("string")
    out.attrs[ABSENT] = absent
    return out


def read_defendant_table(path: str | Path) -> pd.DataFrame:
    """A parser-output table (.jsonl / .csv / .parquet, toolkit.schema.read_table), normalised."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (expected a per-defendant table written by the parser)")
    try:
        frame = read_table(path)
    except Exception as error:  # noqa: BLE001 - re-raised naming the file
        raise ValueError(f"{path}: cannot read as a per-defendant table: {error}") from error
    try:
        return as_defendant_table(frame)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error


def absent_columns(frame: pd.DataFrame) -> list[str]:
    """Schema columns the source table did not carry (all-null here)."""
    return list(frame.attrs.get(ABSENT, []))
