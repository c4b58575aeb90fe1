"""What-if changes: the smallest change of each kind, in both directions. Expected numbers are
worked out by hand from Art. 5 (closed forms in the comments)."""

from __future__ import annotations

from toolkit.tiers import CaseFacts, assess


def _changes(facts, **match):
    return [w for w in assess(facts).what_if if all(w.get(k) == v for k, v in match.items())]


def test_seed_case_deductions_both_tiers():
    facts = CaseFacts(counts={"行踪轨迹": 1000})
    # Art. 5(2)(3): below 500 needs 1000 - n <= 499 -> n = 501; Art. 5(1)(3): below 50 -> n = 951
    down = {w["to_tier"]: w for w in _changes(facts, kind="deduct")}
    assert down["serious"]["items"] == 501 and down["serious"]["to_count"] == 499
    assert down["none"]["items"] == 951
    assert "501" in down["serious"]["text_en"] and "核减行踪轨迹信息至少501条" in down["serious"]["text_zh"]
    assert not _changes(facts, kind="add")  # already the top tier


def test_seed_case_recharacterised_as_other():
    facts = CaseFacts(counts={"trajectory": 1000})
    as_other = _changes(facts, kind="recharacterise", to_category="other")
    full = [w for w in as_other if w["items"] == 1000]
    assert full and full[0]["to_tier"] == "none"  # 1000 < 5000 (Art. 5(1)(5))
    assert "其他公民个人信息" in full[0]["text_zh"] and "other information" in full[0]["text_en"]
    partial = {w["to_tier"]: w["items"] for w in as_other if w["items"] < 1000}
    # (1000-n)/50 + n/5000 < 10  <=>  n > 505.05 -> 506;   < 1  <=>  n > 959.59 -> 960
    assert partial == {"serious": 506, "none": 960}


def test_mixed_case_deduction_and_addition():
    facts = CaseFacts(counts={"trajectory": 30, "accommodation": 300})  # 0.6 + 0.6 = 1.2
    down = _changes(facts, kind="deduct", category="trajectory")
    assert [(w["to_tier"], w["items"]) for w in down] == [("none", 11)]  # (30-n)/50 < 0.4 -> n = 11
    up = _changes(facts, kind="add", category="accommodation")
    assert [(w["to_tier"], w["items"]) for w in up] == [("especially_serious", 4400)]  # 0.6 + m/500 >= 10 -> m = 4700


def test_duty_flag_both_ways():
    on = CaseFacts(counts={"trajectory": 40}, duty_or_service=True)  # 40 >= 25 (Art. 5(1)(8))
    change = _changes(on, kind="duty")
    assert len(change) == 1 and change[0]["to_tier"] == "none" and change[0]["duty_or_service"] is False
    off = CaseFacts(counts={"trajectory": 300})  # 300 >= 250 = 10 x 25 with the duty flag
    change = _changes(off, kind="duty")
    assert len(change) == 1 and change[0]["to_tier"] == "especially_serious"
    assert not _changes(CaseFacts(counts={"trajectory": 600}), kind="duty")  # top either way


def test_gains_thresholds_both_ways():
    facts = CaseFacts(gains_yuan=5150.5)
    down = _changes(facts, kind="gains", direction="down")
    assert len(down) == 1 and down[0]["to_tier"] == "none" and down[0]["below"] == 5000
    assert "150.5" in down[0]["text_en"]
    up = _changes(facts, kind="gains", direction="up")
    assert len(up) == 1 and up[0]["to_value"] == 50000 and up[0]["to_tier"] == "especially_serious"
    none = _changes(CaseFacts(counts={"other": 10}), kind="gains", direction="up")
    assert [w["to_value"] for w in none] == [5000, 50000]


def test_gains_do_not_help_when_items_keep_the_tier():
    facts = CaseFacts(counts={"trajectory": 60}, gains_yuan=6000)
    assert not _changes(facts, kind="gains", direction="down")  # 60 items still reach Art. 5(1)(3)
    deduct = _changes(facts, kind="deduct")
    assert not deduct  # even 0 items: the gains keep 情节严重


def test_art6_profit_change():
    facts = CaseFacts(counts={"other": 8000}, purchased_for_lawful_business=True, profit_yuan=30000)
    up = _changes(facts, kind="profit", direction="up")
    assert len(up) == 1 and up[0]["to_value"] == 50000 and up[0]["to_tier"] == "serious"


def test_upward_recharacterisation():
    facts = CaseFacts(counts={"other": 1000})
    up = {(w["to_category"], w["to_tier"]): w["items"] for w in _changes(facts, kind="recharacterise")}
    # as trajectory: n/50 + (1000-n)/5000 >= 1 -> n*99 >= 4000 -> n = 41 ; >= 10 -> n*99 >= 49000 -> n = 495
    assert up[("trajectory", "serious")] == 41
    assert up[("trajectory", "especially_serious")] == 495
