"""Drug tier engine: the rules data is traceable, the engine reads every number from it, and flags propagate."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from toolkit.crimes.drug_trafficking.engine import assess, explain
from toolkit.crimes.drug_trafficking.quantities import QuantityError, parse_weight
from toolkit.crimes.drug_trafficking.rules import RULES_PATH, load_rules
from toolkit.crimes.drug_trafficking.standards import DrugFacts

FLAGS = {"VERIFIED", "VERIFIED-2nd", "UNVERIFIED", "DERIVED"}
CODE = Path(RULES_PATH).parent


def test_every_threshold_has_clauses_source_and_flag():
    rules = load_rules()
    assert len(rules.drugs) == 33
    for drug in rules.drugs:
        for tier in ("large", "relatively_large"):
            t = drug.thresholds[tier]
            assert t.flag in FLAGS and t.source and t.as_written
            assert set(t.clauses) == {"Art.347", "Art.348"}
            assert all(re.match(r"^(Art\.34[78]|Interp\.Art\.[12]\(\d+\))", c) for c in t.clauses.values())
        assert drug.thresholds["large"].grams == 5 * drug.thresholds["relatively_large"].grams  # drug-crimes.md Table 6 check
    for unit in rules.units:
        assert unit.flag in FLAGS and unit.source


def test_dihydroetorphine_is_counted_in_milligrams():
    drug = load_rules().find_drug("二氢埃托啡")
    assert drug.thresholds["large"].grams == Fraction(1, 100) and drug.thresholds["large"].unit == "毫克"


def test_no_threshold_or_clause_literals_in_the_engine_code():
    """Thresholds and clause ids live in rules.json: the engine modules spell no clause id and no gram number."""
    for module in ("standards.py", "whatif.py", "engine.py", "quantities.py", "rules.py"):
        text = (CODE / module).read_text(encoding="utf-8")
        assert not re.search(r"[\"']Art\.\d|[\"']Interp\.Art", text), module
        assert not re.search(r"\b(50|10|200|1000)\s*\*?\s*(g|克)\b", text), module


def test_the_engine_follows_the_data(tmp_path):
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    for drug in raw["drugs"]:
        if drug["id"] == "heroin":
            drug["thresholds"]["large"]["value"] = 100
            drug["thresholds"]["relatively_large"]["value"] = 20
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    facts = DrugFacts(quantities={"海洛因": "60g"})
    assert assess(facts).tier == "large"
    assert assess(facts, rules=load_rules(str(path))).tier == "relatively_large"


def test_units_and_refusals():
    assert parse_weight("1.5千克").grams == 1500
    assert parse_weight("3公斤").grams == 3000
    assert parse_weight("500毫克").grams == Fraction(1, 2)
    assert parse_weight("五十克").grams == 50
    assert parse_weight("0.1g").grams == Fraction(1, 10)
    for bad, why in (("60", "no unit"), ("-1g", "negative"), ("x g", "not a number"), ("3lb", "unknown unit"),
                     ("10粒", "not weight"), ("5片", "not weight")):
        with pytest.raises(QuantityError, match=why):
            parse_weight(bad)


def test_unverified_items_are_shown_in_every_output():
    result = assess(DrugFacts(quantities={"海洛因": "45g", "鸦片": "100g"}))
    assert result.depends_on_unverified
    data = result.to_dict()
    assert data["depends_on_unverified"] and any(v["flag"] == "UNVERIFIED" for v in data["verification"])
    text = explain(result)
    assert "UNVERIFIED" in text.splitlines()[0] or "UNVERIFIED" in text
    assert all("UNVERIFIED" in c["text_en"] for c in result.what_if if c["kind"] != "no_combination")
    plain = assess(DrugFacts(quantities={"海洛因": "60g"}))
    assert not plain.depends_on_unverified and "UNVERIFIED" not in explain(plain)


def test_what_if_boundaries_are_exact():
    result = assess(DrugFacts(quantities={"海洛因": "50g"}))
    down = next(c for c in result.what_if if c["kind"] == "deduct_quantity")
    assert down["boundary_g"] == 50.0 and down["to_tier"] == "relatively_large"
    assert assess(DrugFacts(quantities={"海洛因": Fraction(50) - Fraction(1, 10**9)})).tier == "relatively_large"
