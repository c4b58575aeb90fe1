"""Citation-ready statements, content hashes, dataset citations, table normalisation."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import toolkit
from toolkit.analysis import citation, its, outcomes, sentencing, statements as st
from toolkit.analysis.synthetic import defendant, synthetic_defendants
from toolkit.analysis.table import absent_columns, as_defendant_table, read_defendant_table
from toolkit.schema import defendants_to_frame, write_table

TODAY = "2026-11-28"


def convicted_frame(n: int, years=(2019, 2023)) -> pd.DataFrame:
    records = []
    for i in range(n):
        year = years[0] + i % (years[1] - years[0] + 1)
        records.append(defendant(f"c{i}", outcome="convicted", penalty_type="fixed_term", term_months=12,
                                 judgment_date=f"{year}-06-01"))
    return defendants_to_frame(records)


def source_for(frame: pd.DataFrame, population: str | None = "published") -> st.DataSource:
    return st.describe_source(frame, "test-cases", "公开的侵犯公民个人信息罪案例", "published personal-information cases",
                              "一审判决", "first-instance judgments", population=population)


PUBLISHED_ZH = "总体：公开发布的案例，并非随机样本。"
PUBLISHED_EN = "Population: published cases, selected, not sampled."


# ---------------------------------------------------------------------------- formatting


@pytest.mark.parametrize("value, text", [
    (0, "0%"), (1, "100%"), (0.0095558, "0.96%"), (0.012, "1.2%"), (0.2345, "23.4%"),
    (0.00048, "0.048%"), (0.5, "50.0%"), (float("nan"), "—"),
])
def test_format_percent(value, text):
    assert st.format_percent(value) == text


def test_format_number_and_p():
    assert st.format_number(math.inf) == "∞" and st.format_number(6.408319) == "6.41"
    assert st.format_p(0.0004) == "p < 0.001" and st.format_p(0.0123) == "p = 0.012" and st.format_p(0.4857) == "p = 0.49"


# ---------------------------------------------------------------------------- statements


def test_zero_acquittal_statement_exact_text():
    frame = convicted_frame(312)
    source = source_for(frame)
    text = st.statement(outcomes.outcome_rate(frame, "acquittal"), source, today=TODAY)
    version = source.short_version
    # Clopper-Pearson upper for 0/312 is 1 - 0.025**(1/312) = 1.175% -> "1.2%"; the one-sided
    # bound 1 - 0.05**(1/312) = 0.956% -> "0.96%" (closed forms).
    assert text.zh == (
        "在2019–2023年公开的侵犯公民个人信息罪案例的312名被告人中，宣告无罪0人（0%，95%置信区间0–1.2%，"
        "Clopper–Pearson精确法）；未观察到此类结果，据此单侧95%置信上限为0.96%。"
        f"{PUBLISHED_ZH}数据：test-cases（版本 {version}）；筛选：一审判决；judgstat {toolkit.__version__}；{TODAY}。"
    )
    assert text.en == (
        "Of the 312 defendants in published personal-information cases decided in 2019–2023, 0 were acquitted "
        "(0%, 95% CI 0–1.2%, Clopper–Pearson); with none observed, the one-sided 95% upper bound is 0.96%. "
        f"{PUBLISHED_EN} Data: test-cases (version {version}); filter: first-instance judgments; judgstat {toolkit.__version__}; {TODAY}."
    )


def test_rate_statement_with_events_unknowns_and_method():
    records = [defendant(f"a{i}", outcome="acquitted", judgment_date="2021-01-01") for i in range(3)]
    records += [defendant(f"c{i}", outcome="convicted", judgment_date="2021-02-01") for i in range(47)]
    records += [defendant("u0", outcome="unknown")]
    frame = defendants_to_frame(records)
    rate = outcomes.outcome_rate(frame, "acquittal", method="wilson")
    text = st.statement(rate, source_for(frame), today=TODAY)
    assert "50名被告人中，宣告无罪3人（6.0%" in text.zh and "Wilson得分法" in text.zh
    assert "2021年" in text.zh and "另有1人结果不明" in text.zh
    assert "3 were acquitted (6.0%, 95% CI" in text.en and "Wilson score" in text.en
    assert "1 more with unknown outcome" in text.en


def test_rate_statement_all_events_and_empty():
    frame = defendants_to_frame([defendant(f"a{i}", outcome="acquitted") for i in range(4)])
    text = st.statement(outcomes.outcome_rate(frame, "acquittal"), source_for(frame), today=TODAY)
    assert "lower bound is" in text.en  # 0.05**(1/4) = 47.3%
    assert "47.3%" in text.en
    empty = defendants_to_frame([defendant("n0", outcome="not_prosecuted")])
    text = st.statement(outcomes.outcome_rate(empty, "acquittal"), source_for(empty), today=TODAY)
    assert "无法计算" in text.zh and "no acquitted rate can be computed" in text.en


def test_group_rate_statement_names_group():
    frame = synthetic_defendants(60, seed=2)
    rates = dict(outcomes.group_rates(frame, "probation", "province"))
    text = st.statement(rates["上海"], source_for(frame), today=TODAY)
    assert "province=上海" in text.zh and "province = 上海" in text.en


def test_comparison_statement():
    c = outcomes.compare_counts(3, 4, 1, 4, "basic", "intermediate", measure=outcomes.get_measure("acquittal"),
                                group_column="court_level")
    frame = convicted_frame(8)
    text = st.statement(c, source_for(frame), today=TODAY)
    assert "basic组3/4（75.0%）" in text.zh and "Fisher精确检验双侧p = 0.49" in text.zh
    assert "odds ratio 6.41" in text.en and "exact conditional" in text.en and "Newcombe" in text.en


def test_its_statement():
    counts = pd.Series([1, 2, 4, 8, 48, 144, 432, 1296], index=pd.period_range("2017-02", periods=8, freq="M"))
    r = its.segmented_regression(counts, "2017-06", hac_lags=1)
    text = st.statement(r, source_for(convicted_frame(3)), today=TODAY)
    assert "以2017-06为界" in text.zh and "共8个月" in text.zh and "水平变化率比为3" in text.zh
    assert "level change rate ratio 3" in text.en and "reform at 2017-06" in text.en and "1935 defendants" in text.en


def test_yearly_its_statement_uses_years():
    counts = pd.Series([5, 6, 7, 8, 12, 14, 16], index=pd.period_range("2012", periods=7, freq="Y"))
    text = st.statement(its.segmented_regression(counts, "2016"), source_for(convicted_frame(2)), today=TODAY)
    assert "以2016年为界" in text.zh and "共7年" in text.zh and "per year" in text.en


def test_compliance_statement():
    frame = sentencing.add_tiers(defendants_to_frame([
        defendant(f"t{i}", outcome="convicted", penalty_type="fixed_term", term_months=term,
                  info_count=100, info_category="trajectory", judgment_date="2020-06-01")
        for i, term in enumerate([12, 24, 40])
    ]))
    text = st.statement(sentencing.tier_compliance(frame), source_for(frame), today=TODAY)
    assert "3名被告人中，2人的刑罚落在该幅度之内（66.7%" in text.zh and "高于幅度1人" in text.zh
    assert "2 received a penalty inside it (66.7%" in text.en


def test_regression_statements():
    frame = synthetic_defendants(200, seed=8)
    source = source_for(frame)
    ols = sentencing.ols_log_term(frame)
    text = st.statement(ols, source, today=TODAY)
    factor = 2 ** ols.table.loc["log_items", "coef"]
    assert f"刑期约乘以{st.format_number(factor)}" in text.zh and "HC3" in text.en
    text = st.statement(ols, source, today=TODAY, term="confession")
    assert "坦白的效应exp(系数)为" in text.zh
    text = st.statement(ols, source, today=TODAY, term="recidivist")
    assert "no variation" in text.en


def test_separated_regression_statement_says_not_estimable():
    records = [defendant(f"s{i}", outcome="convicted", penalty_type="fixed_term", term_months=12,
                         probation_months=24 if items < 1000 else None, info_count=items, info_category="other")
               for i, items in enumerate([60, 120, 300, 700, 2000, 5000, 9000, 30000])]
    frame = defendants_to_frame(records)
    text = st.statement(sentencing.probation_logit(frame), source_for(frame), today=TODAY)
    assert "无法估计" in text.zh and "完全分离" in text.zh and "最大似然系数不存在" in text.zh
    assert "cannot be estimated" in text.en and "do not exist" in text.en


def test_statement_rejects_unknown_result():
    with pytest.raises(TypeError, match="no statement"):
        st.statement(42, source_for(convicted_frame(1)))


# ---------------------------------------------------------------------------- hashes


def test_content_hash_ignores_order_and_format(tmp_path):
    frame = synthetic_defendants(30, seed=9)
    h = st.content_hash(frame)
    assert h.startswith("sha256:") and len(h) == 7 + 64
    assert st.content_hash(frame.iloc[::-1]) == h
    for suffix in (".jsonl", ".csv"):
        path = tmp_path / f"t{suffix}"
        write_table(frame, path)
        assert st.content_hash(read_defendant_table(path)) == h
    changed = frame.copy()
    changed.loc[0, "term_months"] = 999
    assert st.content_hash(changed) != h


def test_file_hash(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"abc")
    # SHA-256("abc"), FIPS 180-2 test vector.
    assert st.file_hash(path) == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# ---------------------------------------------------------------------------- citation


def test_bibtex_and_csl_json():
    record = citation.dataset_citation(
        "published-pi-cases", "sha256:" + "ab" * 32, title="Cases of 侵犯公民个人信息罪 & more_100%",
        authors=["judgstat contributors"], year=2026, url="https://example.org/x", license="CC0-1.0",
        accessed="2026-11-28",
    )
    bib = record.bibtex()
    assert bib.startswith("@misc{judgstat_published_pi_cases_abababab,")
    assert r"title = {{Cases of 侵犯公民个人信息罪 \& more\_100\%}}" in bib
    assert "version = {sha256:" + "ab" * 32 + "}" in bib and "urldate = {2026-11-28}" in bib
    assert bib.count("{") == bib.count("}")
    item = json.loads(record.csl_json_text())[0]
    assert item["type"] == "dataset" and item["issued"] == {"date-parts": [[2026]]}
    assert item["accessed"] == {"date-parts": [[2026, 11, 28]]} and item["URL"] == "https://example.org/x"
    assert "CC0-1.0" in item["note"] and item["version"].startswith("sha256:")


def test_citation_requires_a_hash():
    with pytest.raises(ValueError, match="content hash"):
        citation.dataset_citation("x", "1.0")


def test_citation_from_datapackage(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps({
        "name": "demo", "title": "Demo cases", "description": "Synthetic.",
        "licenses": [{"name": "CC0-1.0"}], "contributors": [{"title": "A. Author"}],
    }), encoding="utf-8")
    record = citation.citation_from_metadata(path, "sha256:" + "0" * 64, year=2025)
    assert record.title == "Demo cases" and record.authors == ("A. Author",) and record.license == "CC0-1.0"
    assert "year = {2025}" in record.bibtex()
    with pytest.raises(ValueError, match="cannot read"):
        citation.citation_from_metadata(tmp_path / "missing.json", "sha256:00")


# ---------------------------------------------------------------------------- table


def test_as_defendant_table_adds_absent_columns_and_parses_lists():
    raw = pd.DataFrame({
        "doc_id": ["a", "b"], "outcome": ["convicted", None],
        "charges": ['["侵犯公民个人信息罪"]', None],
        "judgment_date": pd.to_datetime(["2020-01-02", None]),
        "term_months": [12.0, None],
    })
    table = as_defendant_table(raw)
    assert "mitigating" in absent_columns(table) and "outcome" not in absent_columns(table)
    assert table.loc[0, "charges"] == ["侵犯公民个人信息罪"] and table.loc[1, "charges"] is None
    assert table.loc[0, "judgment_date"] == "2020-01-02" and pd.isna(table.loc[1, "judgment_date"])
    assert str(table["term_months"].dtype) == "Int64"


def test_as_defendant_table_bad_list_names_row():
    with pytest.raises(ValueError, match="row 0, column 'charges'"):
        as_defendant_table(pd.DataFrame({"charges": ["[not json"]}))


def test_read_defendant_table_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.jsonl"):
        read_defendant_table(tmp_path / "nope.jsonl")
    bad = tmp_path / "bad.txt"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt"):
        read_defendant_table(bad)


def test_rate_statement_with_undated_defendants():
    records = [defendant(f"c{i}", outcome="convicted", judgment_date="2019-06-01" if i < 3 else None) for i in range(10)]
    frame = defendants_to_frame(records)
    text = st.statement(outcomes.outcome_rate(frame, "acquittal"), source_for(frame), today=TODAY)
    assert "的10名被告人中（裁判年份2019年，其中7人未载明）" in text.zh
    assert "(decided in 2019; year not stated for 7)" in text.en


def test_year_column_fills_missing_dates():
    frame = as_defendant_table(pd.DataFrame({"outcome": ["convicted", "acquitted"], "year": [2018, 2020],
                                             "penalty_type": ["fixed_term", "none"]}))
    rate = outcomes.outcome_rate(frame, "acquittal")
    assert rate.years == (2018, 2020) and rate.undated == 0
    assert list(its.period_counts(frame, "Y")) == [1, 0, 1]


def test_firth_statement_names_the_method():
    records = [defendant(f"s{i}", outcome="convicted", penalty_type="fixed_term", term_months=12,
                         probation_months=24 if items < 1000 else None, info_count=items, info_category="other")
               for i, items in enumerate([60, 120, 300, 700, 2000, 5000, 9000, 30000])]
    frame = defendants_to_frame(records)
    text = st.statement(sentencing.probation_logit(frame, on_separation="firth"), source_for(frame), today=TODAY)
    assert "Firth惩罚似然" in text.zh and "Firth penalised likelihood" in text.en


def test_single_defendant_grammar():
    frame = defendants_to_frame([defendant("a0", outcome="acquitted", judgment_date="2020-01-01")])
    text = st.statement(outcomes.outcome_rate(frame, "acquittal"), source_for(frame), today=TODAY)
    assert text.en.startswith("Of the 1 defendant in") and "1 was acquitted" in text.en


def test_content_hash_covers_extra_columns_and_dates():
    frame = synthetic_defendants(10, seed=1)
    frame["source_url"] = "https://example.org/a"
    h = st.content_hash(frame)
    changed = frame.copy()
    changed.loc[3, "source_url"] = "https://example.org/b"
    assert st.content_hash(changed) != h
    assert st.content_hash(frame[list(reversed(frame.columns))]) == h
    as_dates = frame.assign(judgment_date=pd.to_datetime(frame["judgment_date"]))
    assert st.content_hash(as_dates) == h  # a Timestamp and its ISO date are the same datum
    with pytest.raises(ValueError, match="no column"):
        st.content_hash(frame, ("nope",))


def test_format_percent_range():
    assert st.format_percent_range(0, 0.0117) == "0–1.2%"
    assert st.format_percent_range(0.059, 0.272) == "5.9–27.2%"


# ---------------------------------------------------------------------------- every result type (issue #15)


def cited_source(frame: pd.DataFrame) -> st.DataSource:
    record = citation.dataset_citation("published-pi-cases", st.content_hash(frame), url="https://example.org/pi",
                                       release="1.0.0", path="datasets/published-pi-cases", commit="ab" * 20)
    return st.describe_source(frame, "published-pi-cases", "公开的侵犯公民个人信息罪案例",
                              "published personal-information cases", population="published", citation=record)


def _segmented():
    counts = pd.Series([10, 12, 11, 13, 30, 33, 35, 38, 80, 85, 90, 95],
                       index=pd.period_range("2015-01", periods=12, freq="M"))
    return its.segmented_fit(counts, ["2015-05", "2015-09"], min_periods=3)


RESULTS = {
    "proportion (Rate)": lambda: outcomes.outcome_rate(convicted_frame(20), "acquittal"),
    "proportion (Interval)": lambda: __import__("toolkit.intervals", fromlist=["x"]).proportion_interval(3, 40),
    "Poisson rate (Interval)": lambda: __import__("toolkit.rates", fromlist=["x"]).poisson_rate_interval(12, 6),
    "difference (Interval)": lambda: outcomes.newcombe_difference(3, 4, 1, 4),
    "risk ratio (Interval)": lambda: outcomes.mover_ratio(3, 10, 1, 10),
    "odds ratio (Interval)": lambda: outcomes.conditional_odds_ratio(3, 4, 1, 4),
    "comparison": lambda: outcomes.compare_counts(3, 4, 1, 4, "basic", "intermediate"),
    "rate ratio": lambda: __import__("toolkit.rates", fromlist=["x"]).monthly_rate_ratio(
        2232, "2017-06", "2017-12", 1295, "2015-11", "2017-05"),
    "ITS": lambda: its.segmented_regression(
        pd.Series([1, 2, 4, 8, 48, 144, 432, 1296], index=pd.period_range("2017-02", periods=8, freq="M")),
        "2017-06", hac_lags=1),
    "segmented": _segmented,
    "feasibility": lambda: its.its_feasibility(
        pd.Series([1, 2], index=pd.period_range("2017-05", periods=2, freq="M")), ["2017-06"]),
    "compliance": lambda: sentencing.tier_compliance(sentencing.add_tiers(defendants_to_frame([
        defendant("t0", outcome="convicted", penalty_type="fixed_term", term_months=40, info_count=100,
                  info_category="trajectory", judgment_date="2020-06-01")]))),
    "regression coefficient": lambda: sentencing.ols_log_term(synthetic_defendants(200, seed=8)),
}


@pytest.mark.parametrize("kind", sorted(RESULTS))
def test_every_result_type_states_population_and_a_followable_source(kind):
    result = RESULTS[kind]()
    source = cited_source(convicted_frame(5))
    text = st.statement(result, source, today=TODAY)
    assert PUBLISHED_ZH in text.zh and PUBLISHED_EN in text.en
    for line in (text.zh, text.en):
        assert "published-pi-cases 1.0.0" in line and "https://example.org/pi" in line
        assert "datasets/published-pi-cases" in line and "abababababab" in line and TODAY in line
        assert source.short_version in line


def test_rate_ratio_statement_numbers():
    from toolkit.rates import monthly_rate_ratio

    ratio = monthly_rate_ratio(2232, "2017-06", "2017-12", 1295, "2015-11", "2017-05")
    text = st.statement(ratio, source_for(convicted_frame(2)), today=TODAY,
                        labels=(("2017-06至2017-12", "2017-06 to 2017-12"), ("2015-11至2017-05", "2015-11 to 2017-05")),
                        unit=("个月", "months"), what=("人", "persons"))
    # R: poisson.test(c(2232, 1295), c(7, 19)) -> 4.676 (4.366, 5.010); tests/results/rates.md holds the reference.
    assert "率比4.68（95%置信区间4.37–5.01，条件二项精确法" in text.zh
    assert "2017-06至2017-12" in text.zh and "2232人/7个月（每月319）" in text.zh
    assert "rate ratio 4.68 (95% CI 4.37–5.01, exact conditional binomial" in text.en
    assert "2232 persons in 7 months (319 per month)" in text.en


def test_interval_statements_name_what_they_estimate():
    source = source_for(convicted_frame(2))
    diff = st.statement(outcomes.newcombe_difference(3, 4, 1, 4), source, today=TODAY)
    assert "率差为50.0%" in diff.zh and "difference in proportions is 50.0%" in diff.en
    odds = st.statement(outcomes.conditional_odds_ratio(3, 4, 1, 4), source, today=TODAY)
    assert "比值比为6.41" in odds.zh and "odds ratio is 6.41" in odds.en and "exact conditional" in odds.en
    prop = st.statement(__import__("toolkit.intervals", fromlist=["x"]).proportion_interval(3, 40), source,
                        today=TODAY, what=("被宣告无罪", "were acquitted"))
    assert "40个观察对象中，被宣告无罪的有3个（7.5%" in prop.zh and "3 were acquitted (7.5%" in prop.en
    with pytest.raises(TypeError, match="no statement for an Interval"):
        st.statement(__import__("toolkit.intervals", fromlist=["x"]).Interval(1.0, 0.5, 2.0, "mystery"), source)


@pytest.mark.parametrize("part, zh, en", [
    ("difference", "差值50.0%", "difference 50.0%"),
    ("odds_ratio", "比值比6.41", "odds ratio 6.41"),
    ("risk_ratio", "风险比3", "risk ratio 3"),
])
def test_comparison_parts(part, zh, en):
    c = outcomes.compare_counts(3, 4, 1, 4, "basic", "intermediate", measure=outcomes.get_measure("acquittal"))
    text = st.statement(c, source_for(convicted_frame(2)), today=TODAY, part=part)
    assert zh in text.zh and en in text.en and "basic组3/4" in text.zh
    with pytest.raises(ValueError, match="part must be"):
        st.statement(c, source_for(convicted_frame(2)), part="nope")


def test_population_kinds_corpus_unstated_and_unknown():
    frame = convicted_frame(3)
    corpus = st.statement(outcomes.outcome_rate(frame, "acquittal"), source_for(frame, population=None), today=TODAY)
    assert "总体：语料库中符合筛选条件（一审判决）的全部被告人，并非随机样本" in corpus.zh
    assert "every defendant in the corpus that passes the filter (first-instance judgments)" in corpus.en
    plain = st.describe_source(frame, "my-corpus", "某语料", "some corpus")
    text = st.statement(outcomes.outcome_rate(frame, "acquittal"), plain, today=TODAY)
    assert "总体的形成方式未说明，不能视为随机样本" in text.zh and "do not read it as a random sample" in text.en
    bad = st.describe_source(frame, "x", "x", "x", population="random")
    with pytest.raises(ValueError, match="unknown population kind 'random'"):
        st.statement(outcomes.outcome_rate(frame, "acquittal"), bad)


def test_notebook_positional_datasource_still_works_and_knows_embedded_packages():
    frame = convicted_frame(3)
    # notebook 05 builds DataSource(name, zh, en, version, filter_zh, filter_en, rows) positionally
    source = st.DataSource("published-pi-cases", "公开案例", "published cases", st.content_hash(frame), "无", "none", 3)
    text = st.statement(outcomes.outcome_rate(frame, "acquittal"), source, today=TODAY)
    assert PUBLISHED_ZH in text.zh and f"published-pi-cases（版本 {source.short_version}）" in text.zh
    judge = st.DataSource("judge-sample", "JuDGE", "JuDGE", st.content_hash(frame))
    assert "benchmark" in st.statement(outcomes.outcome_rate(frame, "acquittal"), judge).en


def test_package_table_cites_release_path_and_commit():
    table, source = st.package_table("published-pi-cases")
    assert len(table) == source.rows and source.population_kind == "published"
    record = source.citation
    assert record.release == "1.0.0" and record.path == "datasets/published-pi-cases"
    if record.commit is not None:  # inside a git checkout
        assert len(record.commit.partition("+")[0]) == 40
    text = st.statement(outcomes.outcome_rate(table, "acquittal"), source)
    assert "published-pi-cases 1.0.0（内容哈希 sha256:" in text.zh and "datasets/published-pi-cases" in text.zh


def test_package_table_filter_and_mixed_population():
    table, source = st.package_table("embedded-package", query="pi_charge == True")
    assert len(table) == source.rows and (table["pi_charge"] == True).all()  # noqa: E712
    assert source.filter_en == "pandas query pi_charge == True"
    zh, en = source.population_statement()
    assert zh == "公开发布的案例，并非随机样本" and en == "published cases, selected, not sampled"
    whole, mixed = st.package_table("embedded-package")
    zh, en = mixed.population_statement()
    judge = int((whole["source"] == "defendants.csv").sum())
    assert zh.startswith("由以下来源合并：") and f"（{judge}人）" in zh and "benchmark" in en
    with pytest.raises(ValueError, match="cannot apply the filter"):
        st.package_table("embedded-package", query="no_such_column ==")


def test_citation_doi_and_git_outside_a_repository(tmp_path):
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps({"name": "demo", "version": "2.1", "id": "https://doi.org/10.5281/zenodo.1234567",
                                      "resources": []}), encoding="utf-8")
    assert citation.git_commit(tmp_path) == (None, None)
    record = citation.package_citation(tmp_path, "sha256:" + "1" * 64)
    assert record.doi == "10.5281/zenodo.1234567" and record.release == "2.1" and record.commit is None
    zh, en = record.reference()
    assert zh.startswith("demo 2.1（内容哈希 sha256:111111111111；https://doi.org/10.5281/zenodo.1234567")
    assert "doi = {10.5281/zenodo.1234567}" in record.bibtex() and record.csl_json()["DOI"] == "10.5281/zenodo.1234567"


def test_readme_statement_snippet_runs():
    import contextlib
    import io
    import re

    from toolkit.paths import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Statements you can paste"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) == 3
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    printed = out.getvalue()
    assert "总体：公开发布的案例，并非随机样本。" in printed and "Population: published cases, selected, not sampled." in printed
    assert "published-pi-cases 1.0.0" in printed
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1).splitlines()
    printed_lines = printed.splitlines()
    for shown_line, printed_line in zip(shown, printed_lines):  # the numbers shown are the ones computed
        assert shown_line.split("总体：")[0].split(" Population:")[0] == printed_line.split("总体：")[0].split(" Population:")[0]
