"""Engine API: input validation, exact arithmetic, dates and notes, JSON form, classify_record."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from toolkit.schema import defendants_to_frame, new_defendant_record
from toolkit.tiers import CaseFacts, assess, classify_record


def test_chinese_and_english_names_are_one_category_and_accumulate():
    facts = CaseFacts(counts={"行踪轨迹": 30, "trajectory": 20})
    assert facts.counts == {"trajectory": 50}
    assert assess(facts).tier == "serious"  # Art. 5(1)(3): 50 items


@pytest.mark.parametrize("counts", [{"bogus": 1}, {"trajectory": -1}, {"trajectory": 1.5}, {"trajectory": "7"}, {"trajectory": True}])
def test_bad_counts_are_rejected(counts):
    with pytest.raises(ValueError):
        CaseFacts(counts=counts)


@pytest.mark.parametrize("kwargs", [{"gains_yuan": -1}, {"gains_yuan": "abc"}, {"profit_yuan": float("nan")},
                                    {"conduct_date": "2022-02-30"}, {"prior_punishment": "sometimes"}])
def test_bad_values_are_rejected(kwargs):
    with pytest.raises(ValueError):
        CaseFacts(**kwargs)


def test_ratios_are_exact_fractions():
    result = assess(CaseFacts(counts={"trajectory": 1, "accommodation": 3, "other": 7}), what_if=False)
    # Art. 5(1)(6): 1/50 + 3/500 + 7/5000 = 137/5000 exactly
    assert result.mixed_sum == Fraction(137, 5000)
    assert result.ratios["accommodation"].ratio == Fraction(3, 500)
    assert result.ratios["accommodation"].threshold == 500


def test_duty_ratios_use_the_halved_standard():
    result = assess(CaseFacts(counts={"health": 100}, duty_or_service=True), what_if=False)
    assert result.ratios["health"].threshold == 250  # Art. 5(1)(8): half of 500
    assert result.ratios["health"].ratio == Fraction(2, 5)


def test_float_gains_are_read_as_their_decimal_text():
    # 0.1 + 0.2 style binary error must not tip 4999.99 over or 5000.0 under the line
    assert assess(CaseFacts(gains_yuan=4999.99), what_if=False).tier == "none"
    assert assess(CaseFacts(gains_yuan=5000.0), what_if=False).tier == "serious"


def test_interpretation_not_in_force_is_labelled_but_still_reported():
    result = assess(CaseFacts(counts={"trajectory": 600}, conduct_date="2016-05-01"), what_if=False)
    assert result.tier == "especially_serious"
    assert result.interpretation_in_force is False
    assert "NOT IN FORCE" in result.interpretation_note and "2017-06-01" in result.interpretation_note
    assert result.interpretation_note in result.notes


def test_amendment_vii_has_one_tier():
    result = assess(CaseFacts(counts={"trajectory": 600}, conduct_date="2012-01-01"), what_if=False)
    assert result.statute_version == "amendment_vii"
    assert result.statutory_tier == "serious"
    assert result.range_months == (1, 36)
    assert any("one tier" in n for n in result.notes)


def test_before_art_253_1_no_range():
    result = assess(CaseFacts(counts={"trajectory": 600}, conduct_date=date(2008, 12, 31)), what_if=False)
    assert result.statute_version is None and result.range_months is None
    assert any("predates Art. 253-1" in n for n in result.notes)


def test_no_date_assumes_current_law():
    result = assess(CaseFacts(counts={"trajectory": 600}), what_if=False)
    assert result.statute_version == "amendment_ix" and result.interpretation_in_force is None
    assert any("conduct date not given" in n for n in result.notes)


def test_duty_aggravation_note_under_amendment_ix():
    result = assess(CaseFacts(counts={"trajectory": 30}, duty_or_service=True, conduct_date="2020-01-01"), what_if=False)
    assert any("Art.253-1(2)" in n and "从重" in n for n in result.notes)


def test_findings_say_which_standard_was_scaled():
    result = assess(CaseFacts(counts={"credit": 250}, duty_or_service=True), what_if=False)
    top = result.findings[0]
    assert (top.clause, top.tier, top.basis) == ("Art.5(2)(3)", "especially_serious", "Art.5(1)(3)")
    assert "250" in top.text_zh and "half of Art.5(1)(3) ×10" in top.text_en
    assert result.tier_clauses == ["Art.5(2)(3)"]


def test_to_dict_is_json():
    result = assess(CaseFacts(counts={"行踪轨迹": 1000, "住宿": 300}, gains_yuan="5150.5", conduct_date="2022-03-01"))
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["tier"] == "especially_serious"
    assert data["range_months"] == [36, 84]
    assert data["clauses"] == ["Art.5(2)(3)", "Art.5(1)(3)", "Art.5(1)(7)"]
    assert data["ratios"]["trajectory"]["ratio_exact"] == "20"
    assert data["facts"]["gains_yuan"] == 5150.5
    assert isinstance(data["what_if"], list) and data["what_if"]


# ---- classify_record (per-defendant records of toolkit.schema) ----

def _record(**values):
    record = new_defendant_record("T1")
    record.update(values)
    return record


def test_classify_record_uses_count_category_gains_and_date():
    result = classify_record(_record(info_count=50, info_category="trajectory", judgment_date="2019-05-01"))
    assert result.tier == "serious" and result.clauses == ["Art.5(1)(3)"]
    assert result.range_months == (1, 36)
    assert any("judgment date 2019-05-01 used" in n for n in result.notes)


def test_classify_record_prefers_a_conduct_date():
    record = {**_record(info_count=500, info_category="trajectory", judgment_date="2016-03-01"), "conduct_date": "2015-06-01"}
    result = classify_record(record)
    assert result.statute_version == "amendment_vii" and result.range_months == (1, 36)


@pytest.mark.parametrize("values", [dict(info_count=None, info_category="other"),
                                    dict(info_count=900, info_category=None),
                                    dict(info_count=900, info_category="人脸"),
                                    dict(info_count="many", info_category="other")])
def test_classify_record_unknown_count_or_category_gives_none(values):
    result = classify_record(_record(**values))
    assert result.tier is None and result.range_months is None
    assert "unknown" in result.notes[0] or "unknown" in " ".join(result.notes)


def test_classify_record_gains_alone_decide_only_the_top_tier():
    top = classify_record(_record(info_count=None, info_category=None, illegal_gains_yuan=90000.0))
    assert top.tier == "especially_serious" and "Art.5(2)(3)" in top.clauses  # Art. 5(2)(3): 10 × 5,000
    floor = classify_record(_record(info_count=None, info_category="other", illegal_gains_yuan=7980.0))
    assert floor.tier is None and floor.tier_floor == "serious"


def test_classify_record_reads_frame_rows_with_pandas_missing_values():
    frame = defendants_to_frame([
        _record(info_count=60, info_category="property", illegal_gains_yuan=None, info_count_approx=True),
        _record(info_count=None, info_category=None),
    ])
    rows = [row for _, row in frame.iterrows()]  # Series rows keep pd.NA
    assert rows[1]["info_count"] is pd.NA
    first, second = (classify_record(r) for r in rows)
    assert classify_record({"info_count": float("nan"), "info_category": "other"}).tier is None
    assert first.tier == "serious" and any("lower bound" in n for n in first.notes)
    assert second.tier is None
