"""Agreement of the metadata and facts extractors with the second opinions in ../shared/data.

    python -m toolkit.extract.agreement            # summary
    python -m toolkit.extract.agreement --list     # and every disagreement, to read

- judge/ (314 real judgments): coverage of each metadata field; province from the case-number code
  versus from the court name; mitigating/aggravating circumstances versus the articles the
  CAIL-style labels cite (Art. 65 累犯, 68 立功, 23 未遂, 24 中止, 27 从犯, 26 主犯, 67 自首/坦白).
- published-pi-cases/ (66 transcribed rows): info_count, info_category and illegal_gains_yuan
  versus the transcription, which is free text ("社工库资料8100万余条；照片1751张"): a value agrees
  when it equals any figure the transcription states, or both are empty. Case number, court and
  date where the passage itself prints them.
The transcriptions and labels are a second opinion, not ground truth; read the listed rows.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.parser import extract_facts
from toolkit.extract.metadata import extract_metadata, province_of_court
from toolkit.numerals import parse_number
from toolkit.paths import shared_data_dir
from toolkit.textnorm import to_simplified

METADATA_FIELDS = ("case_number", "court", "province", "court_level", "procedure", "doc_type", "judgment_date")
ARTICLE_CIRCUMSTANCES: dict[str, frozenset[str]] = {
    "65": frozenset({"累犯"}),
    "68": frozenset({"立功"}),
    "23": frozenset({"未遂"}),
    "24": frozenset({"中止"}),
    "27": frozenset({"从犯"}),
    "26": frozenset({"主犯"}),
    "67": frozenset({"自首", "坦白"}),
}
_TRANSCRIBED_FIGURE = re.compile(
    r"([0-9.]+|[零〇一二两三四五六七八九十百千]+)(?:余|多)?([万亿])?(?:余|多)?(?:条|个|人次|元)"
)
_CATEGORY_OF_TRANSCRIPTION = {"行踪轨迹": "trajectory", "征信": "credit", "": None}


@dataclass
class Tally:
    agreed: int = 0
    total: int = 0
    disagreements: list[str] = field(default_factory=list)

    def add(self, ok: bool, detail: str) -> None:
        self.total += 1
        self.agreed += ok
        if not ok:
            self.disagreements.append(detail)

    def __str__(self) -> str:
        return f"{self.agreed}/{self.total}"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def transcribed_figures(text: str | None) -> list[float]:
    """Every figure in a transcribed free-text field."""
    values = []
    for match in _TRANSCRIBED_FIGURE.finditer(text or ""):
        number = parse_number(match.group(1))
        if number is not None:
            values.append(number * {"万": 1e4, "亿": 1e8}.get(match.group(2) or "", 1))
    return values


def judge_agreement(data: Path) -> dict[str, Tally]:
    docs = read_jsonl(data / "judge" / "judgments.jsonl")
    labels = {row["id"]: row for row in read_jsonl(data / "judge" / "labels.jsonl")}
    tallies: dict[str, Tally] = {f"coverage {name}": Tally() for name in METADATA_FIELDS}
    tallies["province: case-number code = court name"] = Tally()
    tallies.update({f"Art. {a} {'/'.join(sorted(w))}": Tally() for a, w in ARTICLE_CIRCUMSTANCES.items()})
    for doc in docs:
        fields, notes = extract_metadata(doc["text"])
        for name in METADATA_FIELDS:
            tallies[f"coverage {name}"].add(name in fields, f"{doc['id']}: {[n for n in notes if n.startswith(name)]}")
        if "court" in fields and "province" in fields:
            from_court = province_of_court(fields["court"].value)
            if from_court:
                tallies["province: case-number code = court name"].add(
                    from_court == fields["province"].value,
                    f"{doc['id']}: {fields['court'].value} → {from_court}, stated {fields['province'].value}",
                )
        facts, _ = extract_facts(doc["text"])
        named = set(facts["mitigating"].value) | set(facts["aggravating"].value)
        cited = set(labels[doc["id"]]["relevant_articles"])
        for article, words in ARTICLE_CIRCUMSTANCES.items():
            ours, theirs = bool(named & words), article in cited
            tallies[f"Art. {article} {'/'.join(sorted(words))}"].add(
                ours == theirs, f"{doc['id']}: parser {'names' if ours else 'does not name'} it, label {'cites' if theirs else 'does not cite'} Art. {article}"
            )
    return tallies


def published_agreement(data: Path) -> dict[str, Tally]:
    rows = read_jsonl(data / "published-pi-cases" / "cases.jsonl")
    tallies = {name: Tally() for name in ("info_count", "illegal_gains_yuan", "info_category", "case_number", "court", "judgment_date")}
    seen: set[str] = set()
    for row in rows:
        text = to_simplified(row["text"])
        defendant = re.sub(r"\s*\(.*", "", row["defendant"])
        facts, _ = extract_facts(text, defendant)
        label = f"{row['case_id']} {defendant}"
        for name, transcribed in (("info_count", row["info_count"]), ("illegal_gains_yuan", row["illegal_gains_yuan"])):
            ours = facts[name].value if name in facts else None
            gold = transcribed_figures(transcribed)
            ok = (ours is None and not gold) or (ours is not None and any(abs(ours - g) < 0.5 for g in gold))
            tallies[name].add(ok, f"{label}: parser {ours}, transcribed {transcribed!r}")
        ours_category = facts["info_category"].value if "info_category" in facts else None
        gold_category = (row["info_category"] or "").split(" ")[0]
        gold_category = _CATEGORY_OF_TRANSCRIPTION.get(gold_category, gold_category)
        tallies["info_category"].add(
            ours_category == gold_category, f"{label}: parser {ours_category}, transcribed {row['info_category']!r}"
        )
        if row["case_id"] in seen:
            continue  # metadata is per case, not per defendant
        seen.add(row["case_id"])
        metadata, _ = extract_metadata(text)
        number = (row.get("case_number") or "").split("；")[0]
        if number and number[6:] in text:
            ours_number = metadata["case_number"].value if "case_number" in metadata else None
            tallies["case_number"].add(bool(ours_number) and ours_number[6:] == number[6:], f"{label}: parser {ours_number}, transcribed {number}")
        court = (row.get("court") or "").split("；")[0].split(" (")[0]
        if "court" in metadata and court.endswith("法院"):
            tallies["court"].add(court.endswith(metadata["court"].value), f"{label}: parser {metadata['court'].value}, transcribed {court}")
        date = (row.get("judgment_date") or "")[:10]
        if "judgment_date" in metadata and len(date) == 10:
            tallies["judgment_date"].add(
                metadata["judgment_date"].value == date, f"{label}: parser {metadata['judgment_date'].value}, transcribed {date}"
            )
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data directory (default ../shared/data)")
    parser.add_argument("--list", action="store_true", help="print every disagreement")
    args = parser.parse_args(argv)
    data = args.data or shared_data_dir()
    if data is None or not Path(data).is_dir():
        parser.error("../shared/data not found; pass --data")
    for title, tallies in (("judge/", judge_agreement(Path(data))), ("published-pi-cases/", published_agreement(Path(data)))):
        print(title)
        for name, tally in tallies.items():
            print(f"  {name:45s} {tally}")
            if args.list:
                for detail in tally.disagreements:
                    print(f"      {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
