"""Positions of words and sentences in a judgment text, shared by the extractors, and a cache for
what an extractor reads from the text it was last given (for_last_text).

The position helpers use str.find / str.rfind: for a handful of fixed words they are several times
faster than a regex alternation, which tries every alternative at every character.
"""

from __future__ import annotations

import functools
import re
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


class FirstOf:
    """first_of(text, words, start, end), exactly, found from the occurrences of a few `cores` that the words contain
    (审理查明, 本院查明 and 法院查明 all hold 查明): one str.find per occurrence of a core instead of one str.find per word
    over the whole text, which is what a marker that a text lacks costs first_of. `start` must not be negative.

        findings = FirstOf(("审理查明", "本院查明", "经审理认定"), cores=("查明", "经审理"))
        findings(text) == first_of(text, ("审理查明", "本院查明", "经审理认定"))
    """

    __slots__ = ("words", "groups")

    def __init__(self, words: tuple[str, ...], cores: tuple[str, ...]) -> None:
        groups = []
        left = list(enumerate(words))  # (rank in words, word): a tie goes to the word listed first, as in first_of
        for core in cores:
            members = tuple((rank, word, word.index(core)) for rank, word in left if core in word)
            left = [(rank, word) for rank, word in left if core not in word]
            if members:  # reach: a word through this core that starts at p ends its core before p + reach
                groups.append((core, members, max(offset for _, _, offset in members) + len(core)))
        if left:
            raise ValueError(f"FirstOf: no core in {', '.join(word for _, word in left)}")
        self.words, self.groups = tuple(words), tuple(groups)

    def __call__(self, text: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        stop = len(text) if end is None else end
        best: tuple[int, int, int] | None = None  # (start, rank, length) of the earliest word so far
        for core, members, reach in self.groups:
            limit = stop if best is None else min(stop, best[0] + reach)
            at = text.find(core, start, limit)
            while at != -1:
                for rank, word, offset in members:
                    begin = at - offset
                    if begin >= start and text.startswith(word, begin, stop) and (best is None or (begin, rank) < best[:2]):
                        best = (begin, rank, len(word))
                        limit = min(limit, begin + reach)  # a core further on cannot belong to an earlier word
                at = text.find(core, at + 1, limit)
        return None if best is None else (best[0], best[0] + best[2])


def last_of(text: str, words: tuple[str, ...]) -> tuple[int, int] | None:
    """Span of the last occurrence of any of `words` (ties: the word listed first)."""
    best: tuple[int, int] | None = None
    for word in words:
        position = text.rfind(word, best[0] if best else 0)
        if position != -1 and (best is None or position > best[0]):
            best = (position, position + len(word))
    return best


FEW_STOPS = 3  # up to this many stop characters, a str.rfind and a str.find per stop beat two regex searches
# The regex way reverses a copy of text[low:position], whereas str.rfind stops at the nearest stop: it is used for
# windows up to this long (sentence and clause windows are 30-300 characters).
MAX_REVERSED = 400
_STOP_SEARCH: dict[str, Callable[..., Any]] = {}  # stops -> search of a class of them, compiled once


def bounds_around(text: str, position: int, stops: str, low: int, high: int) -> tuple[int, int]:
    """[start, end) of the run without any of `stops` that holds `position`, inside [low, high)."""
    if len(stops) > FEW_STOPS and 0 <= low and 0 <= position <= len(text) and 0 <= high and position - low <= MAX_REVERSED:
        search = _STOP_SEARCH.get(stops)
        if search is None:
            search = _STOP_SEARCH[stops] = re.compile("[" + "".join(map(re.escape, stops)) + "]").search
        before = search(text[low:position][::-1])  # the first stop of the reversed window is the last one before
        after = search(text, position, high)
        return (position - before.start() if before else low), (after.start() if after else high)
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
