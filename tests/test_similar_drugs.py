"""`judgstat similar --crime drug_trafficking`: comparable defendants by drug, tier and grams, in a package
that `judgstat dataset` built from made-up drug judgments (the parser's `drug` and `drug_grams`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.cli import main

TEMPLATE = ("某某市某某区人民法院刑事判决书（2020）某0101刑初{n}号。被告人{name}，男。"
            "经审理查明：2020年1月5日，被告人{name}在某地贩卖海洛因{grams}克给他人，经称量，净重{grams}克。"
            "本院认为，被告人{name}贩卖毒品，其行为已构成贩卖毒品罪。"
            "判决如下：被告人{name}犯贩卖毒品罪，判处有期徒刑{term}，并处罚金人民币一万元。")
CASES = [("甲某", 55, "十五年"), ("乙某", 70, "十五年"), ("丙某", 12, "八年"), ("丁某", 3, "一年")]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("drugs")
    corpus = root / "drugs.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{n}", "text": TEMPLATE.format(n=n, name=name, grams=grams, term=term)},
                                         ensure_ascii=False) + "\n" for n, (name, grams, term) in enumerate(CASES, 1)),
                      encoding="utf-8")
    out = root / "pkg"
    assert main(["dataset", str(corpus), "-o", str(out), "--jobs", "1", "--no-progress"]) == 0
    return out


def test_comparable_drug_cases(package, capsys):
    assert main(["similar", "--crime", "drug_trafficking", "--quantity", "海洛因=60g", "--dataset", str(package),
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    text = json.dumps(report, ensure_ascii=False)
    assert report["n"] == 2, text  # 55 g and 70 g: the same tier (数量大) and within a factor of 3 of 60 g
    assert "甲某" in text and "乙某" in text and "丙某" not in text


def test_a_drug_case_described_by_counts_is_a_usage_error(package, capsys):
    assert main(["similar", "--crime", "drug_trafficking", "--count", "行踪轨迹=10", "--dataset", str(package)]) == 2
    assert "--quantity" in capsys.readouterr().err


def test_a_tier_resting_on_an_unverified_rule_says_so(package, capsys):
    # methamphetamine and heroin together: combined through heroin equivalents, a rule the reference marks UNVERIFIED
    assert main(["similar", "--crime", "drug_trafficking", "--quantity", "甲基苯丙胺=60g", "--quantity", "海洛因=1g",
                 "--dataset", str(package)]) == 0
    assert "UNVERIFIED" in capsys.readouterr().out
