"""Case metadata: case numbers of both styles and every bracket, court, province, level, procedure,
document type and judgment date (synthetic fixtures, then agreement checks on the shared data)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.extract.agreement import judge_agreement, published_agreement, read_jsonl
from toolkit.extract.metadata import extract_metadata, province_of_court
from toolkit.schema import COURT_LEVELS, DOC_TYPES, PROCEDURES
from toolkit.textnorm import to_simplified

FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "metadata_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines() if line.strip()]
FIELDS = ("case_number", "court", "province", "court_level", "procedure", "doc_type", "judgment_date")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_metadata(case: dict) -> None:
    fields, notes = extract_metadata(case["text"])
    for name, expected in case["expected"].items():
        got = fields[name].value if name in fields else None
        assert got == expected, (name, notes)
        if expected is None:
            assert any(note.startswith(f"{name}:") for note in notes), (name, notes)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spans_point_at_the_value(case: dict) -> None:
    text = case["text"]
    fields, _ = extract_metadata(text)
    for name in ("case_number", "court"):
        if name in fields:
            start, end = fields[name].span
            assert text[start:end] == fields[name].value
    for name, value in fields.items():
        if value.span is not None:
            start, end = value.span
            assert 0 <= start < end <= len(text), name
    assert fields["doc_type"].value in DOC_TYPES
    if "court_level" in fields:
        assert fields["court_level"].value in COURT_LEVELS
    if "procedure" in fields:
        assert fields["procedure"].value in PROCEDURES


@pytest.mark.parametrize(
    "number, procedure",
    [
        ("（2018）京0105刑初123号", "first_instance"),
        ("(2018)京0105刑初123号", "first_instance"),
        ("〔2018〕京01刑终45号", "second_instance"),
        ("[2018]京刑终6号", "second_instance"),
        ("［2018］京0105刑再1号", "retrial"),
        ("【2018】京0105刑初7号", "first_instance"),
        ("（2018）京刑申3号", "review"),
        ("（2019）最高法刑核12345678号", "review"),
        ("（2015）京一中刑终字第1234号", "second_instance"),
        ("（2014）临罗刑一初字第81号", "first_instance"),
        ("（2015）西刑速初字第00088号", "first_instance"),
        ("（２０１８）京０１０５刑初１２３号", "first_instance"),
        ("（2018）京0105刑更12号", "other"),
    ],
)
def test_case_number_styles_and_brackets(number: str, procedure: str) -> None:
    text = f"北京市朝阳区人民法院 刑事判决书 {number} 公诉机关北京市朝阳区人民检察院。"
    fields, _ = extract_metadata(text)
    assert fields["case_number"].value == number
    assert fields["procedure"].value == procedure


def test_case_number_level_and_province_from_new_style_code() -> None:
    for number, level in (("（2018）浙0102刑初1号", "basic"), ("（2018）浙01刑终1号", "intermediate"), ("（2018）浙刑终1号", "high")):
        fields, _ = extract_metadata(f"刑事判决书 {number} 被告人某某。")
        assert fields["court_level"].value == level
        assert fields["province"].value == "浙江"


def test_old_style_local_abbreviation_is_not_a_province() -> None:
    # 渝 here is 渝水区 (Jiangxi), not Chongqing: old-style numbers carry local abbreviations.
    fields, notes = extract_metadata("刑事判决书 （2015）渝刑初字第00437号 被告人某某。")
    assert "province" not in fields
    assert "court_level" not in fields
    assert any(n.startswith("province:") for n in notes)


def test_prosecutors_number_is_not_a_case_number() -> None:
    fields, notes = extract_metadata("某某人民检察院以沪奉检诉刑诉［2017］700号起诉书指控被告人张某犯诈骗罪。")
    assert "case_number" not in fields
    assert "case_number: not found" in notes


def test_case_number_without_year_in_header() -> None:
    text = "青海省格尔木市人民法院 刑事判决书 格刑初字第117号 公诉机关格尔木市人民检察院。 曾因犯罪被（2011）格刑初字第164号刑事判决判处有期徒刑。"
    fields, notes = extract_metadata(text)
    assert fields["case_number"].value == "格刑初字第117号"
    assert fields["province"].value == "青海"


@pytest.mark.parametrize(
    "court, province",
    [
        ("上海市奉贤区人民法院", "上海"),
        ("常州市金坛区人民法院", "江苏"),
        ("广西壮族自治区钟山县人民法院", "广西"),
        ("内蒙古自治区呼和浩特市新城区人民法院", "内蒙古"),
        ("吉林市中级人民法院", "吉林"),
        ("海南藏族自治州中级人民法院", "青海"),
        ("海南省海口市中级人民法院", "海南"),
        ("钟山县人民法院", None),
    ],
)
def test_province_of_court(court: str, province: str | None) -> None:
    assert province_of_court(court) == province


@pytest.mark.parametrize(
    "signature, iso",
    [
        ("二〇一七年六月二十八日", "2017-06-28"),
        ("二○一七年十二月二十七日", "2017-12-27"),
        ("二O一八年五月二十八日", "2018-05-28"),
        ("二〇二〇年十月十日", "2020-10-10"),
        ("2016年3月5日", "2016-03-05"),
    ],
)
def test_signature_date_variants(signature: str, iso: str) -> None:
    text = f"某某县人民法院 刑事判决书 （2016）苏0101刑初1号 …… 审判员某某 {signature} 书记员某某 附：（一九九七年三月十四日修订）"
    fields, _ = extract_metadata(text)
    assert fields["judgment_date"].value == iso
    start, end = fields["judgment_date"].span
    assert text[start:end] == signature


def test_garbled_signature_date_is_null_with_note() -> None:
    fields, notes = extract_metadata("某某县人民法院 刑事判决书 （2017）浙0182刑初1号 审判员某 二○一七年十一月七无 书记员某")
    assert "judgment_date" not in fields
    assert any("not a valid date" in n for n in notes)


def test_date_earlier_than_case_year_is_flagged() -> None:
    fields, notes = extract_metadata("某某县人民法院 刑事判决书 （2018）吉0283刑初79号 审判员某 二〇一七年三月二十八日 书记员某")
    assert fields["judgment_date"].value == "2017-03-28"
    assert any("earlier than the case-number year" in n for n in notes)


def test_traditional_text_after_conversion_keeps_spans() -> None:
    original = "臺北地區某案：浙江省溫州市鹿城區人民法院 刑事判決書 （2019）浙0302刑初55號 被告人劉某。 審判員陳某 二〇一九年七月一日 書記員黃某"
    converted = to_simplified(original)
    fields, _ = extract_metadata(converted)
    assert fields["court"].value == "浙江省温州市鹿城区人民法院"
    assert fields["doc_type"].value == "judgment"
    assert fields["judgment_date"].value == "2019-07-01"
    start, end = fields["case_number"].span
    assert original[start:end] == "（2019）浙0302刑初55號"


def test_empty_and_garbage_input() -> None:
    assert extract_metadata("") == ({}, ["metadata: empty text"])
    fields, notes = extract_metadata("\x00\x01\ufffd" * 100)
    assert "case_number" not in fields and notes


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="（()〔〕[]［］【】2019沪0120刑初字第号人民法院省市县区中级高一二〇年月日书记员审判长 ", max_size=400))
def test_never_raises_on_bracket_soup(text: str) -> None:
    fields, notes = extract_metadata(text)
    for value in fields.values():
        if value.span is not None:
            assert 0 <= value.span[0] <= value.span[1] <= len(text)


def test_linear_time_on_pathological_input() -> None:
    blob = "（2019" * 20_000 + "人民" * 20_000 + "二〇一七年" * 10_000 + "沪0120刑" * 10_000
    started = time.perf_counter()
    extract_metadata(blob)
    assert time.perf_counter() - started < 3.0


# ----------------------------------------------------------------- shared data


@pytest.mark.shared
def test_judge_set_metadata_coverage_and_consistency(shared_data: Path) -> None:
    """Every judge-set judgment has a header; coverage and cross-checks must be near total.

    Measured 2026-11-28 (python -m toolkit.extract.agreement): case_number, court, province,
    court_level, procedure, doc_type 314/314; judgment_date 313/314 (one signature date is misprinted
    二○一七年十一月七无); province from the case-number code and from the court name agree 309/309.
    """
    tallies = judge_agreement(shared_data)
    for name in FIELDS:
        tally = tallies[f"coverage {name}"]
        assert tally.agreed / tally.total >= 0.99, (name, tally.disagreements)
    consistency = tallies["province: case-number code = court name"]
    assert consistency.total >= 250 and consistency.agreed == consistency.total, consistency.disagreements


@pytest.mark.shared
def test_judge_set_judgment_year_follows_case_year(shared_data: Path) -> None:
    """One misprint is known: （2018）吉0283刑初79号 is signed 二〇一七年 (flagged in the notes)."""
    late = 0
    for doc in read_jsonl(shared_data / "judge" / "judgments.jsonl"):
        fields, _ = extract_metadata(doc["text"])
        number = fields["case_number"].value
        if "judgment_date" in fields and number[1:5].isdigit():
            late += not (int(number[1:5]) <= int(fields["judgment_date"].value[:4]) <= int(number[1:5]) + 2)
    assert late <= 2


@pytest.mark.shared
def test_published_cases_metadata_agrees_with_transcription(shared_data: Path) -> None:
    """Where the passage itself prints the transcribed case number / court / date, we must find it.

    Measured 2026-11-28 over the 35 distinct cases: case numbers 4/5 agree (bracket style aside; the
    fifth transcription is the procuratorate's 不起诉 number of a second case quoted after a court
    ruling in the same passage, whose number we take), courts 12/12 agree (as a suffix of the
    transcribed full name), dates 8/8 agree.
    """
    tallies = published_agreement(shared_data)
    checked = sum(tallies[name].total for name in ("case_number", "court", "judgment_date"))
    agreed = sum(tallies[name].agreed for name in ("case_number", "court", "judgment_date"))
    assert checked >= 20
    assert agreed / checked >= 0.95, (agreed, checked)
