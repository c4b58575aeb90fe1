"""Content checks on datasets/official-statistics: transcription consistency, definitions, seed claims."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from toolkit.datasets import load_package, load_table
from toolkit.rates import months_inclusive

PACKAGE = "official-statistics"
RESOURCES = [r["name"] for r in load_package(PACKAGE)["resources"]]
REGIME_MONTHS = {"amendment_vii": 81, "amendment_ix_pre_interpretation": 19, "post_interpretation": 7, "whole_period": 107}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load_table(PACKAGE, name) for name in RESOURCES}


@pytest.fixture(scope="module")
def courts(tables) -> pd.DataFrame:
    frame = tables["court_counts"]
    return frame[frame["origin"] == "source"]


def test_expected_tables_exist():
    assert set(RESOURCES) == {"court_counts", "procuratorate_police", "national_adjudication", "non_prosecution", "local_studies"}


def test_regime_periods_have_the_month_counts_the_source_states(courts):
    for regime, months in REGIME_MONTHS.items():
        rows = courts[courts["regime"] == regime]
        assert len(rows) > 0, regime
        for _, r in rows.iterrows():
            assert months_inclusive(str(r["period_start"]), str(r["period_end"])) == months


@pytest.mark.parametrize("measure", ["new", "concluded", "persons_effective_judgment"])
def test_regimes_add_up_to_the_published_totals(courts, measure):
    rows = courts[(courts["measure"] == measure) & (courts["subgroup"] == "all charges of the period")]
    by_regime = rows.set_index("regime")["value"]
    parts = by_regime[["amendment_vii", "amendment_ix_pre_interpretation", "post_interpretation"]].sum()
    assert parts == by_regime["whole_period"]


@pytest.mark.parametrize("measure", ["new", "concluded", "persons_effective_judgment"])
def test_two_amendment_vii_charges_add_up(courts, measure):
    rows = courts[(courts["regime"] == "amendment_vii") & (courts["measure"] == measure)]
    whole = rows[rows["subgroup"] == "all charges of the period"]["value"]
    charges = rows[rows["subgroup"].str.startswith("charge: ")]["value"]
    assert len(whole) == 1 and len(charges) == 2
    assert charges.sum() == whole.iloc[0]


def test_published_numbers_pinned(courts):
    # statistics.md §1: 2017-06..12 persons with effective judgments 2,232; total 4,942.
    def value(record_id):
        return courts.set_index("record_id").loc[record_id, "value"]

    assert value("court-r3-persons_effective_judgment") == 2232
    assert value("court-r2-persons_effective_judgment") == 1295
    assert value("court-all-new") == 3086


def test_seed_claims_are_flagged_and_say_what_they_count(tables):
    frame = tables["court_counts"].set_index("record_id")
    seed = frame[frame["origin"] == "seed_claim"]
    assert set(seed.index) == {"seed-4942", "seed-2920"}
    assert (seed["verification"] == "unverified").all()
    assert seed["claim_text"].notna().all()
    # 4,942 is a count of persons, not of judgments
    assert frame.loc["seed-4942", "measure"] == "persons_effective_judgment"
    assert frame.loc["seed-4942", "unit"] == "persons"
    assert "persons" in frame.loc["seed-4942", "notes"]
    # 2,920 matches no published figure and its unit is unknown
    assert frame.loc["seed-2920", "unit"] == "unspecified"
    sourced_values = set(frame[frame["origin"] == "source"]["value"])
    assert 2920 not in sourced_values
    assert "2,232" in frame.loc["seed-2920", "notes"]


def test_rates_are_percent_rows_with_a_definition_and_nothing_else_is(tables):
    for name, frame in tables.items():
        is_rate = frame["measure"] == "rate"
        assert (frame.loc[is_rate, "unit"] == "percent").all(), name
        assert (frame.loc[~is_rate, "unit"] != "percent").all(), name
        assert frame.loc[is_rate, "rate_of"].notna().all(), name


def test_every_row_has_source_and_verification(tables):
    for name, frame in tables.items():
        assert frame["source_ref"].notna().all() and (frame["source_ref"].str.len() > 0).all(), name
        assert frame["verification"].isin(["primary", "secondary", "unverified"]).all(), name


def test_periods_are_ordered(tables):
    for name, frame in tables.items():
        both = frame.dropna(subset=["period_start"])
        assert (both["period_start"] <= both["period_end"]).all(), name


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def test_values_match_the_published_wording(tables):
    # `original` keeps the figure as printed; the numeric `value` must be its reading:
    # '1.7万余' -> 17000 (approx), '1,415' -> 1415, '0.048%' -> 0.048.
    for name, frame in tables.items():
        for _, r in frame.iterrows():
            found = NUMBER.findall(str(r["original"]))
            if not found:  # verbal quantities: 过半, 近三成, 约四分之一
                assert r["approx"], (name, r["record_id"])
                continue
            number = float(found[0].replace(",", ""))
            if "万" in r["original"]:
                number *= 10_000
                assert r["approx"], (name, r["record_id"])
            if "余" in r["original"]:
                assert r["approx"], (name, r["record_id"])
            assert r["value"] == pytest.approx(number), (name, r["record_id"], r["original"])


def test_published_acquittal_rates_reproduce_from_counts(tables):
    # The commentary's public-prosecution rates (2 or 3 decimals of a percent) agree with
    # public acquittals / persons convicted wherever both counts were published.
    frame = tables["national_adjudication"].set_index("record_id")
    for label in ["2013-2017", "2015", "2018"]:
        acquitted = frame.loc[f"spc-{label}-acquitted-public", "value"]
        convicted = frame.loc[f"spc-{label}-convicted", "value"]
        published = frame.loc[f"sec-{label}-acquittal-rate", "value"]
        decimals = len(frame.loc[f"sec-{label}-acquittal-rate", "original"].rstrip("%").split(".")[1])
        assert round(100 * acquitted / convicted, decimals) == pytest.approx(published), label


def test_non_prosecution_rates_reproduce_from_counts(tables):
    frame = tables["non_prosecution"].set_index("record_id")
    for label in ["2020q1q3", "2021"]:
        not_prosecuted = frame.loc[f"np-{label}-not_prosecuted", "value"]
        prosecuted = frame.loc[f"np-{label}-prosecuted", "value"]
        published = frame.loc[f"np-{label}-rate", "value"]
        assert round(100 * not_prosecuted / (not_prosecuted + prosecuted), 1) == pytest.approx(published), label


def test_computed_2024_non_prosecution_rate_is_not_stored_as_published(tables):
    frame = tables["non_prosecution"]
    assert not ((frame["measure"] == "rate") & (frame["period_start"] == pd.Period("2024-01", "M"))).any()


# ---------------------------------------------------------------- followable sources (issue #15)

@pytest.mark.parametrize("ref", [
    "cpspew.com", "www.court.gov.cn", "spp.gov.cn", "SPP figures via msnc.org.cn", "news repost quoting the SPP (fcaigou.com)",
    "statistics.md §5 (original source not named there)", "SPC figures (as cited in statistics.md §3)", "", None,
])
def test_a_bare_site_or_the_project_notes_is_not_a_publication(ref):
    from toolkit.analysis.citation import publication_is_findable

    assert not publication_is_findable(ref)


@pytest.mark.parametrize("ref", [
    "deheheng.com/content/33320.html", "SPC 2019 work report (reposts)", "《人民司法》2019年第7期 (陈姝、翟薇)",
    "工人日报 2022-11-17 (repost finance.henan.wang)", "中国司法制度发展报告 No. 2, 2020, B.11",
    "最高人民检察院《2020年1至9月全国检察机关主要办案数据》, released 2020-10-19",
])
def test_a_page_a_named_publication_or_a_dated_report_is(ref):
    from toolkit.analysis.citation import publication_is_findable

    assert publication_is_findable(ref)


def test_every_row_not_marked_unverified_cites_a_publication_a_reader_can_find(tables):
    """Fails when a row cites only a bare site (cpspew.com, msnc.org.cn, …) or only the project's notes:
    such a row must name the publication or be marked unverified."""
    from toolkit.analysis.citation import publication_is_findable

    unfindable = [(name, r["record_id"], r["source_ref"]) for name, frame in tables.items() for _, r in frame.iterrows()
                  if r["verification"] != "unverified" and not publication_is_findable(r["source_ref"])]
    assert unfindable == []


def test_rows_once_citing_a_bare_site_now_name_the_publication_or_are_unverified(tables):
    frame = pd.concat(tables.values(), ignore_index=True).set_index("record_id")
    ref = frame["source_ref"]
    assert "www.cpspew.com/news/1004143.html" in ref["np-2020q1q3-rate"] and "2020-10-19" in ref["np-2020q1q3-rate"]
    assert "hxcsw.com/guonei/2023/0427/c_123597701.html" in ref["np-2023q1-rate"]
    assert "feifmx.com/domestic/945/20250309/48057142_all.html" in ref["np-2024-prosecuted"]
    assert "jingsw.com/news/show-8627.html" in ref["proc-2021-prosecuted-yoy"]
    for record_id in ("proc-2023jun-2024jun-online-prosecuted-cases", "proc-2023jun-2024jun-online-prosecuted-persons"):
        assert frame.loc[record_id, "verification"] == "unverified"  # no page or publication found
    shanghai = frame[frame.index.str.startswith("sh-")]
    assert len(shanghai) == 6 and (shanghai["verification"] == "secondary").all()
    assert shanghai["source_ref"].str.contains("handmsg.com/page/2018/0820/11118162.shtml", regex=False).all()


def test_2008_2012_acquittals_traced_to_a_page_and_consistent(tables):
    frame = tables["national_adjudication"].set_index("record_id")
    rows = frame.loc[[i for i in frame.index if i.startswith("sec-2008-2012")]]
    assert len(rows) == 5
    assert rows["source_ref"].str.contains("falv119.net/xingshianli/yuananlu/n1732.html", regex=False).all()
    assert (rows["verification"] == "secondary").all()  # a repost: the original is not named
    assert frame.loc["sec-2008-2012-acquitted-all", "value"] == 5196
    assert frame.loc["sec-2008-2012-defendants", "value"] == 5239739
    assert (frame.loc["sec-2008-2012-acquitted-public", "value"] + frame.loc["sec-2008-2012-acquitted-private", "value"]
            == frame.loc["sec-2008-2012-acquitted-all", "value"])
    # 5196 / 5239739 = 0.0992% -> the published 0.10%
    assert round(100 * 5196 / 5239739, 2) == frame.loc["sec-2008-2012-acquittal-rate", "value"]


def test_statement_from_official_figures_names_the_publication(tables):
    from toolkit.analysis import statements as st

    rate, source = st.official_proportion(tables["national_adjudication"], "sec-2008-2012-acquitted-all",
                                          "sec-2008-2012-defendants")
    assert (rate.k, rate.n, rate.years) == (5196, 5239739, (2008, 2012))
    text = st.statement(rate, source, today="2026-12-02")
    assert "宣告无罪5196人（0.099%" in text.zh and "5196 were acquitted (0.099%" in text.en
    assert "总体：官方公布的统计数字" in text.zh and "Population: officially published totals" in text.en
    assert "falv119.net/xingshianli/yuananlu/n1732.html" in text.zh and "Published in:" in text.en
    assert "official-statistics 1.0.0" in text.en and "relayed by a secondary source" in text.en


def test_rate_ratio_statement_from_official_figures(tables):
    from toolkit.analysis import statements as st

    ratio, source, options = st.official_rate_ratio(tables["court_counts"], "court-r3-persons_effective_judgment",
                                                    "court-r2-persons_effective_judgment")
    text = st.statement(ratio, source, today="2026-12-02", **options)
    # R: poisson.test(c(2232, 1295), c(7, 19)) -> rate ratio 4.676, 95% CI 4.366–5.010 (as in the README headline)
    assert "率比4.68（95%置信区间4.37–5.01" in text.zh and "rate ratio 4.68 (95% CI 4.37–5.01" in text.en
    assert "《人民司法》2019年第7期" in text.zh and "2232 persons in 7 months" in text.en


@pytest.mark.parametrize("record_id", ["proc-2023jun-2024jun-online-prosecuted-cases", "seed-2920"])
def test_statements_refuse_unverified_rows(tables, record_id):
    from toolkit.analysis import statements as st

    frame = pd.concat([tables["procuratorate_police"], tables["court_counts"]], ignore_index=True)
    rows = frame[frame["record_id"] == record_id]
    assert (rows["verification"] == "unverified").all()
    with pytest.raises(ValueError, match=f"unverified figure.*{record_id}"):
        st.official_source(rows)
    with pytest.raises(ValueError, match="unverified"):
        st.official_proportion(tables["procuratorate_police"], "proc-2023jun-2024jun-online-prosecuted-cases",
                               "proc-2023jun-2024jun-online-prosecuted-persons")


def test_statements_refuse_a_row_citing_only_a_bare_site_even_if_not_flagged(tables):
    from toolkit.analysis import statements as st

    frame = tables["non_prosecution"].copy()
    frame.loc[frame["record_id"] == "np-2020q1q3-not_prosecuted", "source_ref"] = "cpspew.com"
    with pytest.raises(ValueError, match="np-2020q1q3-not_prosecuted.*cpspew.com.*no publication a reader can find"):
        st.official_source(frame[frame["record_id"] == "np-2020q1q3-not_prosecuted"])
    # the row as shipped names the publication, and the statement prints it
    source = st.official_source(tables["non_prosecution"][tables["non_prosecution"]["record_id"] == "np-2020q1q3-not_prosecuted"])
    assert any("www.cpspew.com/news/1004143.html" in p for p in source.publications)


def test_descriptor_states_the_population_and_the_refusal():
    descriptor = load_package(PACKAGE)
    assert descriptor["judgstat"]["population"] == "official"
    for resource in descriptor["resources"]:
        field = next(f for f in resource["schema"]["fields"] if f["name"] == "verification")
        assert "refuses" in field["description"]
