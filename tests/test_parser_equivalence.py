"""Speed work must not change what the parser says (issue #12 item 5): the records of every fixture document and of
every JuDGE judgment in ../shared/data, and the drug extractor's whole reading of every CAIL drug case, are compared
with digests saved before the change (tests/fixtures/parser_digests.json; sha256 of the canonical JSON, so no text or
name is stored).

An intended change of the parser's output regenerates the digests, after the diff has been read:

    PYTHONPATH=. .venv/bin/python tests/test_parser_equivalence.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from toolkit.crimes import get_crime  # noqa: E402
from toolkit.crimes.drug_trafficking.extract import extract_drug_facts  # noqa: E402
from toolkit.loaders import cail2018  # noqa: E402
from toolkit.loaders.base import LoadError  # noqa: E402
from toolkit.parser import parse_lines  # noqa: E402
from toolkit.paths import shared_data_dir  # noqa: E402

DIGESTS = REPO / "tests" / "fixtures" / "parser_digests.json"
FIXTURES = sorted((REPO / "tests" / "fixtures").rglob("*.jsonl"))
CAIL_FILES = ("data_test.json", "data_train.gb18030.json")


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _parsed(path: Path, label: str) -> Iterator[tuple[str, str]]:
    """(key, digest) per document of a JSONL file, and one for the file's bad lines."""
    errors: list[str] = []
    by_doc: dict[str, list[dict[str, Any]]] = {}
    with path.open("rb") as handle:
        for record in parse_lines(handle, label, skip_bad_lines=True, errors=errors):
            by_doc.setdefault(record["doc_id"], []).append(record)
    for doc_id, records in by_doc.items():
        yield f"{label}:{doc_id}", digest(records)
    yield f"{label}:<bad lines>", digest(errors)


def fixture_digests() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in FIXTURES:
        out.update(_parsed(path, str(path.relative_to(REPO))))
    return out


def judge_digests(shared: Path) -> dict[str, str]:
    return dict(_parsed(shared / "judge" / "judgments.jsonl", "shared/judge/judgments.jsonl"))


def cail_drug_digests(shared: Path) -> dict[str, str]:
    """extract_drug_facts(...).to_dict() per CAIL drug-trafficking defendant (the reading behind datasets/cail-drug-cases)."""
    crime = get_crime("drug_trafficking")
    out: dict[str, str] = {}
    for name in CAIL_FILES:
        for item in cail2018.load(shared / "cail2018-sample" / name):
            if isinstance(item, LoadError):
                continue
            meta = item["metadata"]["meta"]
            if not any(crime.matches_charge(c) for c in meta.get("accusation") or []):
                continue
            criminals = list(meta.get("criminals") or [None])
            for index, defendant in enumerate(criminals):
                reading = extract_drug_facts(item["text"], defendant, [c for c in criminals if c != defendant])
                out[f"shared/cail2018:{item['id']}#{index}"] = digest(reading.to_dict())
    return out


def _saved() -> dict[str, dict[str, str]]:
    return json.loads(DIGESTS.read_text(encoding="utf-8"))


def _compare(saved: dict[str, str], now: dict[str, str]) -> list[str]:
    changed = sorted(k for k in saved.keys() & now.keys() if saved[k] != now[k])
    return changed + [f"new: {k}" for k in sorted(now.keys() - saved.keys())] + \
        [f"gone: {k}" for k in sorted(saved.keys() - now.keys())]


def test_fixture_records_are_unchanged() -> None:
    differences = _compare(_saved()["fixtures"], fixture_digests())
    assert not differences, f"{len(differences)} fixture documents parse differently: {differences[:10]}"


def _shared_or_skip() -> Path:
    shared = shared_data_dir()
    if shared is None or not (shared / "judge" / "judgments.jsonl").is_file():
        pytest.skip("../shared/data is absent")
    return shared


def test_judge_records_are_unchanged() -> None:
    differences = _compare(_saved()["judge"], judge_digests(_shared_or_skip()))
    assert not differences, f"{len(differences)} JuDGE judgments parse differently: {differences[:10]}"


def test_cail_drug_readings_are_unchanged() -> None:
    shared = _shared_or_skip()
    differences = _compare(_saved()["cail_drug"], cail_drug_digests(shared))
    assert not differences, f"{len(differences)} CAIL drug readings differ: {differences[:10]}"


def test_a_changed_record_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.parser as parser

    original = parser._fill

    def shifted(record: dict[str, Any], extracted: dict[str, Any], fields: frozenset[str]) -> None:
        original(record, extracted, fields)
        if record.get("term_months"):
            record["term_months"] += 1

    monkeypatch.setattr(parser, "_fill", shifted)
    assert _compare(_saved()["fixtures"], fixture_digests())


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print(__doc__)
        return 2
    shared = shared_data_dir()
    if shared is None:
        print("test_parser_equivalence.py: ../shared/data is absent: cannot write the JuDGE and CAIL digests", file=sys.stderr)
        return 1
    saved = {"fixtures": fixture_digests(), "judge": judge_digests(shared), "cail_drug": cail_drug_digests(shared)}
    DIGESTS.write_text(json.dumps(saved, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS}: " + ", ".join(f"{k} {len(v)}" for k, v in saved.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
