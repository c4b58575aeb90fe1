"""Traditional -> simplified conversion that keeps every character span valid."""

from __future__ import annotations

import json
import re

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.textnorm import looks_traditional, to_simplified

# Synthetic traditional-character excerpt in the style of a Taiwan/Hong Kong news summary.
TRADITIONAL = (
    "臺灣某地方法院審理一起侵犯公民個人信息案。經查，被告人陳某於2019年間通過網絡購買公民個人信息"
    "共計8100萬餘條，並將其中行蹤軌跡信息出售給他人，違法所得人民幣貳萬元。法院判決被告人陳某犯侵犯"
    "公民個人信息罪，判處有期徒刑三年零九個月，並處罰金人民幣一萬五千元。"
)
SIMPLIFIED = (
    "台湾某地方法院审理一起侵犯公民个人信息案。经查，被告人陈某于2019年间通过网络购买公民个人信息"
    "共计8100万余条，并将其中行踪轨迹信息出售给他人，违法所得人民币贰万元。法院判决被告人陈某犯侵犯"
    "公民个人信息罪，判处有期徒刑三年零九个月，并处罚金人民币一万五千元。"
)


def test_converts_traditional_text_character_by_character() -> None:
    assert looks_traditional(TRADITIONAL)
    converted = to_simplified(TRADITIONAL)
    assert converted == SIMPLIFIED
    assert len(converted) == len(TRADITIONAL)


def test_spans_found_in_converted_text_point_into_the_original() -> None:
    converted = to_simplified(TRADITIONAL)
    match = re.search(r"有期徒刑(\S+?个月)", converted)
    assert match is not None
    start, end = match.span(1)
    assert TRADITIONAL[start:end] == "三年零九個月"
    count = re.search(r"共计(\d+万余条)", converted)
    assert TRADITIONAL[slice(*count.span(1))] == "8100萬餘條"


def test_agrees_with_opencc_t2s_on_the_synthetic_text() -> None:
    assert to_simplified(TRADITIONAL) == opencc.OpenCC("t2s").convert(TRADITIONAL)


def test_simplified_text_is_returned_unchanged() -> None:
    # 著 (显著), 乾 (乾隆), 於 and a traditional name quoted once must not be altered.
    text = "被告人王昇的行为情节显著轻微，乾隆路于某处，证人陳某称其不知情。判处有期徒刑一年。"
    assert not looks_traditional(text)
    assert to_simplified(text) is text


def test_empty_and_ascii() -> None:
    assert to_simplified("") == ""
    assert not looks_traditional("")
    assert to_simplified("abc 123") == "abc 123"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_length_is_always_preserved(text: str) -> None:
    assert len(to_simplified(text)) == len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=TRADITIONAL + SIMPLIFIED, max_size=300))
def test_length_preserved_on_mixed_script(text: str) -> None:
    assert len(to_simplified(text)) == len(text)


def test_shared_published_cases_traditional_texts(shared_data) -> None:
    """Every traditional passage in published-pi-cases converts like OpenCC t2s and keeps its length."""
    cc = opencc.OpenCC("t2s")
    lines = (shared_data / "published-pi-cases" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    traditional = [json.loads(line)["text"] for line in lines if line.strip()]
    traditional = [t for t in traditional if looks_traditional(t)]
    assert len(traditional) >= 5
    for text in traditional:
        converted = to_simplified(text)
        assert len(converted) == len(text)
        reference = cc.convert(text)
        if len(reference) == len(converted):
            differing = sum(a != b for a, b in zip(converted, reference))
            assert differing <= len(text) // 100, differing


def test_shared_judge_texts_are_not_touched(shared_data) -> None:
    lines = (shared_data / "judge" / "judgments.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        text = json.loads(line)["text"]
        assert to_simplified(text) == text
