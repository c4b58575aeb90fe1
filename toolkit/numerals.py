"""Numbers, durations and money amounts as written in Chinese judgments.

Accepts Chinese numerals (零〇一二两三四五六七八九十百千万亿 and the financial forms 壹贰叁…拾佰仟),
Arabic and full-width digits, decimals and mixtures ("8100万", "1.5万", "一万五千", "二〇一七").
Every repetition in the patterns is bounded and a number may only start where the previous
character is not part of one, so a search is linear in the length of the text.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, TypeVar

T = TypeVar("T")

# Characters that may appear inside a written number (used by extractors to build their patterns).
CHINESE_DIGITS = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸兩"
CHINESE_UNITS = "十百千万亿拾佰仟萬億"
ARABIC_DIGITS = "0123456789０１２３４５６７８９"
NUMBER_CHARS = CHINESE_DIGITS + CHINESE_UNITS + ARABIC_DIGITS + ".．,，点"
# A regex fragment for one written number (no approximation words); safe to embed in larger patterns.
# Bounded repetition keeps a search over a long run of numeral characters linear.
NUMBER_PATTERN = (
    r"(?:[0-9０-９][0-9０-９,，.．]{0,20}[十百千万亿拾佰仟萬億]{0,3}"
    r"|[零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸兩十百千万亿拾佰仟萬億]"
    r"[零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸兩十百千万亿拾佰仟萬億点0-9０-９]{0,20})"
)
# Digits with thousands separators, ASCII or full-width: 30，000 / 20,000 / 1,234,567.50 (a separator is
# only read as one when exactly three digits follow it, so "5000元，1000元" stays two amounts).
GROUPED_DIGITS_PATTERN = r"[0-9０-９]{1,3}(?:[,，][0-9０-９]{3}){1,5}(?![0-9０-９])(?:[.．][0-9０-９]{1,4})?"
# Characters of a money amount without separators (一万五千, 1.5万, 叁仟).
MONEY_CHARS = "0-9０-９.．零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩"
# A regex fragment for one money amount before 元: grouped digits (optionally 万/亿) or up to 20 amount characters.
MONEY_AMOUNT_PATTERN = rf"(?:{GROUPED_DIGITS_PATTERN}[万亿萬億]?|[{MONEY_CHARS}]{{1,20}})"
# Words that make a count or amount approximate: 8100万余条, 30余万, 约500元, 近万条.
APPROX_MARKERS = "余多约近许"

_DIGIT_VALUE = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6,
    "柒": 7, "捌": 8, "玖": 9,
}
_SMALL_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNIT = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_ARABIC_RUN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_IGNORED = re.compile(r"[\s,，余多约近许左右]")


def _strings_only_memoised(parse: Callable[[str], T]) -> Callable[[object], T | None]:
    """`parse` for strings (memoised: judgments write the same few numbers over and over, 一年,
    五千元 …, and the parsers are pure); None for anything else."""
    memo = functools.lru_cache(maxsize=8192)(parse)

    @functools.wraps(parse)
    def parse_string(s: object) -> T | None:
        return memo(s) if isinstance(s, str) else None

    return parse_string


@_strings_only_memoised
def parse_number(s: str) -> float | None:
    """The value of a written number, or None if `s` is not one.

    Approximation words (余/多/约/近/左右) are ignored: "30余万" -> 300000.0.
    """
    text = _IGNORED.sub("", s.translate(_FULLWIDTH))
    if not text:
        return None
    if "点" in text:
        return _parse_chinese_decimal(text)
    return _parse_plain(text)


def _parse_chinese_decimal(text: str) -> float | None:
    """一点五万 -> 15000: integer part, digit-by-digit fraction, then a trailing 万/亿."""
    whole, _, rest = text.partition("点")
    multiplier = 1
    while rest and rest[-1] in _BIG_UNIT:
        multiplier *= _BIG_UNIT[rest[-1]]
        rest = rest[:-1]
    if not rest or any(c not in _DIGIT_VALUE and not c.isdigit() for c in rest):
        return None
    integer = _parse_plain(whole) if whole else 0.0
    if integer is None:
        return None
    fraction = float("0." + "".join(str(_DIGIT_VALUE.get(c, c)) for c in rest))
    return (integer + fraction) * multiplier


def _parse_plain(text: str) -> float | None:
    total = 0.0  # completed 亿 groups
    section = 0.0  # completed 万 group, below 亿
    group = 0.0  # value below 万
    current: float | None = None  # digits read but not yet multiplied by a unit
    last_unit = 0  # the last unit applied, for the colloquial 一万五 (= 15000)
    seen_unit = False
    saw_zero_gap = False
    digit_run = False  # inside 二〇一七-style digit-by-digit writing
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isdigit() or ch == ".":
            match = _ARABIC_RUN.match(text, i)
            if match is None or current is not None:
                return None
            current = float(match.group())
            i = match.end()
            digit_run = False
            saw_zero_gap = False
            continue
        if ch in _DIGIT_VALUE:
            value = _DIGIT_VALUE[ch]
            if current is not None and not seen_unit:
                current = current * 10 + value  # 二〇一七, 一〇〇
                digit_run = True
            elif value == 0:
                if current is not None:
                    return None
                saw_zero_gap = True  # 一千零五: the zero only marks a gap
            else:
                if current is not None:
                    return None
                current = float(value)
            i += 1
            continue
        if ch in _SMALL_UNIT:
            if digit_run:
                return None
            unit = _SMALL_UNIT[ch]
            group += (1.0 if current is None else current) * unit
            current, last_unit, seen_unit, saw_zero_gap = None, unit, True, False
        elif ch in _BIG_UNIT:
            if digit_run:
                return None
            unit = _BIG_UNIT[ch]
            amount = group + (current or 0.0)
            if unit == 10_000:
                section += (amount if amount else (0.0 if section or total else 1.0)) * unit
            else:
                total = (total + section + amount or 1.0) * unit
                section = 0.0
            group, current, last_unit, seen_unit, saw_zero_gap = 0.0, None, unit, True, False
        else:
            return None
        i += 1
    if current is not None:
        if seen_unit and not saw_zero_gap and last_unit >= 10 and current < 10 and current == int(current):
            group += current * (last_unit // 10)  # 一万五 = 15000, 两千五 = 2500, 三百五 = 350
        else:
            group += current
    elif not seen_unit:
        return None
    return total + section + group


_NUM_CLASS = "[0-9０-９.．零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸兩十百千拾佰仟]"
# A number starts where the previous character is not part of one, and is at most 12 characters long:
# without both guards a search over a long run of numerals without 年/月 would be quadratic.
_NUM_BODY = rf"{_NUM_CLASS}{{1,12}}"
_NUM = rf"(?<!{_NUM_CLASS}){_NUM_BODY}"
_DURATION = re.compile(
    rf"(?P<years>{_NUM})年(?P<half_year>半)?[零又]?(?:(?P<months>{_NUM_BODY})个?月)?"
    rf"|(?P<only_months>{_NUM})个?月"
    r"|(?P<half>半)年"
)


@_strings_only_memoised
def parse_duration_months(s: str) -> int | None:
    """Months in the first duration written in `s`: "三年零九个月" -> 45, "二年" -> 24, "十个月" -> 10."""
    match = _DURATION.search(s.translate(_FULLWIDTH))
    if match is None:
        return None
    if match.group("half"):
        return 6
    months = 0.0
    if match.group("years") is not None:
        years = parse_number(match.group("years"))
        if years is None:
            return None
        months += years * 12 + (6 if match.group("half_year") else 0)
    for name in ("months", "only_months"):
        if match.group(name) is not None:
            extra = parse_number(match.group(name))
            if extra is None:
                return None
            months += extra
    return round(months)


_MONEY_CLASS = "[0-9０-９.．,，零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸兩十百千万亿拾佰仟萬億余多]"
_MONEY = re.compile(rf"(?<!{_MONEY_CLASS})(?P<amount>{_MONEY_CLASS}{{1,24}})[元圆]")


@_strings_only_memoised
def parse_money_yuan(s: str) -> float | None:
    """Yuan in the first amount written in `s`: "人民币一万五千元" -> 15000.0, "1.2万元" -> 12000.0."""
    for match in _MONEY.finditer(s.translate(_FULLWIDTH)):
        amount = match.group("amount").strip(",，.")
        value = parse_number(amount)
        if value is not None:
            return value
    return None
