"""The tier engine against what courts did, defendant by defendant (notebook 03, section 4).

    compared = compare_with_engine(cases)                  # engine columns + a `discrepancy` column per defendant
    check = check_explanations(compared, {("PI004", "赵某"): "characterisation ..."})
    check.unexplained                                       # discrepancies no explanation names

An explanation covers exactly one defendant, named by (doc_id, defendant): a case with three defendants
whose terms disagree with the engine needs three, so explaining one of them never marks the others done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import pandas as pd

from toolkit.tiers import TIER_ZH, TierResult, classify_record, load_rules

DefendantKey = tuple[str, str]
CUSTODIAL_PENALTIES = ("fixed_term", "criminal_detention")


def _plain(value: Any) -> Any:
    """pandas missing values (NA, NaN, NaT, None) -> None; tuples and lists as they are."""
    if isinstance(value, (tuple, list)):
        return value
    return None if pd.isna(value) else value


def engine_columns(record: Mapping[str, Any], classify: Callable[[Mapping[str, Any]], TierResult] = classify_record
                   ) -> dict[str, Any]:
    """What the engine says about one per-defendant record, as columns."""
    result = classify(record)
    return {"engine_tier": result.tier or "undecided", "engine_floor": result.tier_floor,
            "engine_clauses": ", ".join(result.tier_clauses), "range_months": result.range_months,
            "statute": result.statute_version, "interpretation_in_force": result.interpretation_in_force}


def discrepancies(row: Mapping[str, Any]) -> list[str]:
    """Every way one defendant's record disagrees with the engine's tier (empty when it does not).

    Listed: the engine's tier differs from the court's stated tier; the engine finds no tier but the defendant was
    convicted; a custodial term outside the statutory range of the engine's tier (for the Art. 253-1 version the
    engine applies); the engine cannot decide while the court's finding, or a term above the 情节严重 maximum,
    shows the tier.
    """
    found: list[str] = []
    engine = _plain(row.get("engine_tier"))
    tier = None if engine in (None, "undecided") else engine
    stated, term = _plain(row.get("tier_stated")), _plain(row.get("term_months"))
    custodial = _plain(row.get("penalty_type")) in CUSTODIAL_PENALTIES and term is not None
    if tier is not None and stated is not None and tier != stated:
        found.append(f"engine {TIER_ZH[tier]} vs court {TIER_ZH[stated]}")
    if tier == "none" and _plain(row.get("outcome")) == "convicted":
        found.append("engine: no standard met, yet convicted")
    span = _plain(row.get("range_months"))
    if tier in ("serious", "especially_serious") and custodial and span:
        low, high = span
        if term < low:
            found.append(f"term {term:g} months below the {low}-{high} range")
        elif term > high:
            found.append(f"term {term:g} months above the {low}-{high} range")
    if tier is None and stated is not None:
        found.append(f"engine undecided (count or category missing); court: {TIER_ZH[stated]}")
    serious_max = load_rules().current_statute_version()["tiers"]["serious"]["custodial_months"][1]
    if tier is None and custodial and term > serious_max:
        found.append(f"engine undecided; a term of {term:g} months exceeds {serious_max}, "
                     f"so the court applied 情节特别严重")
    return found


def compare_with_engine(cases: pd.DataFrame,
                        classify: Callable[[Mapping[str, Any]], TierResult] = classify_record) -> pd.DataFrame:
    """`cases` (one row per defendant) with the engine's columns and a `discrepancy` column ("" when none)."""
    if cases.empty:
        raise ValueError("no defendants to compare with the engine (0 rows)")
    engine = pd.DataFrame([engine_columns(row, classify) for _, row in cases.iterrows()], index=cases.index)
    compared = pd.concat([cases, engine], axis=1)
    compared["discrepancy"] = ["; ".join(discrepancies(row)) for _, row in compared.iterrows()]
    return compared


@dataclass
class ExplanationCheck:
    """Discrepancies split by whether an explanation names that very defendant."""

    explained: pd.DataFrame  # discrepancy rows with their `explanation`
    unexplained: pd.DataFrame  # discrepancy rows no explanation names
    stale: list[DefendantKey]  # explanations naming a defendant without (or not in) any discrepancy
    defendants_compared: int

    def summary(self) -> str:
        cases = lambda frame: frame["doc_id"].nunique() if len(frame) else 0  # noqa: E731
        lines = [f"{self.defendants_compared} defendants compared; {len(self.explained) + len(self.unexplained)} "
                 f"with a discrepancy: {len(self.explained)} explained (in {cases(self.explained)} cases), "
                 f"{len(self.unexplained)} not yet explained"]
        if len(self.unexplained):
            lines.append("not yet explained: " + ", ".join(
                f"{doc} {name}" for doc, name in zip(self.unexplained["doc_id"], self.unexplained["defendant"])))
        if self.stale:
            lines.append("explanations that match no discrepancy (the data or the engine changed; revise them): "
                         + ", ".join(f"{doc} {name}" for doc, name in self.stale))
        return "\n".join(lines)


def check_explanations(compared: pd.DataFrame, explanations: Mapping[DefendantKey, str]) -> ExplanationCheck:
    """Match explanations to discrepancies per defendant, by (doc_id, defendant); never by case alone."""
    for key in explanations:
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(part, str) and part for part in key)):
            raise ValueError(f"explanation key {key!r}: expected (doc_id, defendant), one defendant per explanation")
    keys = list(zip(compared["doc_id"], compared["defendant"]))
    repeated = sorted({key for key in keys if keys.count(key) > 1}, key=str)
    if repeated:
        raise ValueError(f"defendants named more than once, so an explanation cannot tell them apart: {repeated}")
    flagged = compared[compared["discrepancy"].fillna("") != ""].copy()
    flagged["explanation"] = [explanations.get((doc, name)) for doc, name in zip(flagged["doc_id"], flagged["defendant"])]
    has = flagged["explanation"].notna()
    flagged_keys = set(zip(flagged["doc_id"], flagged["defendant"]))
    stale = [key for key in explanations if key not in flagged_keys]
    return ExplanationCheck(flagged[has], flagged[~has].drop(columns="explanation"), stale, len(compared))
