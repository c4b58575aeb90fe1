"""Pseudonymising judgment texts and per-defendant records before they are shared.

What is replaced or masked:
- defendant names (those given, e.g. the records' `defendant` values) → stable keyed pseudonyms
  "P" + 10 hex digits of HMAC-SHA256(key, name); the same key gives the same pseudonym, and without
  the key a pseudonym cannot be turned back into the name;
- ID-card numbers (18 digits, last may be X; 15-digit old numbers), mobile and landline phone
  numbers, bank-card numbers (16-19 digits) → fixed tokens such as ［身份证号］;
- addresses after 住/住址/住所地/户籍地/暂住/现住/家住/居住地, up to the next punctuation → ［住址］.
Spans are remapped so that they point at the same (now masked) characters of the masked text.

What is NOT removed: names of anyone not given as a defendant (judges, clerks, lawyers, victims,
witnesses), company names, dates of birth, ethnicity, education, occupation, places named outside
an address marker, and facts that identify a person in combination.

The key is kept apart from the output (`key_path_for`), never written into it.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from toolkit.textnorm import to_simplified

_D = "[0-9０-９]"
_NOT_DIGIT_BEFORE = r"(?<![0-9０-９A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![0-9０-９A-Za-z])"
MASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("［身份证号］", re.compile(_NOT_DIGIT_BEFORE + f"[1-9１-９]{_D}{{16}}[0-9０-９XxＸｘ]" + _NOT_DIGIT_AFTER)),
    ("［身份证号］", re.compile(_NOT_DIGIT_BEFORE + f"[1-9１-９]{_D}{{14}}" + _NOT_DIGIT_AFTER)),
    ("［银行卡号］", re.compile(_NOT_DIGIT_BEFORE + f"{_D}{{16,19}}" + _NOT_DIGIT_AFTER)),
    ("［电话］", re.compile(_NOT_DIGIT_BEFORE + f"[1１][3-9３-９]{_D}{{9}}" + _NOT_DIGIT_AFTER)),
    ("［电话］", re.compile(_NOT_DIGIT_BEFORE + f"[0０]{_D}{{2,3}}[-－]?{_D}{{7,8}}" + _NOT_DIGIT_AFTER)),
)
_ADDRESS = re.compile(r"(?:住址|住所地|户籍所在地|户籍地|暂住地?|现住|家住|居住地|住)[:：为于在]?([^，。；,;）)\s]{2,60})")
ADDRESS_MASK = "［住址］"
PSEUDONYM_PREFIX = "P"
KEY_SUFFIX = ".pseudonym-key"


def key_path_for(output: str | Path) -> Path:
    """Where the key of an output is kept: beside it, never inside it."""
    output = Path(output)
    return output.with_name(output.name + KEY_SUFFIX)


def load_or_create_key(path: str | Path) -> bytes:
    """The key in `path`; a new random key is written there (mode 0600) when the file does not exist."""
    path = Path(path)
    if path.is_file():
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 32:
            raise ValueError(f"{path}: a pseudonym key needs at least 32 characters")
        return key.encode("ascii")
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    tmp.replace(path)
    return key.encode("ascii")


@dataclass(frozen=True)
class Masked:
    """A masked text and the map from original offsets to masked offsets."""

    text: str
    _starts: tuple[int, ...]
    _ends: tuple[int, ...]
    _new_starts: tuple[int, ...]
    _new_ends: tuple[int, ...]

    def position(self, offset: int, is_end: bool = False) -> int:
        """Masked offset of an original offset; inside a replaced run it snaps to the run's edge."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        if offset == self._starts[i]:
            return self._new_starts[i]
        if offset < self._ends[i]:
            return self._new_ends[i] if is_end else self._new_starts[i]
        return offset - self._ends[i] + self._new_ends[i]

    def span(self, span: Iterable[int]) -> list[int]:
        start, end = list(span)[:2]
        return [self.position(int(start)), self.position(int(end), is_end=True)]


class Pseudonymiser:
    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("empty pseudonym key")
        self._key = key

    def pseudonym(self, name: str) -> str:
        normal = to_simplified(str(name)).strip()
        digest = hmac.new(self._key, normal.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:10].upper()

    def mask(self, text: str, names: Iterable[str] = ()) -> Masked:
        """Replace the names and mask numbers and addresses; linear in the text for a fixed name list."""
        found: list[tuple[int, int, str]] = []
        for token, pattern in MASKS:
            found += [(m.start(), m.end(), token) for m in pattern.finditer(text)]
        found += [(m.start(1), m.end(1), ADDRESS_MASK) for m in _ADDRESS.finditer(text)]
        for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
            replacement = self.pseudonym(name)
            found += [(m.start(), m.end(), replacement) for m in re.finditer(re.escape(name), text)]
        chosen: list[tuple[int, int, str]] = []
        covered_until = -1
        # earliest first, longest first at one start; overlaps with an earlier choice are dropped
        for start, end, token in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
            if start >= covered_until:
                chosen.append((start, end, token))
                covered_until = end
        pieces, new_starts, new_ends, position, shift = [], [], [], 0, 0
        for start, end, token in chosen:
            pieces += [text[position:start], token]
            new_starts.append(start + shift)
            shift += len(token) - (end - start)
            new_ends.append(end + shift)
            position = end
        pieces.append(text[position:])
        return Masked(
            "".join(pieces), tuple(c[0] for c in chosen), tuple(c[1] for c in chosen),
            tuple(new_starts), tuple(new_ends),
        )

    def mask_string(self, value: str, names: Iterable[str]) -> str:
        return self.mask(value, names).text

    def record(self, record: dict[str, Any], masked: Masked | None = None, names: Iterable[str] = ()) -> dict[str, Any]:
        """A copy of a defendant record: pseudonym for `defendant`, names and numbers masked in every
        string (notes, lists), spans remapped into `masked` (the masked document text) when given."""
        names = set(names) | ({record["defendant"]} if record.get("defendant") else set())
        out: dict[str, Any] = {}
        for field, value in record.items():
            if field == "defendant" and value:
                out[field] = self.pseudonym(value)
            elif field == "spans" and isinstance(value, dict):
                out[field] = {k: (masked.span(v) if masked is not None else list(v)) for k, v in value.items()}
            elif isinstance(value, str) and field not in ("doc_id", "case_number", "court"):
                out[field] = self.mask_string(value, names)
            elif isinstance(value, list):
                out[field] = [self.mask_string(v, names) if isinstance(v, str) else v for v in value]
            else:
                out[field] = value
        return out

    def document(self, doc_id: str, text: str, records: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        """One document's masked text and its records pseudonymised with spans into that text."""
        names = [r["defendant"] for r in records if r.get("defendant")]
        masked = self.mask(text, names)
        return masked.text, [self.record(r, masked, names) for r in records]

    def document_line(self, doc_id: str, text: str, records: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        """document(), with the masked text as the JSONL {"id", "text"} line of a `.texts.jsonl` file."""
        import json

        masked_text, out = self.document(doc_id, text, records)
        return json.dumps({"id": doc_id, "text": masked_text}, ensure_ascii=False), out


def masked_texts_path_for(output: str | Path) -> Path:
    """Where `parse --pseudonymise` writes the masked texts the output's spans point into."""
    output = Path(output)
    return output.with_name(output.stem + ".texts.jsonl")


def parse_pseudonymised(
    lines: Iterable[bytes | str], source: str, pseudonymiser: Pseudonymiser, texts_path: str | Path,
    id_key: str = "id", text_key: str = "text", **options: Any,
) -> Iterable[dict[str, Any]]:
    """toolkit.parser.parse_lines with every record pseudonymised; each document's masked text is
    written to `texts_path` as a JSONL {"id", "text"} line (the records' spans point into it); the
    file appears (temporary file, then rename) when the input has been read to the end."""
    from toolkit.parser import parse_line_documents

    texts_path = Path(texts_path)
    tmp = texts_path.with_name(texts_path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as texts_handle:
        for doc_id, text, records in parse_line_documents(lines, source, id_key, text_key, **options):
            line, out = pseudonymiser.document_line(doc_id, text, records)
            texts_handle.write(line + "\n")
            yield from out
    tmp.replace(texts_path)


def pseudonymise_tables(
    defendants: list[dict[str, Any]], documents: list[dict[str, Any]], pseudonymiser: Pseudonymiser,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Defendant records and document-store records (id, text, ...) pseudonymised together, for a
    command that writes both (e.g. `judgstat dataset`): texts masked, spans remapped into them."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for record in defendants:
        by_doc.setdefault(str(record.get("doc_id")), []).append(record)
    done: dict[str, list[dict[str, Any]]] = {}
    out_documents = []
    for document in documents:
        doc_id, text = str(document.get("id")), document.get("text")
        records = by_doc.get(doc_id, [])
        if isinstance(text, str):
            masked_text, done[doc_id] = pseudonymiser.document(doc_id, text, records)
        else:
            masked_text, done[doc_id] = text, [pseudonymiser.record(r) for r in records]
        out_documents.append({**document, "text": masked_text})
    out_defendants = [
        record
        for doc_id, records in by_doc.items()
        for record in (done[doc_id] if doc_id in done else [pseudonymiser.record(r) for r in records])
    ]
    return out_defendants, out_documents
