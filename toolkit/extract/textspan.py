"""Positions of words and sentences in a judgment text, shared by the extractors, and a cache for
what an extractor reads from the text it was last given (for_last_text).

The position helpers use str.find / str.rfind: for a handful of fixed words they are several times
faster than a regex alternation, which tries every alternative at every character.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

# Markers of the operative part; a second-instance text quotes the first instance's earlier.
OPERATIVE_MARKERS = ("判决如下", "裁定如下", "决定如下")

# Pseudonymised names as published: 张某, 李某某, 黄某伦, 李某甲, 刘某1 (a common surname, then 某).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
)
PSEUDONYM = rf"[{_SURNAMES}]某(?:某|[甲乙丙丁戊]|[0-9]|[\u4e00-\u9fff](?![公司小区地市县单位平台网站]))?"


def find_all(text: str, word: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Start of every non-overlapping occurrence of `word` in text[start:end], in order (none for "")."""
    if not word:
        return
    stop = len(text) if end is None else end
    position = text.find(word, start, stop)
    while position != -1:
        yield position
        position = text.find(word, position + len(word), stop)


def first_of(text: str, words: tuple[str, ...], start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Span of the earliest occurrence of any of `words` in text[start:end] (ties: the word listed first)."""
    stop = len(text) if end is None else end
    best: tuple[int, int] | None = None
    for word in words:
        position = text.find(word, start, min(best[0] + len(word), stop) if best else stop)
        if position != -1 and (best is None or position < best[0]):
            best = (position, position + len(word))
    return best


def last_of(text: str, words: tuple[str, ...]) -> tuple[int, int] | None:
    """Span of the last occurrence of any of `words` (ties: the word listed first)."""
    best: tuple[int, int] | None = None
    for word in words:
        position = text.rfind(word, best[0] if best else 0)
        if position != -1 and (best is None or position > best[0]):
            best = (position, position + len(word))
    return best


def bounds_around(text: str, position: int, stops: str, low: int, high: int) -> tuple[int, int]:
    """[start, end) of the run without any of `stops` that holds `position`, inside [low, high)."""
    start, end = low, high
    for stop in stops:  # each search narrows the window for the next one
        before = text.rfind(stop, start, position)
        if before != -1:
            start = before + 1
        after = text.find(stop, position, end)
        if after != -1:
            end = after
    return start, end


def for_last_text(function: Callable[..., T]) -> Callable[..., T]:
    """Cache `function(text, *args)` for the last text it saw.

    The parser reads one text at a time but asks the facts extractor once per defendant; what does
    not depend on the defendant is then read once.  Callers must not change a cached result.
    """
    # One (text, results) pair, replaced as a whole: a call always uses the results of its own text,
    # even when threads interleave.
    state: tuple[str | None, dict[tuple[Any, ...], T]] = (None, {})
    missing = object()

    @functools.wraps(function)
    def cached(text: str, *args: Any) -> T:
        nonlocal state
        last_text, results = state
        if text is not last_text:
            results = {}
            state = (text, results)
        result = results.get(args, missing)
        if result is missing:  # a miss is the common case: no exception handling for it
            result = results[args] = function(text, *args)
        return result  # type: ignore[return-value]

    return cached
