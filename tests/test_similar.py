"""`judgstat similar`: comparable defendants, their outcome distribution with exact intervals, and a statement."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from toolkit.analysis import similar
from toolkit.analysis.synthetic import defendant
from toolkit.cli import main
from toolkit.crimes import get_crime
from toolkit.schema import defendants_to_frame, write_table

PI = "侵犯公民个人信息罪"
CRIME = get_crime("personal_information")


def pi(doc_id: str, items: int | None, category: str | None = "trajectory", **values) -> dict:
    base = dict(charges=[PI], outcome="convicted", penalty_type="fixed_term", term_months=36, fine_yuan=10000,
                info_count=items, info_category=category, judgment_date="2020-06-01", province="上海",
                court_level="basic")
    base.update(values)
    return defendant(doc_id, **base)


def fixture_frame() -> pd.DataFrame:
    records = [
        # comparable to 1,000 trajectory items (情节特别严重, item-3 group, 334..3000)
        pi("A1", 1000, case_number="（2020）沪0101刑初1号", term_months=40, fine_yuan=20000),
        pi("A2", 600, case_number="（2020）沪0101刑初2号", term_months=36, probation_months=48, fine_yuan=10000),
        pi("A3", 2500, case_number="（2021）京0105刑初3号", province="北京", judgment_date="2021-03-01",
           term_months=60, fine_yuan=50000, aggravating=["主犯"]),
        pi("A4", 800, outcome="exempted", penalty_type="none", term_months=None, fine_yuan=None,
           mitigating=["从犯"], court_level="intermediate"),
        pi("A5", 900, outcome="convicted", penalty_type=None, term_months=None, fine_yuan=None),  # penalty unknown
        # not comparable, one reason each
        pi("B1", 5000, term_months=72),                           # outside the band (and still 情节特别严重)
        pi("B2", 100),                                            # another tier (情节严重)
        pi("B3", 1000, category="other", term_months=6),          # item-5 group: tier none, another tier
        pi("B4", 1000, category="accommodation"),                 # item-4 group, 情节特别严重 (≥ 5000?) no: 情节严重
        pi("B5", None, category=None),                            # count and category not stated
        defendant("C1", charges=["盗窃罪"], outcome="convicted", penalty_type="fixed_term", term_months=12),  # other crime
    ]
    return defendants_to_frame(records)


def facts(**counts):
    return CRIME.facts(counts=counts or {"行踪轨迹": 1000})


def test_comparable_defendants_and_reasons():
    result = similar.find_similar(fixture_frame(), CRIME, facts())
    assert result.case.tier == "especially_serious" and result.case.group == "item3" and result.case.quantity == 1000
    assert (result.band.low, result.band.high) == (pytest.approx(1000 / 3), 3000)
    assert sorted(result.comparable["doc_id"]) == ["A1", "A2", "A3", "A4", "A5"]
    assert result.candidates == 10  # C1 is another crime
    assert result.excluded == {"quantity outside the band": 1, "another tier": 3,
                               "count or category not stated (tier undecided)": 1}


def test_outcome_distribution_exact_intervals_and_bounds():
    from toolkit.intervals import proportion_interval

    result = similar.find_similar(fixture_frame(), CRIME, facts())
    rates = {r.measure.name: r for r in result.rates}
    # A5 (convicted, penalty unknown) is left out of every denominator and counted
    assert {name: (r.k, r.n) for name, r in rates.items()} == {
        "acquittal": (0, 4), "exemption": (1, 4), "probation": (1, 4), "custodial": (2, 4),
        "other_penalty": (0, 4), "not_criminally_responsible": (0, 4)}
    assert rates["acquittal"].excluded_unknown == 1
    # Clopper-Pearson 0/4: upper 1 - 0.025**(1/4) = 0.6024; one-sided 95% bound 1 - 0.05**(1/4) = 0.5271
    assert rates["acquittal"].interval.high == pytest.approx(1 - 0.025 ** 0.25)
    assert rates["acquittal"].one_sided_bound == pytest.approx(1 - 0.05 ** 0.25)
    assert rates["custodial"].interval == proportion_interval(2, 4, "clopper-pearson")
    assert sum(r.k for r in result.rates) == rates["acquittal"].n  # the classes partition the known outcomes


def test_term_and_fine_distribution():
    result = similar.find_similar(fixture_frame(), CRIME, facts())
    # terms 40, 36, 60 (A4, A5 have none): median 40, quartiles by linear interpolation 38 and 50
    assert result.term == {"n": 3, "median": 40.0, "q1": 38.0, "q3": 50.0, "min": 36.0, "max": 60.0, "missing": 2}
    assert result.fine["median"] == 20000 and result.fine["n"] == 3


@pytest.mark.parametrize("criteria, expected, reason", [
    (similar.Criteria(province="上海"), ["A1", "A2", "A4", "A5"], "another province"),
    (similar.Criteria(court_level="intermediate"), ["A4"], "another court level"),
    (similar.Criteria(years=(2021, 2021)), ["A3"], "judged in other years"),
    (similar.Criteria(role="principal"), ["A3"], "another or unstated role"),
    (similar.Criteria(role="accessory"), ["A4"], "another or unstated role"),
])
def test_optional_criteria(criteria, expected, reason):
    result = similar.find_similar(fixture_frame(), CRIME, facts(), criteria=criteria)
    assert sorted(result.comparable["doc_id"]) == expected
    assert result.excluded[reason] == 5 - len(expected)


def test_band_factor_and_range():
    frame = fixture_frame()
    wide = similar.find_similar(frame, CRIME, facts(), band="6")
    assert "B1" in set(wide.comparable["doc_id"])
    explicit = similar.find_similar(frame, CRIME, facts(), band="700-1000")
    assert sorted(explicit.comparable["doc_id"]) == ["A1", "A4", "A5"] and explicit.band.factor is None
    for bad in ("0.5", "x", "3000-700"):
        with pytest.raises(ValueError, match="band"):
            similar.find_similar(frame, CRIME, facts(), band=bad)


def test_statement_has_numbers_caveat_and_citation():
    result = similar.find_similar(fixture_frame(), CRIME, facts())
    zh, en = result.statement.zh, result.statement.en
    assert "与本案可比的被告人共5名" in zh and "在其中结果可知的4人中（另有1人结果或主刑不明，未计入）" in zh
    assert "宣告无罪0人（0%，95%置信区间0–60.2%，Clopper–Pearson精确法；未观察到，单侧95%置信上限为52.7%）" in zh
    assert "刑期中位数40个月（四分位数38–50个月，范围36–60个月）" in zh
    assert "0 acquitted (0%, 95% CI 0–60.2%, Clopper–Pearson; none observed, one-sided 95% upper bound 52.7%)" in en
    assert "334–3,000 items (within a factor of 3 of this case's 1,000)" in en
    # no population known for a bare table: the statement says so rather than implying a sample
    assert "do not read it as a random sample" in en or "not a random sample" in en


def test_no_comparable_defendant_says_so_without_rates():
    result = similar.find_similar(fixture_frame(), CRIME, facts(行踪轨迹=100000))
    assert result.n == 0 and result.rates == []
    assert "没有与本案可比的被告人" in result.statement.zh and "no rate is computed" in result.statement.en
    assert "置信区间" not in result.statement.zh


def test_gains_only_case_compares_by_gains():
    frame = defendants_to_frame([
        pi("G1", None, category=None, illegal_gains_yuan=60000),   # gains alone: 情节特别严重 (≥ 50,000)
        pi("G2", None, category=None, illegal_gains_yuan=500000),  # outside the band
        pi("G3", None, category=None),
    ])
    result = similar.find_similar(frame, CRIME, CRIME.facts(gains_yuan=80000))
    assert result.case.group == "gains" and list(result.comparable["doc_id"]) == ["G1"]
    assert "元" in result.statement.zh


def test_unknown_crime_interface_is_a_clear_error():
    class Other:
        id = "other_crime"

    with pytest.raises(ValueError, match="does not say how its cases compare"):
        similar.comparison_keys(Other())


# ---------------------------------------------------------------------------- the command


@pytest.fixture()
def package(tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    write_table(fixture_frame(), folder / "defendants.parquet")
    (folder / "datapackage.json").write_text(json.dumps({
        "name": "fixture-cases", "version": "0.3", "homepage": "https://example.org/fixture",
        "judgstat": {"population": "published"}, "resources": []}), encoding="utf-8")
    return folder


def test_cli_json_round_trip(package, capsys):
    assert main(["similar", "--count", "行踪轨迹=1000", "--dataset", str(package), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 5 and out["case"]["tier"] == "especially_serious"
    acquittal = next(o for o in out["outcomes"] if o["class"] == "acquittal")
    assert (acquittal["k"], acquittal["n"], acquittal["one_sided_bound_kind"]) == (0, 4, "upper")
    assert math.isclose(acquittal["high"], 1 - 0.025 ** 0.25)
    numbers = {c["doc_id"]: c.get("case_number") for c in out["cases"]}
    assert numbers["A1"] == "（2020）沪0101刑初1号" and numbers["A4"] is None
    assert out["dataset"]["population"] == "published cases, selected, not sampled"
    assert "fixture-cases 0.3" in out["dataset"]["citation"] and "https://example.org/fixture" in out["statement"]["en"]
    assert "总体：公开发布的案例，并非随机样本。" in out["statement"]["zh"]


def test_cli_text_report(package, capsys):
    assert main(["similar", "--count", "行踪轨迹=1000", "--dataset", str(package), "--province", "上海"]) == 0
    out = capsys.readouterr().out
    assert "Comparable defendants: N = 4" in out and "（2020）沪0101刑初2号" in out
    assert "acquittal" in out and "one-sided upper bound" in out and "Statement (paste as it stands):" in out


@pytest.mark.parametrize("argv, message", [
    (["--count", "行踪轨迹=abc"], "whole number"),
    (["--count", "行踪轨迹=1000", "--band", "0"], "factor"),
    (["--count", "行踪轨迹=1000", "--years", "20x"], "YYYY"),
    (["--count", "行踪轨迹=1000", "--crime", "nope"], "unknown crime"),
    (["--quantity", "海洛因=60g"], "--count"),
    ([], "at least one --count"),
    (["--count", "行踪轨迹=1000", "--dataset", "/no/such/dir"], "--dataset"),
])
def test_cli_bad_usage_is_one_line_exit_2(argv, message, capsys):
    assert main(["similar", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_seed_case_on_the_embedded_package(capsys):
    """≈1,000 itinerary items on the embedded data: a pasteable statement with caveat and citation."""
    assert main(["similar", "--count", "行踪轨迹=1000", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["case"]["tier"] == "especially_serious" and out["n"] >= 1
    assert out["n"] + sum(out["excluded"].values()) == out["dataset"]["defendants_with_the_charge"]
    zh, en = out["statement"]["zh"], out["statement"]["en"]
    assert f"与本案可比的被告人共{out['n']}名" in zh and "宣告无罪" in zh and "Clopper–Pearson" in zh
    assert "总体：公开发布的案例，并非随机样本。" in zh and "Population: published cases, selected, not sampled." in en
    assert "embedded-package" in zh and "datasets/embedded-package" in en and "content hash sha256:" in en
    for case in out["cases"]:
        assert case["info_category"] in ("trajectory", "communication_content", "credit", "property")
        assert 334 <= case["info_count"] <= 3000


def test_readme_shows_what_the_seed_case_computes(capsys):
    import re

    from toolkit.paths import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Comparable cases (`judgstat similar`)"):]
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1).strip().splitlines()
    assert main(["similar", "--count", "行踪轨迹=1000"]) == 0
    printed = capsys.readouterr().out.splitlines()
    for line in shown:
        assert line in printed, line
