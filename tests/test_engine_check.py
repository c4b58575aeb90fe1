"""Engine vs court, per defendant (toolkit.analysis.engine_check): explaining one defendant of a case leaves the
others unexplained."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.analysis.engine_check import check_explanations, compare_with_engine, discrepancies


def _cases() -> pd.DataFrame:
    # One case, three defendants: two sentenced below the top tier's range for twice the ten-fold standard of
    # "other" information, one with too few items for any tier. One more case without a discrepancy.
    rows = [
        {"doc_id": "C1", "defendant": "甲", "info_count": 100000, "info_category": "other", "outcome": "convicted",
         "penalty_type": "fixed_term", "term_months": 8, "tier_stated": None},
        {"doc_id": "C1", "defendant": "乙", "info_count": 100000, "info_category": "other", "outcome": "convicted",
         "penalty_type": "fixed_term", "term_months": 6, "tier_stated": None},
        {"doc_id": "C1", "defendant": "丙", "info_count": 1800, "info_category": "other", "outcome": "convicted",
         "penalty_type": "criminal_detention", "term_months": 4, "tier_stated": None},
        {"doc_id": "C2", "defendant": "丁", "info_count": 1000, "info_category": "trajectory", "outcome": "convicted",
         "penalty_type": "fixed_term", "term_months": 40, "tier_stated": "especially_serious"},
        {"doc_id": "C3", "defendant": "戊", "info_count": None, "info_category": None, "outcome": "convicted",
         "penalty_type": "fixed_term", "term_months": 44, "tier_stated": None},
    ]
    return pd.DataFrame(rows)


def test_each_defendant_gets_its_own_discrepancy():
    compared = compare_with_engine(_cases())
    by_name = dict(zip(compared["defendant"], compared["discrepancy"]))
    assert by_name["甲"] == "term 8 months below the 36-84 range"
    assert by_name["乙"] == "term 6 months below the 36-84 range"
    assert by_name["丙"] == "engine: no standard met, yet convicted"
    assert by_name["丁"] == ""
    assert "exceeds 36" in by_name["戊"]


def test_explaining_one_defendant_leaves_the_others_of_the_case_unexplained():
    compared = compare_with_engine(_cases())
    check = check_explanations(compared, {("C1", "丙"): "characterisation"})
    assert list(check.explained["defendant"]) == ["丙"]
    assert list(zip(check.unexplained["doc_id"], check.unexplained["defendant"])) == [("C1", "甲"), ("C1", "乙"),
                                                                                      ("C3", "戊")]
    summary = check.summary()
    assert "5 defendants compared; 4 with a discrepancy: 1 explained" in summary
    assert "not yet explained: C1 甲, C1 乙, C3 戊" in summary


def test_all_explained_and_stale_explanations_reported():
    compared = compare_with_engine(_cases())
    explanations = {("C1", "甲"): "a", ("C1", "乙"): "b", ("C1", "丙"): "c", ("C3", "戊"): "d", ("C2", "丁"): "no longer"}
    check = check_explanations(compared, explanations)
    assert check.unexplained.empty and len(check.explained) == 4
    assert check.stale == [("C2", "丁")]
    assert "match no discrepancy" in check.summary() and "C2 丁" in check.summary()


def test_a_case_wide_key_is_refused():
    compared = compare_with_engine(_cases())
    with pytest.raises(ValueError, match="one defendant per explanation"):
        check_explanations(compared, {"C1": "all three"})  # type: ignore[dict-item]


def test_defendants_that_cannot_be_told_apart_are_refused():
    cases = pd.concat([_cases(), _cases().iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than once"):
        check_explanations(compare_with_engine(cases), {})


def test_stated_tier_and_term_above_range():
    row = {"engine_tier": "serious", "tier_stated": "especially_serious", "penalty_type": "fixed_term",
           "term_months": 40, "range_months": (1, 36), "outcome": "convicted"}
    assert discrepancies(row) == ["engine 情节严重 vs court 情节特别严重", "term 40 months above the 1-36 range"]


def test_no_rows_is_an_error():
    with pytest.raises(ValueError, match="0 rows"):
        compare_with_engine(_cases().iloc[0:0])
