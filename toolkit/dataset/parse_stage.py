"""Parse stage: documents -> per-defendant rows with the derived columns (toolkit.dataset.columns).

One function per unit of work, so the local engine (multiprocessing) and the Dask engine run the
same code: `parse_documents` for a chunk of loaded documents, `derive_table_rows` for a chunk of an
input per-defendant table (parsing skipped).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

import pandas as pd

from toolkit.dataset.columns import CHARGE_JOIN
from toolkit.schema import is_missing

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(-\d{2})?")


@lru_cache(maxsize=1)
def personal_information_charges() -> frozenset[str]:
    """Every charge name Art. 253-1 has had (from the tier rules' statute versions, never retyped)."""
    from toolkit.tiers import load_rules

    return frozenset(c for version in load_rules().raw["statute_versions"] for c in version["charges_zh"])


def derive(record: dict[str, Any], source: str | None, year: Any = None) -> dict[str, Any]:
    """Add month, year, pi_charge, tier, charge_set and source to one defendant record (in place)."""
    date = record.get("judgment_date")
    match = _ISO_DATE.match(date) if isinstance(date, str) else None
    record["month"] = f"{match.group(1)}-{match.group(2)}" if match else None
    record["year"] = int(match.group(1)) if match else (None if is_missing(year) else int(year))
    charges = [c for c in (record.get("charges") or []) if isinstance(c, str) and c]
    pi = any(c in personal_information_charges() for c in charges)
    record["pi_charge"] = pi
    record["tier"] = _tier(record) if pi else None
    record["charge_set"] = CHARGE_JOIN.join(sorted(set(charges))) or None
    record["source"] = source
    return record


def _tier(record: dict[str, Any]) -> str | None:
    from toolkit.tiers import classify_record

    try:
        return classify_record(record).tier
    except Exception as exc:  # noqa: BLE001 - the engine's failure is a note, not a lost row
        record["notes"] = list(record.get("notes") or []) + [f"tier: engine error {type(exc).__name__}: {exc}"]
        return None


def set_document_charges(records: list[dict[str, Any]]) -> None:
    """doc_charge_set: the union of the charges of every defendant of one document."""
    charges = sorted({c for r in records for c in (r.get("charges") or []) if isinstance(c, str) and c})
    value = CHARGE_JOIN.join(charges) or None
    for record in records:
        record["doc_charge_set"] = value


def parse_documents(documents: Iterable[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """(stream index, document record) pairs -> defendant rows with derived columns and `_doc_index`."""
    from toolkit.parser import BATCH_SIZE
    from toolkit.parser import parse_documents as parse_batch

    rows: list[dict[str, Any]] = []
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in documents:
        batch.append(item)
        if len(batch) == BATCH_SIZE:
            _parse_batch(batch, parse_batch, rows)
            batch = []
    _parse_batch(batch, parse_batch, rows)
    return rows


def _parse_batch(batch: list[tuple[int, dict[str, Any]]], parse_batch: Any, rows: list[dict[str, Any]]) -> None:
    parsed = parse_batch([(document["id"], document.get("text") or "") for _, document in batch])
    for (index, document), records in zip(batch, parsed):
        for record in records:
            derive(record, document.get("source"))
            record["_doc_index"] = index
        set_document_charges(records)
        rows.extend(records)


def derive_table_rows(frame: pd.DataFrame, source: str) -> list[dict[str, Any]]:
    """Rows of an input per-defendant table (already normalised by as_defendant_table) with derived columns."""
    from toolkit.schema import DEFENDANT_COLUMNS

    years = frame["year"].tolist() if "year" in frame.columns else [None] * len(frame)
    plain = frame[list(DEFENDANT_COLUMNS)].astype(object).where(frame[list(DEFENDANT_COLUMNS)].notna(), None)
    rows = plain.to_dict(orient="records")
    for record, year in zip(rows, years):
        derive(record, source, year)
        record["_doc_index"] = -1
    start = 0
    for end in range(1, len(rows) + 1):  # rows of one document are contiguous (cut at doc_id changes)
        if end == len(rows) or rows[end]["doc_id"] != rows[start]["doc_id"]:
            set_document_charges(rows[start:end])
            start = end
    return rows
