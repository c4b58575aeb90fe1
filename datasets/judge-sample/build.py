"""Regenerate datasets/judge-sample/defendants.csv: the project's parser run over ../shared/data/judge.

One row per defendant of the 314 real judgments (JuDGE benchmark test split), derived facts only — no text,
no names: doc id, defendant's position in the judgment, court, province, court level, procedure, year,
charges, outcome, penalty, probation, fine. Every value comes from toolkit.parser.parse_document; a field
the parser could not read stays empty.

    .venv/bin/python datasets/judge-sample/build.py
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from toolkit.parser import parse_document
from toolkit.datasets import write_csv
from toolkit.paths import shared_data_dir

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "defendants.csv"
COLUMNS = (
    "doc_id", "defendant_index", "court", "province", "court_level", "procedure", "year", "charges",
    "outcome", "penalty_type", "term_months", "probation_months", "fine_yuan",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, help="judgments.jsonl (default: ../shared/data/judge/judgments.jsonl)")
    args = parser.parse_args(argv)
    source = args.input or _default_input()
    rows: list[dict[str, Any]] = []
    documents = 0
    for line_no, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        documents += 1
        rows.extend(rows_for_document(item["id"], item["text"]))
    write_csv(rows, COLUMNS, OUTPUT)
    missing = Counter(c for row in rows for c in COLUMNS if row[c] in (None, "", []))
    print(f"wrote {len(rows)} defendants from {documents} judgments to {OUTPUT}")
    print("empty cells per column: " + ", ".join(f"{c} {missing[c]}" for c in COLUMNS if missing[c]))
    return 0


def _default_input() -> Path:
    shared = shared_data_dir()
    if shared is None:
        sys.exit("../shared/data is absent: pass --input PATH/TO/judgments.jsonl")
    return shared / "judge" / "judgments.jsonl"


def rows_for_document(doc_id: str, text: str) -> list[dict[str, Any]]:
    rows = []
    for index, record in enumerate(parse_document(doc_id, text), start=1):
        date = record.get("judgment_date")
        rows.append(
            {
                "doc_id": doc_id,
                "defendant_index": index,
                "court": record.get("court"),
                "province": record.get("province"),
                "court_level": record.get("court_level"),
                "procedure": record.get("procedure"),
                "year": int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None,
                "charges": record.get("charges") or [],
                "outcome": record.get("outcome"),
                "penalty_type": record.get("penalty_type"),
                "term_months": record.get("term_months"),
                "probation_months": record.get("probation_months"),
                "fine_yuan": record.get("fine_yuan"),
            }
        )
    return rows


if __name__ == "__main__":
    sys.exit(main())
