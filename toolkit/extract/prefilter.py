"""Literals that a regular expression cannot match without, so that a scan can skip a text where a pattern cannot
match at all, at the cost of a few str.find calls (toolkit.crimes.drug_trafficking.extract uses it for the
circumstance cues, which rarely match).

    requirement = required_literals(r"向多人[^，]{0,8}?(?:贩卖|出售)|(?:贩卖|出售)给多人")
    may_match(text, 0, len(text), requirement)     # False: a match is impossible in text

A requirement is a conjunction of alternatives: ({"a", "b"}, {"c"}) means that every match contains "a" or "b", and
contains "c". The analysis is sound and conservative. Whatever it cannot see through adds no requirement. That covers
classes of many characters, lookarounds, back-references, optional parts and case-insensitive flags. A pattern it
cannot parse has no requirement, so may_match is then always True.

Two shortcuts are built on the requirements, each exactly equal to what it replaces (tests/test_prefilter.py):

    search = plan_search(pattern)          # search(text, pos, endpos) == pattern.search(text, pos, endpos)
    present = LiteralScan(words)(text, start, end)   # the words that occur in text[start:end], in one pass
    met(requirement, present)              # == may_match(text, start, end, requirement)

plan_search tries a bounded pattern only near the occurrences of one literal it requires (the weight pattern of the
drug extractor only near 克/g/公斤), instead of at every character; LiteralScan answers every cue's may_match of a
judgment with one pass.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

try:  # the parser behind re; private, so a Python without it only loses the shortcut
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11 names them sre_constants / sre_parse
    try:
        import sre_constants as _sre  # type: ignore[no-redef]
        import sre_parse as _sre_parse  # type: ignore[no-redef]
    except ImportError:
        _sre = _sre_parse = None  # type: ignore[assignment]

Requirement = tuple[frozenset[str], ...]

MAX_CLAUSES = 16  # alternatives multiply the clauses; dropping clauses keeps the requirement sound
MAX_CLASS = 8  # a class of at most this many single characters counts as a requirement
MAX_ANCHORS = 12  # an AnchoredSearch anchors on a clause of at most this many literals
MAX_MISSES = 4  # anchors without a match before an AnchoredSearch falls back to one plain search


def required_literals(pattern: str | re.Pattern[str], keep: int = 2) -> Requirement:
    """The literals every match of `pattern` contains, as a conjunction of alternatives (empty: none known).

    Only the `keep` most selective alternatives are kept (longest shortest literal, then fewest literals): each
    costs a str.find per literal, and one rare clause already rules out most texts."""
    source, flags = (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    if _sre_parse is None or not isinstance(source, str):
        return ()
    try:
        parsed = _sre_parse.parse(source, flags)
    except (re.error, TypeError, ValueError, RecursionError):
        return ()
    if parsed.state.flags & re.IGNORECASE:
        return ()
    clauses = {_simplest(clause) for clause in _sequence(list(parsed))}
    ranked = sorted(clauses, key=lambda c: (-min(map(len, c)), len(c), sorted(c)))
    return tuple(ranked[:keep])


def may_match(text: str, start: int, end: int, requirement: Requirement) -> bool:
    """False only when some clause of `requirement` has none of its literals inside text[start:end]."""
    return all(any(text.find(literal, start, end) != -1 for literal in clause) for clause in requirement)


def _simplest(clause: frozenset[str]) -> frozenset[str]:
    # "多人" occurs wherever "向多人" does: of two alternatives, the one inside the other is enough
    return frozenset(a for a in clause if not any(b != a and b in a for b in clause))


def _sequence(items: list[tuple]) -> list[frozenset[str]]:
    clauses: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            clauses.append(frozenset({"".join(run)}))
            run.clear()

    for op, argument in items:
        if op is _sre.LITERAL:
            run.append(chr(argument))
            continue
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, inner = argument
            if add_flags & re.IGNORECASE:
                flush()
                continue
            inner_items = list(inner)
            if all(kind is _sre.LITERAL for kind, _ in inner_items):
                run.extend(chr(code) for _, code in inner_items)  # (?:多人) continues the literal run
                continue
            flush()
            clauses += _sequence(inner_items)
            continue
        flush()
        if op is _sre.BRANCH:
            clauses += _branch(argument[1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, _high, inner = argument
            if low >= 1:
                clauses += _sequence(list(inner))
        elif op is _sre.IN:
            if 0 < len(argument) <= MAX_CLASS and all(kind is _sre.LITERAL for kind, _ in argument):
                clauses.append(frozenset(chr(code) for _, code in argument))
        # anything else (ANY, NOT_LITERAL, AT, ASSERT, ASSERT_NOT, GROUPREF, CATEGORY …) requires nothing
    flush()
    return clauses


def _branch(alternatives: list) -> list[frozenset[str]]:
    """(A1 and A2) or (B1 and B2) implies (A1 or B1) and (A1 or B2) and (A2 or B1) and (A2 or B2)."""
    combined: list[frozenset[str]] | None = None
    for alternative in alternatives:
        clauses = _sequence(list(alternative))
        if not clauses:
            return []  # this alternative requires nothing, so the branch requires nothing
        if combined is None:
            combined = clauses
        else:
            combined = [a | b for a in combined for b in clauses][:MAX_CLAUSES]
    return combined or []


class AnchoredSearch:
    """pattern.search(text, pos, endpos), exactly, but run only near the occurrences of one required literal.

    A pattern whose every match is at most `width` characters long and reads at most `reach` characters from its start
    (the match plus what its lookaheads look at) and contains one of `anchors`, cannot start before (first anchor at or
    after pos) - width, and its attempts at starts up to that anchor are the same in text[:anchor + reach]. So the
    search walks from anchor to anchor, each time searching a window of width + reach characters, instead of trying
    every position of the text. For a pattern the analysis cannot bound (unbounded repeats, anchors like $ or \\b,
    back-references, no required literal, empty matches), `plan_search` returns the plain pattern.search.
    """

    __slots__ = ("pattern", "anchors", "width", "reach")

    def __init__(self, pattern: re.Pattern[str], anchors: re.Pattern[str], width: int, reach: int) -> None:
        self.pattern, self.anchors, self.width, self.reach = pattern, anchors, width, reach

    def __call__(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        search, find_anchor, width, reach = self.pattern.search, self.anchors.search, self.width, self.reach
        misses = 0
        while True:
            anchor = find_anchor(text, pos, endpos)
            if anchor is None:
                return None
            at = anchor.start()
            m = search(text, max(pos, at - width), min(endpos, at + reach))
            if m is not None and m.start() <= at:
                return m
            pos = at + 1  # no match starts at or before this anchor
            misses += 1
            if misses == MAX_MISSES:  # anchors are frequent here: one plain search is then cheaper
                return search(text, pos, endpos)


def plan_search(pattern: re.Pattern[str]) -> Callable[[str, int, int], "re.Match[str] | None"]:
    """An AnchoredSearch for `pattern` when its matches are bounded and need a literal, else pattern.search."""
    requirement = required_literals(pattern, keep=MAX_CLAUSES)
    bounds = _bounds(pattern)
    if not requirement or bounds is None:
        return pattern.search
    # the clause of fewest literals, then longest: a handful of rare words beats a list of common ones (贩卖|出售|…)
    clause = min(requirement, key=lambda c: (len(c), -min(map(len, c)), sorted(c)))
    if len(clause) > MAX_ANCHORS:  # e.g. a list of names: finding the anchors costs what the search costs
        return pattern.search
    width, reach = bounds
    literals = sorted(clause, key=lambda s: (-len(s), s))
    if all(len(s) == 1 for s in literals):
        anchors = re.compile("[" + "".join(re.escape(s) for s in literals) + "]")
    else:
        anchors = re.compile("|".join(map(re.escape, literals)))
    return AnchoredSearch(pattern, anchors, width, reach)


def _bounds(pattern: re.Pattern[str]) -> tuple[int, int] | None:
    """(longest match, characters read from the match start) of pattern; None when unbounded, possibly empty, or
    using what reads past the window in ways not counted here (line/word anchors, back-references)."""
    if _sre_parse is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        low, high = parsed.getwidth()
        lookahead = _lookahead_reach(list(parsed))
    except (re.error, TypeError, ValueError, RecursionError, _Unbounded):
        return None
    if low < 1 or high >= _sre.MAXREPEAT or lookahead is None:
        return None
    return high, high + lookahead


class _Unbounded(Exception):
    pass


_REFUSED = ("AT", "GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE", "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE")


def _lookahead_reach(items: list) -> int:
    """The summed width of every lookahead (a safe bound on how far past a match's end they read)."""
    total = 0
    refused = {getattr(_sre, name) for name in _REFUSED if hasattr(_sre, name)}
    for op, argument in items:
        if op in refused:
            raise _Unbounded
        if op is _sre.SUBPATTERN:
            total += _lookahead_reach(list(argument[3]))
        elif op is _sre.BRANCH:
            total += sum(_lookahead_reach(list(alternative)) for alternative in argument[1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            total += _lookahead_reach(list(argument[2]))
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            total += _lookahead_reach(list(argument))
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            direction, inner = argument
            inner_high = inner.getwidth()[1]
            if inner_high >= _sre.MAXREPEAT:
                raise _Unbounded
            total += _lookahead_reach(list(inner)) + (inner_high if direction == 1 else 0)
    return total


class LiteralScan:
    """Which of many literals occur in text[start:end], found in one regex pass instead of one str.find per literal.

    The pass finds non-overlapping occurrences only, so a literal that starts inside another's occurrence (or at the
    same place, when the other is listed first) is looked for there, at the offsets where it could start: the answer
    is exact. Literals of one character are looked up with str.find, which stops at the first occurrence of these
    (usually common) characters.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        words = sorted({w for w in literals if w}, key=lambda w: (-len(w), w))
        self.characters = tuple(w for w in words if len(w) == 1)
        longer = [w for w in words if len(w) > 1]
        self.scan = re.compile("|".join(map(re.escape, longer))) if longer else None
        # word -> [(other word, offset in word where other may start)]
        self.hidden: dict[str, list[tuple[str, int]]] = {
            word: [(other, k) for other in longer if other != word for k in range(len(word))
                   if word.startswith(other, k) or other.startswith(word[k:])]
            for word in longer
        }

    def __call__(self, text: str, start: int, end: int) -> frozenset[str]:
        present = {c for c in self.characters if text.find(c, start, end) != -1}
        if self.scan is not None:
            found = [(m.group(), m.start()) for m in self.scan.finditer(text, start, end)]
            present.update([word for word, _ in found])
            for word, at in found:
                for other, k in self.hidden[word]:
                    if other not in present and text.startswith(other, at + k, end):
                        present.add(other)
        return frozenset(present)


def met(requirement: Requirement, present: frozenset[str]) -> bool:
    """may_match, given the literals present in the range (LiteralScan over the requirement's literals)."""
    for clause in requirement:  # a loop, not all(…): this runs for every cue of every drug judgment
        if clause.isdisjoint(present):
            return False
    return True
