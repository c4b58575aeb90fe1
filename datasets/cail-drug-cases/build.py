"""Regenerate datasets/cail-drug-cases/defendants.csv: the drug-trafficking rows of the CAIL2018 sample in
../shared/data/cail2018-sample, one row per defendant, with the CAIL labels (term, fine, charges, articles) and
what toolkit.crimes.drug_trafficking reads from the facts (drug, grams, method, spans) and the tier it gives.
Derived facts only: no text, no names (defendants are numbered).

    .venv/bin/python datasets/cail-drug-cases/build.py            # table + provenance
    .venv/bin/python datasets/cail-drug-cases/build.py --sample   # also (re)write the extractor side of hand_sample.csv

Output files appear only when complete (temporary file, then rename).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from toolkit.crimes import get_crime
from toolkit.crimes.drug_trafficking.engine import assess
from toolkit.crimes.drug_trafficking.extract import extract_drug_facts
from toolkit.crimes.drug_trafficking.quantities import grams_text
from toolkit.datasets import write_csv
from toolkit.loaders import cail2018
from toolkit.loaders.base import LoadError
from toolkit.paths import shared_data_dir

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "defendants.csv"
PROVENANCE = HERE / "provenance.json"
SAMPLE = HERE / "hand_sample.csv"
SAMPLE_SEED = 13
SAMPLE_SIZE = 50
SAMPLE_2 = HERE / "hand_sample_2.csv"  # read after the extractor's second version was frozen
SAMPLE_2_SEED = 2026
SAMPLE_2_SIZE = 30
SAMPLE_3 = HERE / "hand_sample_3.csv"  # drawn after the third version (circumstances, #13 grams fixes) was frozen
SAMPLE_3_SEED = 1202
SAMPLE_3_SIZE = 30
SAMPLE_4 = HERE / "hand_sample_4.csv"  # drawn after the fourth version (fixes of the third's hand check) was frozen
SAMPLE_4_SEED = 413
SAMPLE_4_SIZE = 30
CUE_CHECK = HERE / "cue_check.csv"  # the hand check of cases the circumstance cues fire on
CUE_CHECK_SEED = 4
CUE_CHECK_SIZE = 20
FILES = ("data_test.json", "data_train.gb18030.json")
COLUMNS = (
    "case_id", "defendant_index", "source_file", "source_line", "charges", "articles", "other_charges",
    "term_months", "life_imprisonment", "death_penalty", "fine_yuan",
    "drug", "grams", "drugs_g", "quantity_method", "quantity_basis", "quantity_spans", "unlisted_drugs",
    "section", "tier", "tier_zh", "quantity_tier", "quantity_basis_tier", "range_low_months", "range_high_months",
    "range_life", "range_death", "inside_range", "depends_on_unverified", "art356_cited", "multiple_sales_cue",
    "circumstances", "circumstance_clauses", "circumstances_unverified", "tier_without_circumstances",
    "inside_range_without_circumstances",
)
SAMPLE_EXTRACTOR_COLUMNS = ("extracted_drug", "extracted_grams", "extracted_drugs_g", "extracted_method")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inside_range(term: int | None, life: bool, death: bool, result) -> bool | None:
    """Whether the labelled sentence lies in the tier's statutory range (life/death count for 数量大)."""
    if result is None or result.penalty is None:
        return None
    p = result.penalty
    if life or death:
        return bool((life and p["life"]) or (death and p["death"]))
    if term is None:
        return None
    low, high = p["term_months"]
    return low <= term <= high


def rows_for_record(document: dict[str, Any], file_name: str) -> list[dict[str, Any]]:
    crime = get_crime("drug_trafficking")
    meta = document["metadata"]["meta"]
    charges = list(meta.get("accusation") or [])
    if not any(crime.matches_charge(c) and "持有" not in c for c in charges):
        return []
    criminals = list(meta.get("criminals") or [])
    term = meta.get("term_of_imprisonment") or {}
    rows = []
    for index, name in enumerate(criminals or [None], start=1):
        extraction = extract_drug_facts(document["text"], name, [c for c in criminals if c != name])
        main = extraction.main_drug()
        flags = extraction.circumstance_flags()
        readable = extraction.quantities or extraction.unlisted_drugs
        result = assess(extraction.to_facts(circumstances=flags), what_if=False) if readable else None
        plain = assess(extraction.to_facts(), what_if=False) if readable and flags else result
        months = term.get("imprisonment")
        life, death = bool(term.get("life_imprisonment")), bool(term.get("death_penalty"))
        penalty = result.penalty if result else None
        rows.append({
            "case_id": document["id"], "defendant_index": index, "source_file": file_name,
            "source_line": int(document["id"].rsplit(":", 1)[1]),
            "charges": charges, "articles": sorted(set(meta.get("relevant_articles") or [])),
            "other_charges": [c for c in charges if not crime.matches_charge(c)],
            "term_months": None if (life or death) else months, "life_imprisonment": life, "death_penalty": death,
            "fine_yuan": meta.get("punish_of_money"),
            "drug": main.drug if main else None, "grams": float(main.grams) if main else None,
            "drugs_g": {q.drug: float(q.grams) for q in extraction.quantities} or None,
            "quantity_method": main.method if main else None, "quantity_basis": main.basis if main else None,
            "quantity_spans": {q.drug: [list(s) for s in q.spans] for q in extraction.quantities} or None,
            "unlisted_drugs": sorted({m.name for m in extraction.unlisted_drugs}) or None,
            "section": extraction.section,
            "tier": result.tier if result else None, "tier_zh": result.tier_zh if result else None,
            "quantity_tier": result.quantity_tier if result else None,
            "quantity_basis_tier": result.quantity_basis if result else None,
            "range_low_months": penalty["term_months"][0] if penalty else None,
            "range_high_months": penalty["term_months"][1] if penalty else None,
            "range_life": penalty["life"] if penalty else None, "range_death": penalty["death"] if penalty else None,
            "inside_range": inside_range(months, life, death, result),
            "depends_on_unverified": result.depends_on_unverified if result else None,
            "art356_cited": 356 in (meta.get("relevant_articles") or []),
            "multiple_sales_cue": bool(extraction.multiple_sales_cues),
            "circumstances": list(flags) or None,
            "circumstance_clauses": sorted({c.clause for c in extraction.circumstance_cues}) or None,
            "circumstances_unverified": extraction.circumstances_unverified(),
            "tier_without_circumstances": plain.tier if plain else None,
            "inside_range_without_circumstances": inside_range(months, life, death, plain),
        })
    return rows


def _atomic_csv(rows: list[dict[str, Any]], columns, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    write_csv(rows, columns, tmp)
    os.replace(tmp, path)


def build(source_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for name in FILES:
        for item in cail2018.load(source_dir / name):
            if isinstance(item, LoadError):
                errors.append(f"{item}")
                continue
            rows.extend(rows_for_record(item, name))
    return rows, errors


def sample_ids(rows: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str], list[str]]:
    """The four hand-read samples: SAMPLE_SIZE ids drawn with SAMPLE_SEED, then SAMPLE_2_SIZE of the rest with
    SAMPLE_2_SEED, then SAMPLE_3_SIZE of what is left with SAMPLE_3_SEED, then SAMPLE_4_SIZE of what is left after
    those and the cue check's cases with SAMPLE_4_SEED."""
    case_ids = sorted({r["case_id"] for r in rows})
    first = random.Random(SAMPLE_SEED).sample(case_ids, SAMPLE_SIZE)
    rest = [c for c in case_ids if c not in set(first)]
    second = random.Random(SAMPLE_2_SEED).sample(rest, SAMPLE_2_SIZE)
    rest = [c for c in rest if c not in set(second)]
    third = random.Random(SAMPLE_3_SEED).sample(rest, SAMPLE_3_SIZE)
    read_before = set(third) | set(frozen_ids(CUE_CHECK))  # the cue check's cases were read too
    rest = [c for c in rest if c not in read_before]
    return first, second, third, random.Random(SAMPLE_4_SEED).sample(rest, SAMPLE_4_SIZE)


def cue_check_ids(rows: list[dict[str, Any]]) -> list[str]:
    """CUE_CHECK_SIZE of the cases a circumstance cue fires on, drawn with CUE_CHECK_SEED."""
    fired = sorted({r["case_id"] for r in rows if r["circumstances"]})
    return random.Random(CUE_CHECK_SEED).sample(fired, min(CUE_CHECK_SIZE, len(fired)))


def frozen_ids(path: Path) -> list[str]:
    """The case ids of a hand-checked file already drawn, in its order: a later extractor version fires its cues on
    other cases, and redrawing would throw the hand verdicts away."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [r["case_id"] for r in csv.DictReader(handle)]


def write_cue_check(rows: list[dict[str, Any]], path: Path, chosen: list[str]) -> None:
    """The extractor side of the cue check (flags, clauses, tiers); the hand columns already in the file are kept."""
    by_id = {r["case_id"]: r for r in rows if r["defendant_index"] == 1}
    existing: dict[str, dict[str, str]] = {}
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            existing = {r["case_id"]: r for r in csv.DictReader(handle)}
    out = []
    for case_id in chosen:
        row = by_id[case_id]
        out.append({"case_id": case_id, "circumstances": row["circumstances"],
                    "circumstance_clauses": row["circumstance_clauses"], "tier": row["tier"],
                    "tier_without_circumstances": row["tier_without_circumstances"], "term_months": row["term_months"],
                    "hand_correct": existing.get(case_id, {}).get("hand_correct") or None,
                    "hand_reading": existing.get(case_id, {}).get("hand_reading") or None})
    _atomic_csv(out, ("case_id", "circumstances", "circumstance_clauses", "tier", "tier_without_circumstances",
                      "term_months", "hand_correct", "hand_reading"), path)


def write_sample(rows: list[dict[str, Any]], path: Path, chosen: list[str], hand_columns: tuple[str, ...] = ()) -> None:
    """The extractor side of a hand-read sample; the hand columns already in the file are kept (`hand_columns`:
    those of a new sample, still empty)."""
    by_id = {r["case_id"]: r for r in rows if r["defendant_index"] == 1}
    existing: dict[str, dict[str, str]] = {}
    hand_columns = list(hand_columns)
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            hand_columns = [c for c in reader.fieldnames or [] if c.startswith("hand_") or c == "agree_drug" or c == "agree_grams" or c == "note"]
            existing = {r["case_id"]: r for r in reader}
    out = []
    for case_id in chosen:
        row = by_id[case_id]
        entry = {"case_id": case_id, "extracted_drug": row["drug"],
                 "extracted_grams": None if row["grams"] is None else float(row["grams"]),
                 "extracted_drugs_g": row["drugs_g"], "extracted_method": row["quantity_method"]}
        for column in hand_columns:
            entry[column] = existing.get(case_id, {}).get(column) or None
        out.append(entry)
    _atomic_csv(out, ("case_id",) + SAMPLE_EXTRACTOR_COLUMNS + tuple(hand_columns), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, help="folder with the CAIL2018 files (default ../shared/data/cail2018-sample)")
    parser.add_argument("--sample", action="store_true", help="also rewrite the extractor columns of hand_sample.csv")
    args = parser.parse_args(argv)
    source_dir = args.input
    if source_dir is None:
        shared = shared_data_dir()
        if shared is None:
            print("build.py: ../shared/data is absent: pass --input PATH/TO/cail2018-sample", file=sys.stderr)
            return 1
        source_dir = shared / "cail2018-sample"
    rows, errors = build(source_dir)
    if errors:
        for error in errors:
            print(f"build.py: {error}", file=sys.stderr)
        return 1
    _atomic_csv(rows, COLUMNS, OUTPUT)
    rules = get_crime("drug_trafficking").rules()
    provenance = {
        "sources": [{"file": f"../shared/data/cail2018-sample/{name}", "sha256": _sha256(source_dir / name)} for name in FILES],
        "command": ".venv/bin/python datasets/cail-drug-cases/build.py" + (" --sample" if args.sample else ""),
        "built": datetime.now(timezone.utc).date().isoformat(),
        "rules_version": rules["version"],
        "extractor": "toolkit/crimes/drug_trafficking/extract.py",
        "extractor_sha256": _sha256(Path(__file__).resolve().parents[2] / "toolkit/crimes/drug_trafficking/extract.py"),
        "circumstance_cues": "toolkit/crimes/drug_trafficking/circumstance_cues.json",
        "circumstance_cues_sha256": _sha256(Path(__file__).resolve().parents[2] / "toolkit/crimes/drug_trafficking/circumstance_cues.json"),
        "rows": len(rows),
    }
    tmp = PROVENANCE.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(provenance, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, PROVENANCE)
    if args.sample:
        first, second, third, fourth = sample_ids(rows)
        write_sample(rows, SAMPLE, first)
        write_sample(rows, SAMPLE_2, second)
        write_sample(rows, SAMPLE_3, third)
        write_sample(rows, SAMPLE_4, fourth, hand_columns=("hand_drugs_g", "hand_note"))
        write_cue_check(rows, CUE_CHECK, frozen_ids(CUE_CHECK) or cue_check_ids(rows))
    found = sum(1 for r in rows if r["grams"] is not None)
    tiers = Counter(r["tier"] for r in rows)
    print(f"wrote {len(rows)} defendants to {OUTPUT}: drug quantity read for {found}; tiers {dict(tiers)}")
    before = [r["inside_range_without_circumstances"] for r in rows if r["inside_range_without_circumstances"] is not None]
    if before:
        print(f"without the circumstances: inside the statutory range {sum(before)}/{len(before)}")
    inside = [r["inside_range"] for r in rows if r["inside_range"] is not None]
    if inside:
        print(f"labelled sentence inside the tier's statutory range: {sum(inside)}/{len(inside)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
