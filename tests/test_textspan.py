"""toolkit.extract.textspan: FirstOf answers exactly what first_of answers, and bounds_around what a str.find per stop does."""

from __future__ import annotations

import random

import pytest

from toolkit.extract.textspan import FirstOf, bounds_around, first_of

WORDS = ("审理查明", "本院查明", "法院查明", "经审理认定", "经审理，", "经审理查明")
CORES = ("查明", "经审理")


def test_first_of_cores_equals_first_of_on_random_texts() -> None:
    search = FirstOf(WORDS, CORES)
    rng = random.Random(12)
    alphabet = "审理查明本院法经认定，为"  # dense in the words, their cores and overlaps of both
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        start = rng.randrange(0, len(text) + 2)
        end = rng.choice([None, rng.randrange(0, len(text) + 3)])
        assert search(text, start, end) == first_of(text, WORDS, start, end), (text, start, end)


def test_ties_go_to_the_word_listed_first() -> None:
    words = ("认为", "本院认为", "院认为")
    assert FirstOf(words, ("认为",))("本院认为") == first_of("本院认为", words) == (0, 4)
    assert FirstOf(("ab", "a"), ("a",))("xab") == first_of("xab", ("ab", "a")) == (1, 3)
    assert FirstOf(("a", "ab"), ("a",))("xab") == first_of("xab", ("a", "ab")) == (1, 2)


def test_every_word_needs_a_core() -> None:
    with pytest.raises(ValueError, match="本院认为"):
        FirstOf(("本院认为", "审理查明"), ("查明",))


def _bounds_by_find(text: str, position: int, stops: str, low: int, high: int) -> tuple[int, int]:
    start, end = low, high
    for stop in stops:
        before = text.rfind(stop, start, position)
        if before != -1:
            start = before + 1
        after = text.find(stop, position, end)
        if after != -1:
            end = after
    return start, end


@pytest.mark.parametrize("stops", ["。；;", "。；;！!？?\n", "。；;！!？?\n，,"])
def test_bounds_around_equals_a_find_per_stop(stops: str) -> None:
    rng = random.Random(len(stops))
    alphabet = "甲乙。；;！!？?\n，,"
    for _ in range(5_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        position = rng.randrange(-2, len(text) + 3)
        low, high = rng.randrange(-3, len(text) + 3), rng.randrange(-3, len(text) + 3)
        assert bounds_around(text, position, stops, low, high) == _bounds_by_find(text, position, stops, low, high)
