"""The columns of a data package's defendants table: toolkit.schema's, then the derived ones.

Derived columns are computed per defendant (per document for `doc_charge_set`) by the parse stage,
so every count table is one pandas expression over `defendants.parquet` (see toolkit.dataset.counts).
"""

from __future__ import annotations

from toolkit.schema import DEFENDANT_FIELDS, DOCUMENT_FIELDS, Field
from toolkit.tiers import TIERS

UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"
CHARGE_JOIN = " + "

DERIVED_FIELDS: tuple[Field, ...] = (
    Field("month", "string", 'Month of judgment_date, "YYYY-MM"; null when the date is unknown'),
    Field("year", "integer", "Year of judgment_date (or the input table's own `year` column when it has no date)"),
    Field("pi_charge", "boolean", "True when one of the charges is a personal-information charge (Art. 253-1, any version)"),
    Field("tier", "string", "Tier-engine tier (toolkit.tiers.classify_record) for personal-information charges, else null",
          TIERS),
    Field("charge_set", "string", f"The defendant's charges, sorted and joined with {CHARGE_JOIN!r}; null when none was read"),
    Field("doc_charge_set", "string", f"Every charge of every defendant of the document, sorted, joined with {CHARGE_JOIN!r}"),
    Field("source", "string", "Where the row came from: the document's loader source (e.g. cail2018/jsonl) or the input table's file name"),
)

PACKAGE_DEFENDANT_FIELDS: tuple[Field, ...] = DEFENDANT_FIELDS + DERIVED_FIELDS
PACKAGE_DEFENDANT_COLUMNS: tuple[str, ...] = tuple(f.name for f in PACKAGE_DEFENDANT_FIELDS)

# internal columns of the checkpointed parts (.partial/): the position of the document in the input stream
PART_DOC_INDEX = Field("_doc_index", "integer", "position of the document in the input stream (-1 for table rows)")
PART_DEFENDANT_FIELDS: tuple[Field, ...] = PACKAGE_DEFENDANT_FIELDS + (PART_DOC_INDEX,)
PART_DOCUMENT_FIELDS: tuple[Field, ...] = DOCUMENT_FIELDS + (PART_DOC_INDEX,)
