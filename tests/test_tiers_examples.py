"""Table-driven tests: toolkit/crimes/personal_information/examples.json lists worked examples, each citing the article
its expected value follows (the table doubles as documentation of the rules)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.categories import CATEGORY_CODES
from toolkit.tiers import CaseFacts, assess
from toolkit.tiers.rules import load_rules

EXAMPLES_PATH = Path(__file__).resolve().parents[1] / "toolkit" / "crimes" / "personal_information" / "examples.json"
EXAMPLES = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))["examples"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_example(example):
    result = assess(CaseFacts(**example["facts"]), what_if=False)
    expect = example["expect"]
    context = f"{example['id']} ({example['article']}): {example['why']}"
    if "tier" in expect:
        assert result.tier == expect["tier"], context
        assert result.clauses == expect["clauses"], context
    for key in ("statute_version", "fine_mandatory", "interpretation_in_force"):
        if key in expect:
            assert getattr(result, key) == expect[key], f"{context}: {key}"
    if "range_months" in expect:
        got = list(result.range_months) if result.range_months else None
        assert got == expect["range_months"], context
    if "art10_status" in expect:
        assert result.art10["status"] == expect["art10_status"], context


def test_every_category_has_all_four_boundaries_plain_and_duty():
    ids = {e["id"] for e in EXAMPLES}
    for code in CATEGORY_CODES:
        for suffix in ("n-1", "n", "10n-1", "10n", "duty-half-1", "duty-half", "duty-5n-1", "duty-5n"):
            assert f"{code}-{suffix}" in ids, f"missing boundary example {code}-{suffix}"


def test_every_numeric_item_of_art5_and_art6_is_exercised():
    articles = {e["article"] for e in EXAMPLES} | {c for e in EXAMPLES for c in e["expect"].get("clauses", [])}
    for clause in ("Art.5(1)(1)", "Art.5(1)(2)", "Art.5(1)(3)", "Art.5(1)(4)", "Art.5(1)(5)", "Art.5(1)(6)",
                   "Art.5(1)(7)", "Art.5(1)(8)", "Art.5(1)(9)", "Art.5(2)(1)", "Art.5(2)(2)", "Art.5(2)(3)",
                   "Art.6(1)(1)", "Art.6(1)(2)", "Art.10"):
        assert clause in articles, clause


def test_example_thresholds_match_the_rules_data():
    """The examples were written from the legal text's numbers; the data file must say the same."""
    rules = load_rules()
    assert {g.clause: g.threshold_items for g in rules.groups} == {
        "Art.5(1)(3)": 50, "Art.5(1)(4)": 500, "Art.5(1)(5)": 5000}
    assert rules.gains_threshold == 5000
    assert rules.duty_multiplier == pytest.approx(0.5)
    assert rules.especially_serious_multiplier == 10
    assert rules.art6_profit_threshold == 50000
    assert rules.interpretation_in_force_from.isoformat() == "2017-06-01"
    versions = {v["id"]: v for v in rules.raw["statute_versions"]}
    assert versions["amendment_vii"]["in_force_from"] == "2009-02-28"
    assert versions["amendment_ix"]["in_force_from"] == "2015-11-01"
    assert versions["amendment_ix"]["tiers"]["especially_serious"]["custodial_months"] == [36, 84]
    assert "especially_serious" not in versions["amendment_vii"]["tiers"]
