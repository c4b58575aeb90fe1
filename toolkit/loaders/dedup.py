"""Deduplicate documents: by case number where both have one, else by content hash; report every duplicate.

Two records are the same case when their normalised case numbers are equal, or when at least one has no
case number and their normalised-text hashes (toolkit.schema.normalised_text_sha256) are equal. Of each
group one record is kept: the one with text over one without, then the longest text, then the first read.
The others are listed (never dropped silently) with the record they duplicate and what matched.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）", "﹝": "（", "﹞": "）"})


def normalise_case_number(case_number: str | None) -> str | None:
    """（2018）京0105刑初123号 and (2018)京0105刑初123号 and full-width digits compare equal."""
    if not case_number:
        return None
    text = unicodedata.normalize("NFKC", case_number)
    text = re.sub(r"\s+", "", text).translate(_BRACKETS)
    return text or None


def deduplicate(
    records: list[dict[str, Any]], keep_first: int = 0
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(kept records in reading order, duplicate rows). Input order is reading order.

    The first `keep_first` records (an existing store being appended to) are always the ones kept.
    """
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    case_keys = [normalise_case_number(r.get("case_number")) for r in records]
    by_case: dict[str, int] = {}
    by_hash: dict[str, int] = {}
    for i, key in enumerate(case_keys):
        if key is not None:
            if key in by_case:
                union(by_case[key], i)
            else:
                by_case[key] = i
    for i, record in enumerate(records):
        sha = record.get("sha256")
        if not sha:
            continue
        if sha not in by_hash:
            by_hash[sha] = i
            continue
        first = by_hash[sha]
        # when both have case numbers, the numbers decide (above); the hash links only where one lacks one
        if case_keys[i] is None or case_keys[first] is None:
            union(first, i)

    groups: dict[int, list[int]] = {}
    for i in range(len(records)):
        groups.setdefault(find(i), []).append(i)
    keep: set[int] = set()
    duplicates: list[dict[str, Any]] = []
    for members in groups.values():
        best = min(
            members,
            key=lambda i: (i >= keep_first, not records[i].get("text"), -len(records[i].get("text") or ""), i),
        )
        keep.add(best)
        for i in members:
            if i == best:
                continue
            same_case = case_keys[i] is not None and case_keys[i] == case_keys[best]
            kept, dup = records[best], records[i]
            duplicates.append(
                {
                    "duplicate_id": dup["id"],
                    "duplicate_source": dup["source"],
                    "duplicate_source_ref": dup["source_ref"],
                    "kept_id": kept["id"],
                    "kept_source_ref": kept["source_ref"],
                    "matched_on": "case_number" if same_case else "sha256",
                    "key": case_keys[i] if same_case else dup.get("sha256"),
                    "same_text": bool(dup.get("sha256")) and dup.get("sha256") == kept.get("sha256"),
                }
            )
    kept_records = [records[i] for i in range(len(records)) if i in keep]
    return kept_records, duplicates
