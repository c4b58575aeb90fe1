"""Coverage: the package's counts beside the official totals for the same measure and period.

Official figures: datasets/official-statistics, table court_counts (rows with origin "source"):
persons with effective judgments (生效判决人数) and concluded cases (审结) per legal regime of Art. 253-1.
The corpus side counts, for the charges of that regime (toolkit.tiers rules, statute versions):
- persons: defendants in first-instance judgments (doc_type judgment, procedure first_instance) dated in the
  period — one first-instance judgment per person and case, so appeals are not counted twice;
- cases: first-instance judgments (documents) dated in the period.
The ratio is the corpus's coverage (the "publication rate" of work on published judgments); the
interval is toolkit.intervals.proportion_interval (Clopper-Pearson) for k of n, given only when k <= n
and it is read as the probability that a case of the period is in the corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COVERAGE_COLUMNS = (
    "official_record_id", "measure", "unit", "regime", "period_start", "period_end", "charges",
    "corpus_count", "official_count", "official_approx", "ratio", "ci_low", "ci_high", "interval_method",
    "corpus_definition", "official_source", "corpus_source", "note",
)
_CORPUS_DEFINITION = {
    "persons_effective_judgment": "defendants in first-instance judgments with one of the charges, judgment date in the period",
    "concluded": "first-instance judgments (documents) with a defendant charged with one of the charges, judgment date in the period",
}


def regime_charges(regime: str, subgroup: str | None) -> list[str]:
    from toolkit.tiers import load_rules

    versions = load_rules().raw["statute_versions"]
    if subgroup and subgroup.startswith("charge: "):
        return [subgroup[len("charge: "):].strip()]
    if regime == "amendment_vii":
        return list(versions[0]["charges_zh"])
    if regime == "whole_period":
        return sorted({c for v in versions for c in v["charges_zh"]})
    return list(versions[-1]["charges_zh"])


def coverage_rows(defendants_path: Path, package_name: str) -> list[dict[str, Any]]:
    import numpy as np
    import pyarrow.parquet as pq

    from toolkit.dataset.counts import BATCH_ROWS, document_ordinals
    from toolkit.datasets import load_table
    from toolkit.intervals import proportion_interval

    official = load_table("official-statistics", "court_counts")
    official = official[(official["origin"] == "source") & official["measure"].isin(list(_CORPUS_DEFINITION))]
    records = official.to_dict(orient="records")
    wanted = [set(regime_charges(r["regime"], r.get("subgroup"))) for r in records]
    periods = [(str(r["period_start"])[:7], str(r["period_end"])[:7]) for r in records]
    persons = [0] * len(records)
    hit_documents: list[list[Any]] = [[] for _ in records]
    ordinals = document_ordinals(defendants_path)
    start = 0
    # one batch of rows at a time: first-instance judgments with a month; their charges decoded batch by batch
    for batch in pq.ParquetFile(defendants_path).iter_batches(
            batch_size=BATCH_ROWS, columns=["doc_type", "procedure", "month", "charges"]):
        frame = batch.to_pandas()
        batch_ordinals = ordinals[start:start + len(frame)]
        start += len(frame)
        first = ((frame["doc_type"] == "judgment") & (frame["procedure"] == "first_instance") & frame["month"].notna()).to_numpy()
        if not first.any():
            continue
        charges = [set(json.loads(text)) if isinstance(text, str) else set() for text in frame["charges"][first]]
        months = frame["month"][first].to_numpy()
        row_ordinals = batch_ordinals[first]
        for k, (names, (period_start, period_end)) in enumerate(zip(wanted, periods)):
            hit = np.fromiter((bool(c & names) for c in charges), dtype=bool, count=len(charges))
            hit &= (months >= period_start) & (months <= period_end)
            persons[k] += int(hit.sum())
            hit_documents[k].append(np.unique(row_ordinals[hit]))
    rows = []
    for k, record in enumerate(records):
        if record["measure"] == "persons_effective_judgment":
            corpus = persons[k]
        else:
            corpus = len(np.unique(np.concatenate(hit_documents[k]))) if hit_documents[k] else 0
        start_month, end_month = periods[k]
        n = int(record["value"])
        ratio = corpus / n if n else None
        low = high = None
        method = ""
        note = ""
        if n and corpus <= n:
            interval = proportion_interval(corpus, n, "clopper-pearson")
            low, high, method = interval.low, interval.high, "clopper-pearson"
        elif n:
            note = "corpus count exceeds the official count: the measures differ (or the corpus holds duplicates)"
        if record.get("approx"):
            note = (note + "; " if note else "") + "official figure is rounded"
        rows.append({
            "official_record_id": record["record_id"], "measure": record["measure"], "unit": record["unit"],
            "regime": record["regime"], "period_start": start_month, "period_end": end_month,
            "charges": " + ".join(regime_charges(record["regime"], record.get("subgroup"))),
            "corpus_count": corpus, "official_count": n, "official_approx": bool(record.get("approx")),
            "ratio": ratio, "ci_low": low, "ci_high": high, "interval_method": method,
            "corpus_definition": _CORPUS_DEFINITION[record["measure"]],
            "official_source": f"{record['publisher']}: {record['source_ref']} (datasets/official-statistics court_counts.csv)",
            "corpus_source": "defendants.parquet of this package", "note": note,
        })
    return rows
