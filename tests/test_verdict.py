"""Verdict extraction on synthetic judgments in the real style (tests/fixtures/judgments/hard_cases.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.extract.verdict import extract_verdicts, party_names, verdict_values
from toolkit.textnorm import to_simplified

FIXTURES = Path(__file__).parent / "fixtures" / "judgments"
DOCS = {
    row["id"]: row["text"]
    for row in map(json.loads, (FIXTURES / "hard_cases.jsonl").read_text(encoding="utf-8").splitlines())
}
EXPECTED = json.loads((FIXTURES / "hard_cases.expected.json").read_text(encoding="utf-8"))
VERDICT_KEYS = {"defendant", "charges", "outcome", "penalty_type", "term_months", "probation_months", "fine_yuan",
                "confiscation", "political_rights_months"}


def _verdicts(text: str) -> list[dict]:
    entries, _ = extract_verdicts(to_simplified(text))
    return [verdict_values(entry) for entry in entries]


@pytest.mark.parametrize("doc_id", [k for k in EXPECTED if not k.startswith("_") and k != "non_prosecution"])
def test_hard_case(doc_id: str) -> None:
    got = _verdicts(DOCS[doc_id])
    want = EXPECTED[doc_id]
    assert [g["defendant"] for g in got] == [w["defendant"] for w in want]
    for g, w in zip(got, want):
        for key, value in w.items():
            if key in VERDICT_KEYS:
                assert g.get(key) == value, (doc_id, w["defendant"], key, g)


def test_spans_point_at_the_sentence() -> None:
    text = DOCS["multi_items"]
    entries, _ = extract_verdicts(text)
    first = entries[0]
    start, end = first["term_months"].span
    assert text[start:end] == "有期徒刑三年零九个月"
    start, end = first["fine_yuan"].span
    assert text[start:end] == "两万零五百元"
    start, end = entries[1]["probation_months"].span
    assert text[start:end] == "一年六个月"


def test_quoted_first_instance_sentence_is_never_the_result() -> None:
    (entry,) = _verdicts(DOCS["appeal_revised"])
    assert entry["term_months"] == 30  # not the revoked 36 quoted in 撤销…即判处有期徒刑三年
    assert entry["fine_yuan"] == 8000


def test_upheld_appeal_reads_first_instance_account_not_the_appellants_request() -> None:
    entries, notes = extract_verdicts(DOCS["appeal_upheld"])
    assert any("upheld" in note for note in notes)
    values = verdict_values(entries[0])
    assert values["term_months"] == 10  # 请求判处缓刑 / 上诉 clauses are ignored


def test_prior_conviction_in_party_section_is_not_the_sentence() -> None:
    (entry,) = _verdicts(DOCS["combined"])
    assert entry["term_months"] == 54 and entry["fine_yuan"] == 15000


def test_each_fine_and_respectively() -> None:
    text = ("判决如下： 被告人甲某、乙某犯侵犯公民个人信息罪，分别判处有期徒刑一年、十个月，"
            "并处罚金人民币各五千元。 如不服本判决")
    got = _verdicts(text)
    assert [(g["defendant"], g["term_months"], g["fine_yuan"]) for g in got] == [("甲某", 12, 5000), ("乙某", 10, 5000)]


def test_suspended_death_and_party_names() -> None:
    text = ("被告人丁某，男，1970年出生。 本院认为……判决如下： 被告人丁某犯故意杀人罪，判处死刑，缓期二年执行，"
            "剥夺政治权利终身。 如不服本判决")
    assert party_names(text) == ["丁某"]
    (entry,) = _verdicts(text)
    assert entry["penalty_type"] == "death_suspended" and entry.get("term_months") is None


def test_group_range_is_not_an_individual_sentence() -> None:
    text = "法院依法判处被告人甲某、乙某有期徒刑一年三个月至三年不等，并处罚金人民币三万元至六十万元不等。"
    for entry in _verdicts(text):
        assert entry.get("term_months") is None
        assert any("range" in note for note in entry["notes"])


@pytest.mark.parametrize("text", ["", "   ", "这不是判决书。", "判决如下：", "判决如下：（（（（"])
def test_no_verdict(text: str) -> None:
    entries, notes = extract_verdicts(text)
    assert entries == [] and notes


def test_prose_conviction_without_stated_sentence() -> None:
    text = ("近日，某区法院宣判一起案件，周某、欧某、陈某三名被告人违反国家有关规定，出售公民个人信息，"
            "因犯侵犯公民个人信息罪分别被判处相应有期徒刑，并处罚金。")
    got = _verdicts(text)
    assert [g["defendant"] for g in got] == ["周某", "欧某", "陈某"]
    for entry in got:
        assert entry["outcome"] == "convicted" and entry.get("term_months") is None
        assert any("does not state the sentence" in note for note in entry["notes"])


def test_prose_pronoun_and_group_range() -> None:
    text = ("法院审理认为，被告人甲某、乙某的行为均已构成侵犯公民个人信息罪。结合各被告人的犯罪情节，"
            "依法判处其有期徒刑一年至三年不等的刑罚。另案判处丙某等人有期徒刑十个月至一年不等。")
    got = {g["defendant"]: g for g in _verdicts(text)}
    assert set(got) == {"甲某", "乙某", "丙某"}
    assert all(g["outcome"] == "convicted" and g.get("term_months") is None for g in got.values())


def test_prose_new_sentence_for_someone_else_is_not_inherited() -> None:
    text = ("法院以侵犯公民个人信息罪判处被告陈某有期徒刑5年6个月，并处罚金3万元；以同罪判处被告王某等5人有期徒刑5年到3年4个月不等；"
            "以同罪判处被告何某有期徒刑3年，缓刑4年，并处罚金5万元。")
    got = {g["defendant"]: g for g in _verdicts(text)}
    assert got["陈某"]["term_months"] == 66 and got["陈某"]["fine_yuan"] == 30000
    assert got["何某"]["term_months"] == 36 and got["何某"]["probation_months"] == 48


def test_drafting_template_is_not_a_decision() -> None:
    text = ("判决如下： ……（写明判决结果。定罪判刑的，表述为：“一、被告人某某犯盗窃罪，判处……（写明主刑、附加刑）。"
            "（刑期从判决执行之日起计算……即自××××年××月××日起至××××年××月××日止）。”宣告无罪的，表述为：“被告人某某无罪”。）")
    entries, notes = extract_verdicts(text)
    assert entries == [] and any("template" in n for n in notes)


def test_dates_are_not_ranges() -> None:
    text = "判决如下： 被告人甲某犯盗窃罪，判处有期徒刑一年，刑期自2017年4月28日起至2018年4月27日止，并处罚金人民币一千元。 如不服本判决"
    (entry,) = _verdicts(text)
    assert entry["term_months"] == 12 and entry["fine_yuan"] == 1000
    prose = "2017年至2019年间，被告人乙某出售公民个人信息。法院判处乙某有期徒刑十个月，并处罚金五千元。"
    (entry,) = _verdicts(prose)
    assert entry["term_months"] == 10 and entry["fine_yuan"] == 5000


def test_revoke_and_resentence_in_one_clause() -> None:
    text = ("判决如下： 撤销某区人民法院（2019）某0101刑初1号刑事判决对被告人甲某的量刑部分，即判处有期徒刑三年，"
            "改判被告人甲某有期徒刑二年，并处罚金人民币一万元。 本判决为终审判决。")
    (entry,) = _verdicts(text)
    assert entry["term_months"] == 24 and entry["fine_yuan"] == 10000


def test_remand_is_explained() -> None:
    text = "上诉人甲某，男，1980年出生。 本院认为……裁定如下： 一、撤销某区人民法院（2019）某0101刑初1号刑事判决； 二、发回某区人民法院重新审判。 本裁定为终审裁定。"
    entries, notes = extract_verdicts(text)
    assert entries == [] and any("发回重审" in n for n in notes)
