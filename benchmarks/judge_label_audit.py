"""Audit of the judge-set labels where they disagree with the parser (term and fine).

    .venv/bin/python benchmarks/judge_label_audit.py            # prints the table
    .venv/bin/python benchmarks/judge_label_audit.py --write    # rewrites judge_label_errors.csv

Every disagreement was read in the text.  Most follow one of three label conventions that can be
checked mechanically, and the script checks them (it does not assume them):
  distinct  the label sums the distinct values over co-defendants (42 + 42 → 42);
  all       the label sums the distinct values of every term/fine stated in the operative part —
            per-charge penalties, the executed one, earlier sentences merged by 决定执行, and the
            revoked first-instance sentence quoted in 撤销…即… — not the executed total alone;
  prior     the label fine is a fine from a prior conviction in the party section; the operative
            part imposes none.
The rest have a reason written after reading the text (READ_REASONS).  The CSV records, per
(doc_id, field), the label, the value stated by the text (= the parser's value, confirmed by
reading) and the reason; `judgstat evaluate --known-label-errors` uses it to report accuracy
against corrected labels.  Derived facts only: ids, numbers and a reason, no text.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from toolkit.evaluate import _judge_gold, _judge_prediction, _same  # noqa: E402
from toolkit.extract.verdict import _DURATION, operative_part  # noqa: E402
from toolkit.numerals import parse_duration_months, parse_money_yuan  # noqa: E402
from toolkit.parser import parse_jsonl  # noqa: E402
from toolkit.paths import shared_data_dir  # noqa: E402

OUT = Path(__file__).with_name("judge_label_errors.csv")
MARKDOWN = Path(__file__).with_name("judge_label_disagreements.md")
KINDS = ("distinct", "all", "prior")
_TERM_RE = re.compile(rf"(?:有期徒刑|拘役|管制)\s*({_DURATION})")
_FINE_RE = re.compile(r"罚金(?:人民币?)?\s*(?:各)?\s*([0-9０-９.,零〇一二两三四五六七八九十百千万亿]{1,20}\s*元)")

# Read in the text; the ids are JuDGE text_ids (prefix shown, full id in the CSV).
READ_REASONS = {
    ("016900e7", "term_months"): "fine-only judgment (判处罚金) labelled as life imprisonment / 240 months",
    ("016900e7", "life_imprisonment"): "fine-only judgment (判处罚金) labelled as life imprisonment",
    ("b11d5391", "term_months"): "the text is a drafting template (写明判决结果…), not a judgment; no sentence is imposed",
    ("b11d5391", "fine_yuan"): "the text is a drafting template (写明判决结果…), not a judgment; no fine is imposed",
    ("e451d580", "fine_yuan"): "second instance revoked the first-instance judgment; the 100000 fine belongs to the 受贿罪 count the new sentence no longer contains",
    ("b11d5391", "accusation"): "the text is a drafting template, not a judgment; it convicts nobody",
    ("f0bb240d", "accusation"): "two defendants convicted of different charges (盗窃罪; 掩饰、隐瞒犯罪所得罪); the label lists only the first",
    ("e30d2ebd", "accusation"): "the operative part convicts of two charges (诈骗罪 and 传授犯罪方法罪); the label lists only 诈骗",
    ("8000790b", "fine_yuan"): "the operative part imposes a fine of 2，000元 (written with a thousands separator); the label has no fine",
    ("c7c2495b", "fine_yuan"): "the operative part imposes a fine of 5，000元 (written with a thousands separator); the label has no fine",
    ("597ac8ec", "fine_yuan"): "the operative part imposes a fine of 20，000元 (written with a thousands separator); the label has no fine",
    ("912877bb", "fine_yuan"): "operative part imposes one fine of 10000; the label counts it twice (the amount is repeated in the payment note)",
}


def _operative_values(text: str) -> tuple[list[int], list[float]]:
    span = operative_part(text)
    if span is None:
        return [], []
    part = text[span[0] : span[1]]
    terms = [parse_duration_months(m.group(1)) for m in _TERM_RE.finditer(part)]
    fines = [parse_money_yuan(m.group(1)) for m in _FINE_RE.finditer(part)]
    return [t for t in terms if t is not None], [f for f in fines if f is not None]


def _prior_fines(text: str) -> list[float]:
    span = operative_part(text)
    before = text[: span[0]] if span else text
    return [v for v in (parse_money_yuan(m.group(1)) for m in _FINE_RE.finditer(before)) if v is not None]


def audit(shared: Path) -> list[dict]:
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in (shared / "judge" / "judgments.jsonl").open(encoding="utf-8")}
    labels = [json.loads(line) for line in (shared / "judge" / "labels.jsonl").open(encoding="utf-8")]
    by_doc: dict[str, list[dict]] = {}
    for record in parse_jsonl(shared / "judge" / "judgments.jsonl"):
        by_doc.setdefault(record["doc_id"], []).append(record)
    rows = []
    for label in labels:
        doc_id = label["id"]
        gold = _judge_gold(label)
        records = by_doc.get(doc_id, [])
        summed = _judge_prediction(records, "sum")
        distinct = _judge_prediction(records, "distinct")
        terms, fines = _operative_values(texts[doc_id])
        for field in ("term_months", "fine_yuan", "life_imprisonment", "accusation"):
            predicted, labelled = summed[field], gold[field]
            if _same(predicted, labelled):
                continue
            values = terms if field == "term_months" else fines
            reason = READ_REASONS.get((doc_id[:8], field))
            if reason is None and distinct[field] == labelled:
                reason = "distinct: label counts equal co-defendant values once (sum of distinct values)"
            elif reason is None and predicted and len(values) > len(records) and labelled == sum(dict.fromkeys(values)):
                reason = "all: label sums the distinct per-charge / merged / quoted-and-revoked values in the operative part, not the executed one"
            elif reason is None and field == "fine_yuan" and predicted is None and labelled in _prior_fines(texts[doc_id]):
                reason = "prior: label fine is from a prior conviction in the party section; the operative part imposes no fine"
            rows.append({
                "doc_id": doc_id, "field": field, "label_value": json.dumps(labelled, ensure_ascii=False),
                "text_value": json.dumps(predicted, ensure_ascii=False), "reason": reason or "UNEXPLAINED",
            })
    return rows


def _kind(reason: str) -> str:
    head = reason.split(":", 1)[0]
    return head if head in KINDS else "read"


def render_markdown(rows: list[dict]) -> str:
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (_kind(row["reason"]), row["field"])
        counts[key] = counts.get(key, 0) + 1
    fields = ("term_months", "fine_yuan", "life_imprisonment", "accusation")
    what = {
        "distinct": "with several defendants, equal values are counted once (42 + 42 → 42)",
        "all": "sums every distinct term/fine written in the operative part — per-charge penalties, earlier sentences "
        "merged by 决定执行, the revoked first-instance sentence quoted after 撤销…即… — instead of the executed one",
        "prior": "the fine comes from a prior conviction described in the party section; this judgment imposes none",
        "read": "individual reasons written after reading the text (see the table)",
    }
    lines = [
        "# Judge set: label values the text contradicts",
        "",
        "Generated by `benchmarks/judge_label_audit.py --write` (do not edit by hand).  Every disagreement between",
        "`judgstat parse` and `../shared/data/judge/labels.jsonl` on the term (months), the fine, the life-imprisonment",
        "flag and the charges was read in the judgment text; the parser errors found that way were fixed, and what",
        "remains are label values the text contradicts.  The script checks the three mechanical kinds against the text",
        "(it does not assume them) and exits non-zero if a disagreement is unexplained.  Machine-readable:",
        "`judge_label_errors.csv` (used by `judgstat evaluate --known-label-errors`).  Ids, numbers and short reasons only.",
        "",
        "| kind | what the label did | " + " | ".join(fields) + " |",
        "|---|---|" + "---:|" * len(fields),
    ]
    for kind in (*KINDS, "read"):
        cells = [str(counts.get((kind, f), "")) for f in fields]
        lines.append(f"| {kind} | {what[kind]} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"{len(rows)} label values in {len({r['doc_id'] for r in rows})} of the 314 documents.",
        "",
        "| doc_id | field | label | text | kind / reason |",
        "|---|---|---:|---:|---|",
    ]
    for row in rows:
        kind = _kind(row["reason"])
        lines.append(
            f"| {row['doc_id']} | {row['field']} | {row['label_value']} | {row['text_value']} | "
            f"{kind if kind != 'read' else row['reason']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {OUT.name}")
    args = parser.parse_args(argv)
    shared = shared_data_dir()
    if shared is None:
        print("../shared/data is absent; nothing to audit", file=sys.stderr)
        return 1
    rows = audit(shared)
    for row in rows:
        print(f"{row['doc_id'][:8]} {row['field']:<18} label {row['label_value']:>9} text {row['text_value']:>9}  {row['reason']}")
    unexplained = sum(row["reason"] == "UNEXPLAINED" for row in rows)
    print(f"{len(rows)} disagreements, {unexplained} unexplained (parser errors to fix)")
    if args.write:
        explained = [row for row in rows if row["reason"] != "UNEXPLAINED"]
        with OUT.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["doc_id", "field", "label_value", "text_value", "reason"])
            writer.writeheader()
            writer.writerows(explained)
        MARKDOWN.write_text(render_markdown(explained), encoding="utf-8")
        print(f"wrote {len(explained)} rows to {OUT} and {MARKDOWN}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
