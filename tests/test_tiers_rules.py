"""The rules data file: versioned, sourced, every entry cites its article; a broken file is refused."""

from __future__ import annotations

import json
import re

import pytest

from toolkit.tiers.rules import RULES_PATH, load_rules

CLAUSE = re.compile(r"^Art\.\d+(\(\d+\))+$")


def test_rules_are_versioned_and_sourced():
    raw = load_rules().raw
    assert raw["version"]
    assert raw["source"]["reference_file"] == "../shared/reference/legal-texts.md"


def test_every_entry_cites_a_clause():
    raw = load_rules().raw
    entries = raw["serious"]["items"] + raw["especially_serious"]["items"] + raw["art6"]["items"] + raw["category_groups"]
    for entry in entries:
        assert CLAUSE.match(entry["clause"]), entry
        assert entry["label_zh"] and len(entry["label_zh"]) <= 40, "short labels only, no long quotations"
    assert [e["clause"] for e in raw["serious"]["items"]] == [f"Art.5(1)({i})" for i in range(1, 11)]
    assert [e["clause"] for e in raw["especially_serious"]["items"]] == [f"Art.5(2)({i})" for i in range(1, 5)]
    assert {e["clause"] for e in raw["art11"]} == {"Art.11(1)", "Art.11(2)", "Art.11(3)"}
    assert raw["art10"]["clause"] == "Art.10"


def test_statute_versions_are_contiguous():
    rules = load_rules()
    vii, ix = rules.raw["statute_versions"]
    assert vii["in_force_until"] == "2015-10-31" and ix["in_force_from"] == "2015-11-01"


def test_a_rules_file_missing_a_category_is_refused(tmp_path):
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    raw["category_groups"][2]["categories"] = []
    broken = tmp_path / "rules.json"
    broken.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="do not cover"):
        load_rules(str(broken))
