"""Traditional -> simplified Chinese, one character for one character.

The mapping is OpenCC's character dictionary (TSCharacters, with the Taiwan/Hong Kong variant
tables folded in first) as shipped by opencc-python-reimplemented. OpenCC's phrase tables are
deliberately not used: they can change the length of the text, and then a character span found in
the converted text would no longer point at the same characters in the original.

A text is only converted when it looks traditional as a whole: a simplified judgment that quotes a
name in traditional characters (陳, 昇 …) is returned unchanged, and characters that are also
ordinary simplified characters (乾, 於, 著 …) never count as evidence of traditional writing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import opencc

_DICTIONARY_DIR = Path(opencc.__file__).parent / "dictionary"


def _read_table(name: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    with (_DICTIONARY_DIR / name).open(encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            if key and values:
                table[key] = values.split(" ")
    return table


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """(translate table traditional -> simplified, pattern matching one character only traditional writing uses)."""
    to_simplified = _read_table("TSCharacters.txt")
    simplified_chars = set(_read_table("STCharacters.txt"))  # characters simplified text uses as-is
    variants: dict[str, str] = {}  # Taiwan/Hong Kong variant -> OpenCC's standard traditional form
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for key, values in _read_table(name).items():
            if len(key) == 1 and len(values[0]) == 1:
                variants[key] = values[0]

    full: dict[int, str] = {}
    evidence: set[str] = set()
    for char in set(to_simplified) | set(variants):
        if len(char) != 1:
            continue
        standard = variants.get(char, char)
        target = to_simplified.get(standard, [standard])[0]
        if len(target) != 1 or target == char:
            continue
        full[ord(char)] = target
        ambiguous = (
            char in variants or char in simplified_chars or char in to_simplified.get(standard, [])
        )
        if not ambiguous and ord(char) <= 0xFFFF:
            evidence.add(char)
    # A character class scanned in C is far faster than str.translate over a simplified text.
    # Only BMP characters: sre falls back to a linear scan of the class when it holds astral ones.
    evidence_class = "".join(re.escape(c) for c in sorted(evidence))
    return full, re.compile(f"[{evidence_class}]")


def looks_traditional(text: str) -> bool:
    """True when the text has several characters that only traditional writing uses."""
    if not text:
        return False
    traditional_chars = len(_tables()[1].findall(text))
    # A simplified judgment may quote a name or a company written in traditional characters;
    # require both a handful of such characters and a noticeable share (2%) of the text.
    return traditional_chars >= 3 and traditional_chars * 50 >= min(len(text), 5000)


def to_simplified(text: str) -> str:
    """Simplified form of `text` with exactly the same length (spans stay valid for the original)."""
    if not text:
        return text
    if not looks_traditional(text):
        return text
    return text.translate(_tables()[0])
