"""Numbers, durations and money as judgments write them (issue 4 hard cases)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.numerals import NUMBER_CHARS, NUMBER_PATTERN, parse_duration_months, parse_money_yuan, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("379525", 379525),
        ("８１００", 8100),  # full-width digits
        ("8100万", 81_000_000),
        ("1.5万", 15_000),
        ("30余万", 300_000),
        ("8100万余", 81_000_000),
        ("一万五千", 15_000),
        ("一万五", 15_000),  # colloquial: the digit after 万 means thousands
        ("两千", 2_000),
        ("两千五", 2_500),
        ("十", 10),
        ("十五", 15),
        ("二十一", 21),
        ("一百零五", 105),
        ("一千零五十", 1_050),
        ("一万零五百", 10_500),
        ("二〇一七", 2017),  # digit-by-digit writing, as in dates
        ("二○一七", 2017),  # zero typed as a white circle
        ("一〇〇", 100),
        ("三千万", 30_000_000),
        ("一亿二千万", 120_000_000),
        ("壹万", 10_000),  # financial numerals
        ("贰仟伍佰", 2_500),
        ("5,000", 5_000),
        ("1万5千", 15_000),
        ("2万5000", 25_000),
        ("一点五万", 15_000),
        ("约500", 500),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "元", "年", "1.2.3", "二〇一七十", "五五万五五"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("三年零九个月", 45),
        ("一年零一个月", 13),
        ("一年六个月", 18),
        ("一年六月", 18),  # older judgments omit 个
        ("十个月", 10),
        ("6个月", 6),
        ("６个月", 6),
        ("二年", 24),
        ("一年半", 18),
        ("有期徒刑十年", 120),
        ("拘役三个月", 3),
        ("缓刑二年", 24),
    ],
)
def test_parse_duration_months(text: str, expected: int) -> None:
    assert parse_duration_months(text) == expected


def test_parse_duration_months_none_when_absent() -> None:
    assert parse_duration_months("判处罚金") is None
    assert parse_duration_months("") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("人民币一万五千元", 15_000),
        ("罚金5000元", 5_000),
        ("１万元", 10_000),
        ("三万元", 30_000),
        ("人民币二万元", 20_000),
        ("1.2万元", 12_000),
        ("壹万元", 10_000),
        ("人民币5,000元", 5_000),
        ("违法所得2000余元", 2_000),
        ("人民币一千零五十元", 1_050),
        ("两千元", 2_000),
        ("并处罚金人民币二〇〇〇元", 2_000),
        ("罚金人民币１．５万元", 15_000),
    ],
)
def test_parse_money_yuan(text: str, expected: float) -> None:
    assert parse_money_yuan(text) == pytest.approx(expected)


def test_parse_money_yuan_none_without_amount() -> None:
    assert parse_money_yuan("并处罚金") is None
    assert parse_money_yuan("人民币元") is None


@pytest.mark.parametrize("text", ["8100万", "379525", "１．５万", "一万五千", "二〇一七", "5,000", "壹万"])
def test_number_pattern_matches_whole_numbers(text: str) -> None:
    match = re.fullmatch(NUMBER_PATTERN, text)
    assert match is not None
    assert parse_number(match.group()) is not None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=NUMBER_CHARS + "余多约年个月元人民币abc ", max_size=60))
def test_never_raises_on_numeral_soup(text: str) -> None:
    for parse in (parse_number, parse_duration_months, parse_money_yuan):
        result = parse(text)
        assert result is None or result >= 0


def test_linear_time_on_long_input() -> None:
    blob = ("一二三四五六七八九十" * 20_000) + "x" + ("年个" * 20_000)
    started = time.perf_counter()
    parse_number(blob)
    parse_duration_months(blob)
    parse_money_yuan(blob)
    assert time.perf_counter() - started < 2.0
