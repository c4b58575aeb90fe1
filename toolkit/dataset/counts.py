"""Count tables: documents (judgments, rulings, decisions) and defendants (persons per document), by dimension.

Each table `counts/<dimension>.csv` has columns `<dimension>, unit, measure, count`. `unit` is
`documents` or `defendants`; `measure` says what is counted (here the unit itself: every record of that
unit in the package, once). Every record falls in exactly one row of every table it appears in — an
unreadable or missing value is the row `unknown`, a tier of a defendant without a personal-information
charge is `not_applicable` — so each (unit, measure) sums to the package's total of that unit.

Document-level dimensions (month, province, court level, procedure, document type) are read from the
document's first defendant row (all rows of one document share them). Defendant-level dimensions
(outcome, penalty type, tier) are counted for defendants only; `charge` counts defendants by their
charge set and documents by the union of their defendants' charges.

`EXPRESSIONS` holds, per table and unit, the one pandas expression over
`df = pandas.read_parquet("defendants.parquet")` that gives the same counts (a value -> count Series);
tests/test_dataset.py evaluates every one against the written tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from toolkit.dataset.columns import NOT_APPLICABLE, UNKNOWN
from toolkit.schema import COURT_LEVELS, DOC_TYPES, OUTCOMES, PENALTY_TYPES, PROCEDURES
from toolkit.tiers import TIERS

COUNT_COLUMNS = ("unit", "measure", "count")
BATCH_ROWS = 50000  # rows of defendants.parquet turned into a DataFrame at a time


@dataclass(frozen=True)
class Dimension:
    name: str
    defendant_column: str
    document_column: str | None  # None: counted for defendants only
    values: tuple[str, ...] | None  # allowed values (listed with 0 when absent), else whatever occurs
    description: str


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("month", "month", "month", None, 'month of the judgment date ("YYYY-MM")'),
    Dimension("province", "province", "province", None, "province-level division of the court"),
    Dimension("court_level", "court_level", "court_level", COURT_LEVELS, "level of the deciding court"),
    Dimension("procedure", "procedure", "procedure", PROCEDURES, "procedure of the document"),
    Dimension("doc_type", "doc_type", "doc_type", DOC_TYPES, "kind of document"),
    Dimension("charge", "charge_set", "doc_charge_set", None,
              "charges, sorted and joined with ' + ' (defendants: their own; documents: all defendants')"),
    Dimension("outcome", "outcome", None, OUTCOMES, "final outcome for the defendant"),
    Dimension("penalty_type", "penalty_type", None, PENALTY_TYPES, "principal penalty finally imposed"),
    Dimension("tier", "tier", None, TIERS + (NOT_APPLICABLE,),
              "tier-engine tier for personal-information charges; not_applicable for other charges"),
)
DIMENSION_BY_NAME = {d.name: d for d in DIMENSIONS}
NEEDED_COLUMNS = sorted({"doc_id", "pi_charge"} | {d.defendant_column for d in DIMENSIONS}
                        | {d.document_column for d in DIMENSIONS if d.document_column})


def expression(dimension: Dimension, unit: str) -> str:
    """The pandas expression (over `df`, the defendants table) giving this table's counts for `unit`."""
    if dimension.name == "tier":
        return ('df["tier"].fillna(df["pi_charge"].map({True: "unknown", False: "not_applicable"}))'
                '.value_counts()')
    if unit == "documents":
        return f'df.drop_duplicates("doc_id")["{dimension.document_column}"].fillna("unknown").value_counts()'
    return f'df["{dimension.defendant_column}"].fillna("unknown").value_counts()'


def units_of(dimension: Dimension) -> tuple[str, ...]:
    return ("documents", "defendants") if dimension.document_column else ("defendants",)


class CountAccumulator:
    """Counts over the defendants table read in batches (memory: the counters and one flag per row)."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, str], Counter] = {
            (d.name, unit): Counter() for d in DIMENSIONS for unit in units_of(d)
        }
        self.documents = 0
        self.defendants = 0

    def add_frame(self, frame: Any, first_of_document: Any) -> None:
        """One batch of rows (a DataFrame of NEEDED_COLUMNS) and, per row, whether it is its document's first."""
        import numpy as np

        self.defendants += len(frame)
        self.documents += int(np.count_nonzero(first_of_document))
        firsts = frame[first_of_document]
        for dimension in DIMENSIONS:
            if dimension.name == "tier":
                tier = frame["tier"]
                fallback = np.where(frame["pi_charge"].fillna(False).astype(bool), UNKNOWN, NOT_APPLICABLE)
                values = tier.where(tier.notna() & (tier != ""), fallback)
                self.counters[("tier", "defendants")].update(_value_counts(values))
                continue
            self.counters[(dimension.name, "defendants")].update(_value_counts(frame[dimension.defendant_column]))
            if dimension.document_column:
                self.counters[(dimension.name, "documents")].update(_value_counts(firsts[dimension.document_column]))

    def table(self, dimension: Dimension) -> list[dict[str, Any]]:
        """Rows of counts/<dimension>.csv in a fixed order: unit, then listed values, then the rest sorted."""
        rows = []
        for unit in units_of(dimension):
            counter = self.counters[(dimension.name, unit)]
            listed = list(dimension.values or ())
            rest = sorted(v for v in counter if v not in listed and v not in (UNKNOWN, NOT_APPLICABLE))
            tail = [v for v in (NOT_APPLICABLE, UNKNOWN) if v not in listed and (v in counter or v == UNKNOWN)]
            for value in listed + rest + tail:
                rows.append({dimension.name: value, "unit": unit, "measure": unit, "count": counter.get(value, 0)})
        return rows


def _value_counts(series: Any) -> dict[str, int]:
    """value -> count, a missing or empty value counted as `unknown`, every value as its string."""
    values = series.astype(object)
    values = values.where(values.notna() & (values != ""), UNKNOWN)
    counts = values.value_counts(sort=False)
    return {value if isinstance(value, str) else str(value): int(n) for value, n in counts.items()}


def document_ordinals(defendants_path: Path) -> Any:
    """Per row of a defendants table, a number that is the same for the rows of one document and differs
    between documents (0, 1, ...; not in any particular order).

    The doc_id column is read in batches and each id hashed to 128 bits (two keyed 64-bit SipHashes,
    pandas.util.hash_array), so memory is 16 bytes a row however long the ids are, never the ids
    themselves; two distinct ids get the same hash with probability below 1e-20 even at a billion rows.
    Rows without a doc_id count as one document, as pandas' drop_duplicates("doc_id") counts them.
    """
    import numpy as np
    import pyarrow.parquet as pq
    from pandas.util import hash_array

    handle = pq.ParquetFile(defendants_path)
    rows = handle.metadata.num_rows
    keys = np.empty((rows, 2), dtype=np.uint64)
    missing = np.zeros(rows, dtype=bool)
    start = 0
    for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=["doc_id"]):
        ids = batch.column(0).to_numpy(zero_copy_only=False).astype(object)
        stop = start + len(ids)
        absent = np.array([value is None for value in ids], dtype=bool)
        ids[absent] = ""
        keys[start:stop, 0] = hash_array(ids, hash_key=_HASH_KEYS[0], categorize=False)
        keys[start:stop, 1] = hash_array(ids, hash_key=_HASH_KEYS[1], categorize=False)
        missing[start:stop] = absent
        start = stop
    if start != rows:
        raise ValueError(f"{defendants_path}: read {start} doc_id values of {rows} rows")
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((keys[:, 1], keys[:, 0]))
    sorted_keys = keys[order]
    new_group = np.ones(rows, dtype=bool)
    new_group[1:] = (sorted_keys[1:] != sorted_keys[:-1]).any(axis=1)
    del sorted_keys
    ordinals = np.empty(rows, dtype=np.int64)
    ordinals[order] = np.cumsum(new_group) - 1
    if missing.any():
        ordinals[missing] = ordinals.max() + 1  # every row without an id: one document of its own
    return ordinals


_HASH_KEYS = ("judgstat-doc-id1", "judgstat-doc-id2")  # SipHash keys (16 characters each)


def first_rows_of_documents(ordinals: Any) -> Any:
    import numpy as np

    if len(ordinals) == 0:
        return np.zeros(0, dtype=bool)
    first = np.zeros(len(ordinals), dtype=bool)
    first[np.unique(ordinals, return_index=True)[1]] = True
    return first


def count_package_tables(defendants_path: Path) -> CountAccumulator:
    """Every count table from a written defendants.parquet, read in row batches of the needed columns."""
    import pyarrow.parquet as pq

    accumulator = CountAccumulator()
    first = first_rows_of_documents(document_ordinals(defendants_path))
    handle = pq.ParquetFile(defendants_path)
    start = 0
    for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=NEEDED_COLUMNS):
        frame = batch.to_pandas()
        accumulator.add_frame(frame, first[start:start + len(frame)])
        start += len(frame)
    return accumulator
