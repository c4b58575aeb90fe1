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
    """Counts over the defendants table read in batches (memory: the counters and the seen document ids)."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, str], Counter] = {
            (d.name, unit): Counter() for d in DIMENSIONS for unit in units_of(d)
        }
        self._seen_docs: set[str] = set()
        self.documents = 0
        self.defendants = 0

    def add_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.defendants += 1
            first = row["doc_id"] not in self._seen_docs
            if first:
                self._seen_docs.add(row["doc_id"])
                self.documents += 1
            for dimension in DIMENSIONS:
                if dimension.name == "tier":
                    value = row["tier"] or (UNKNOWN if row["pi_charge"] else NOT_APPLICABLE)
                    self.counters[("tier", "defendants")][value] += 1
                    continue
                self.counters[(dimension.name, "defendants")][_value(row[dimension.defendant_column])] += 1
                if first and dimension.document_column:
                    self.counters[(dimension.name, "documents")][_value(row[dimension.document_column])] += 1

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


def _value(value: Any) -> str:
    return UNKNOWN if value is None or value == "" else str(value)


def count_package_tables(defendants_path: Path) -> CountAccumulator:
    """Every count table from a written defendants.parquet, read in row batches of the needed columns."""
    import pyarrow.parquet as pq

    accumulator = CountAccumulator()
    handle = pq.ParquetFile(defendants_path)
    for batch in handle.iter_batches(batch_size=20000, columns=NEEDED_COLUMNS):
        accumulator.add_rows(batch.to_pylist())
    return accumulator
