"""`judgstat evaluate PRED GOLD`: per-field exact-match accuracy of parsed records against gold labels.

Two gold formats are understood (sniffed from the first line, or --gold-format):
- judge: CAIL-style labels.jsonl, one object per document (id, term_of_imprisonment.imprisonment in
  months with criminal detention included and probation not, punish_of_money with -1 = no fine,
  accusation).  The parser's per-defendant records are aggregated per document: --aggregate sum
  (the plain total over defendants) or distinct (sum of the distinct values, the convention these
  labels mostly follow: 42 + 42 → 42).
- published: published-pi-cases cases.jsonl, one object per defendant (case_id, defendant, outcome,
  prison_term_months, probation_months, fine_yuan, info_count as text, info_category as text).
  Predictions are matched by doc_id == case_id and defendant name. `judgstat sheet import` writes this
  format from an adjudicated coding sheet.

A gold field of the published format is in one of three states, each counted per field:
- not coded: the key is absent or its value an empty string (a coding sheet that does not code the field).
  The row is left out of that field's denominator (`gold_not_coded`).
- not stated: null, or `not_stated` / 未载明 (the coder read the text and it states no value). The parser is
  right iff it gives no value either (`gold_not_stated`, `gold_not_stated_agreed`).
- stated: a value, compared with the parser's (`gold_stated`, `gold_stated_agreed`).

--known-label-errors CSV (doc_id, field, label_value, text_value, reason) lists labels found wrong by
reading the text; the report then also gives accuracy against the corrected labels.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from toolkit.cli import UsageError
from toolkit.jsonl import JsonlError, iter_jsonl_objects
from toolkit.schema import is_missing
from toolkit.sheets.workbook import NOT_CODED, NOT_STATED_ALIASES

JUDGE_FIELDS = ("term_months", "fine_yuan", "life_imprisonment", "death_penalty", "accusation")
PUBLISHED_FIELDS = ("outcome", "term_months", "probation_months", "fine_yuan", "info_count", "info_category")


@dataclass
class FieldScore:
    compared: int = 0  # gold_stated + gold_not_stated: rows whose gold field was coded
    agreed: int = 0
    gold_stated: int = 0  # rows where the gold gives a value
    gold_stated_agreed: int = 0
    gold_not_stated: int = 0  # rows where the gold says the text states no value (null / not_stated)
    gold_not_stated_agreed: int = 0  # ... and the parser gives none either
    gold_not_coded: int = 0  # rows whose gold field was not coded: in no denominator

    @property
    def accuracy(self) -> float:
        return self.agreed / self.compared if self.compared else math.nan

    @property
    def stated_accuracy(self) -> float:
        return self.gold_stated_agreed / self.gold_stated if self.gold_stated else math.nan


@dataclass
class Report:
    gold_format: str
    scores: dict[str, FieldScore]
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    corrected_scores: dict[str, FieldScore] | None = None
    corrected_disagreements: list[dict[str, Any]] | None = None
    notes: list[str] = field(default_factory=list)
    matched: int = 0  # gold records with a prediction to compare
    gold_total: int = 0
    matching: dict[str, int] | None = None  # published cases: how gold defendants were matched

    def summary(self) -> dict[str, Any]:
        def table(scores: dict[str, FieldScore]) -> dict[str, Any]:
            return {
                name: {
                    "compared": s.compared, "agreed": s.agreed, "accuracy": _finite(s.accuracy),
                    "gold_stated": s.gold_stated, "gold_stated_agreed": s.gold_stated_agreed,
                    "stated_accuracy": _finite(s.stated_accuracy),
                    "gold_not_stated": s.gold_not_stated, "gold_not_stated_agreed": s.gold_not_stated_agreed,
                    "gold_not_coded": s.gold_not_coded,
                }
                for name, s in scores.items()
            }

        out: dict[str, Any] = {
            "gold_format": self.gold_format, "matched": self.matched, "gold_records": self.gold_total,
            "fields": table(self.scores), "notes": self.notes,
        }
        if self.matching is not None:
            out["matching"] = self.matching
        out["disagreements"] = self.disagreements
        if self.corrected_scores is not None:
            out["corrected_fields"] = table(self.corrected_scores)
            out["corrected_disagreements"] = self.corrected_disagreements
        return out


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


# ---------------------------------------------------------------- reading


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Parser output (.jsonl, .csv or .parquet) as a list of dicts."""
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        return list(_read_jsonl(path))
    from toolkit.schema import read_table

    frame = read_table(path)
    return [
        {k: (None if is_missing(v) else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    try:
        for _, obj in iter_jsonl_objects(path):
            yield obj
    except JsonlError as exc:
        raise UsageError(str(exc)) from None


def sniff_gold_format(rows: list[dict[str, Any]]) -> str:
    first = rows[0] if rows else {}
    if "term_of_imprisonment" in first or "punish_of_money" in first:
        return "judge"
    if "case_id" in first and ("prison_term_months" in first or "defendant" in first):
        return "published"
    raise UsageError(f"cannot tell the gold format from keys {sorted(first)[:10]}; use --gold-format")


def read_label_errors(path: str | Path) -> dict[tuple[str, str], Any]:
    """(doc_id, field) → the value read from the text, from a CSV with doc_id, field, text_value."""
    out: dict[tuple[str, str], Any] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                key = (row["doc_id"], row["field"])
                raw = row["text_value"]
            except KeyError as exc:
                raise UsageError(f"{path}:{number}: missing column {exc}") from None
            out[key] = json.loads(raw) if raw not in ("", None) else None
    return out


# ---------------------------------------------------------------- judge labels


def _judge_gold(row: dict[str, Any]) -> dict[str, Any]:
    term = row.get("term_of_imprisonment") or {}
    fine = row.get("punish_of_money")
    return {
        "term_months": term.get("imprisonment"),
        "fine_yuan": None if fine in (None, -1) else fine,
        "life_imprisonment": bool(term.get("life_imprisonment")),
        "death_penalty": bool(term.get("death_penalty")),
        "accusation": sorted({_strip_zui(a) for a in row.get("accusation") or []}),
    }


def _strip_zui(name: str) -> str:
    return name[:-1] if name.endswith("罪") else name


def _aggregate(values: list[float | None], mode: str) -> float | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if mode == "distinct":
        present = list(dict.fromkeys(present))
    return sum(present)


def _judge_prediction(records: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    terms = [r.get("term_months") for r in records]
    term = _aggregate(terms, mode)
    return {
        "term_months": 0 if term is None else term,
        "fine_yuan": _aggregate([r.get("fine_yuan") for r in records], mode),
        "life_imprisonment": any(r.get("penalty_type") == "life" for r in records),
        "death_penalty": any(r.get("penalty_type") in ("death", "death_suspended") for r in records),
        "accusation": sorted({_strip_zui(c) for r in records for c in (r.get("charges") or [])}),
    }


def evaluate_judge(
    predictions: list[dict[str, Any]], gold_rows: list[dict[str, Any]], aggregate: str = "sum",
    label_errors: dict[tuple[str, str], Any] | None = None,
) -> Report:
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for record in predictions:
        by_doc.setdefault(str(record.get("doc_id")), []).append(record)
    report = Report("judge", {name: FieldScore() for name in JUDGE_FIELDS})
    if label_errors is not None:
        report.corrected_scores = {name: FieldScore() for name in JUDGE_FIELDS}
        report.corrected_disagreements = []
    for row in gold_rows:
        doc_id = str(row.get("id"))
        gold = _judge_gold(row)
        records = by_doc.get(doc_id)
        predicted = _judge_prediction(records, aggregate) if records else dict.fromkeys(JUDGE_FIELDS)
        for name in JUDGE_FIELDS:
            _score(report.scores[name], report.disagreements, doc_id, None, name, predicted[name], gold[name])
            if label_errors is not None:
                corrected = label_errors.get((doc_id, name), gold[name])
                _score(report.corrected_scores[name], report.corrected_disagreements, doc_id, None, name, predicted[name], corrected)
        report.gold_total += 1
        if not records:
            report.notes.append(f"{doc_id}: no parsed record")
        else:
            report.matched += 1
    return report


# ---------------------------------------------------------------- published cases

_COUNT_RE = re.compile(
    r"([0-9０-９][0-9０-９,.．]*|[零〇一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*([万亿]*)\s*(?:余|多)?\s*(?:条|份|组|个|张)"
)


def gold_info_count(text: Any) -> int | None:
    """The largest item count stated in a transcribed info_count text ("8000余万条" → 80000000)."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return int(text)
    from toolkit.numerals import parse_number

    values = []
    for match in _COUNT_RE.finditer(str(text)):
        number = parse_number(match.group(1) + match.group(2))
        if number is not None:
            values.append(int(round(number)))
    return max(values) if values else None


def gold_info_category(text: Any) -> str | None:
    """'other (…)' → other; '行踪轨迹 (…)' → trajectory; unreadable → None."""
    if text is None:
        return None
    from toolkit.categories import normalise_category

    head = re.split(r"[\s(（;；,，]", str(text).strip(), maxsplit=1)[0]
    try:
        return normalise_category(head)
    except ValueError:
        return None


def gold_outcome(text: Any) -> str | None:
    if text is None:
        return None
    lowered = str(text).lower()
    for prefix, code in (
        ("convicted", "convicted"), ("not prosecuted", "not_prosecuted"), ("acquitted", "acquitted"),
        ("exempted", "exempted"), ("not criminally responsible", "not_criminally_responsible"),
    ):
        if lowered.startswith(prefix):
            return code
    return None


# field -> (key in the published gold, reader of its value)
_PUBLISHED_GOLD = {
    "outcome": ("outcome", gold_outcome),
    "term_months": ("prison_term_months", None),
    "probation_months": ("probation_months", None),
    "fine_yuan": ("fine_yuan", None),
    "info_count": ("info_count", gold_info_count),
    "info_category": ("info_category", gold_info_category),
}


def gold_cell(row: dict[str, Any], key: str) -> Any:
    """A gold record's raw value for key: NOT_CODED when absent or an empty string, None when it says
    not stated (null, not_stated, 未载明), else the value."""
    if key not in row:
        return NOT_CODED
    value = row[key]
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return NOT_CODED
        if text.lower() in NOT_STATED_ALIASES:
            return None
    return None if is_missing(value) else value


def _published_gold(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, (key, read) in _PUBLISHED_GOLD.items():
        value = gold_cell(row, key)
        out[name] = read(value) if read is not None and value is not NOT_CODED else value
    return out


def _name_key(name: Any) -> str:
    if not name:
        return ""
    from toolkit.textnorm import to_simplified

    # transcribers annotate names: "阿杰 (化名)", "王某 (等5人)"
    return to_simplified(re.sub(r"\s*[（(].*$", "", str(name))).strip()


_ANONYMISED = re.compile(r"^(?P<surname>\w)某+$")


def anonymised_key(name: str) -> str:
    """王某某 and 王某 are the same anonymised name (courts and reporters vary the number of 某)."""
    match = _ANONYMISED.match(name)
    return f"{match.group('surname')}某" if match else name


def match_defendants(
    predictions: list[dict[str, Any]], gold_rows: list[dict[str, Any]],
) -> tuple[list[tuple[dict[str, Any], dict[str, Any] | None, str]], list[dict[str, Any]]]:
    """Pair each gold defendant with a parsed record of the same document: ([(gold, record, how)], unmatched
    predicted records). Rules, in order, within one doc_id (doc_id == case_id):
      1. name: the same name after simplifying script, dropping annotations ("阿杰 (化名)") and collapsing
         anonymised names (王某某 == 王某);
      2. surname: an anonymised gold name (王某) and the one still unmatched parsed name with that surname
         (王小明), when exactly one such name is left;
      3. document: no defendant named by the parser, but a document-level row (defendant null) exists — the
         gold row is scored against it and counted as matched by document only.
    Otherwise the gold row is unmatched (every field compared against null)."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for record in predictions:
        by_doc.setdefault(str(record.get("doc_id")), []).append(record)
    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None, str]] = []
    pending: list[int] = []
    for index, row in enumerate(gold_rows):
        key = anonymised_key(_name_key(row.get("defendant")))
        candidates = by_doc.get(str(row.get("case_id")), [])
        found = next((r for r in candidates if id(r) not in used and key
                      and anonymised_key(_name_key(r.get("defendant"))) == key), None)
        if found is not None:
            used.add(id(found))
        else:
            pending.append(index)
        pairs.append((row, found, "name" if found is not None else ""))
    for index in pending:  # rule 2, after every exact name has taken its record
        row = gold_rows[index]
        key = anonymised_key(_name_key(row.get("defendant")))
        if not _ANONYMISED.match(key):
            continue
        same_surname = [r for r in by_doc.get(str(row.get("case_id")), []) if id(r) not in used
                        and _name_key(r.get("defendant")).startswith(key[0])]
        if len(same_surname) == 1:
            used.add(id(same_surname[0]))
            pairs[index] = (row, same_surname[0], "surname")
    for index in pending:  # rule 3
        row, record, how = pairs[index]
        if record is None:
            document_row = next((r for r in by_doc.get(str(row.get("case_id")), []) if not r.get("defendant")), None)
            if document_row is not None:
                used.add(id(document_row))
                pairs[index] = (row, document_row, "document")
    unmatched = [r for r in predictions if id(r) not in used and r.get("defendant")
                 and str(r.get("doc_id")) in {str(g.get("case_id")) for g in gold_rows}]
    return pairs, unmatched


def evaluate_published(predictions: list[dict[str, Any]], gold_rows: list[dict[str, Any]]) -> Report:
    report = Report("published", {name: FieldScore() for name in PUBLISHED_FIELDS})
    pairs, unmatched = match_defendants(_distinct_defendants(predictions), gold_rows)
    how_counts = {"name": 0, "surname": 0, "document": 0, "": 0}
    all_right = 0
    for row, record, how in pairs:
        doc_id = str(row.get("case_id"))
        defendant = _name_key(row.get("defendant"))
        gold = _published_gold(row)
        how_counts[how] += 1
        report.gold_total += 1
        report.matched += how != ""
        if how in ("document", ""):
            report.notes.append(
                f"{doc_id} {defendant}: no parsed record for this defendant"
                + ("; scored with the document-level row" if how == "document" else "")
            )
        record = record or {}
        right = True
        for name in PUBLISHED_FIELDS:
            predicted = record.get(name)
            if name == "outcome" and predicted == "unknown":
                predicted = None  # the transcribers leave outcome null where the text does not state it
            agree = _score(report.scores[name], report.disagreements, doc_id, defendant, name, predicted, gold[name])
            right = right and agree is not False
        all_right += right
    report.matching = {
        "gold_defendants": len(pairs), "matched_by_name": how_counts["name"],
        "matched_by_surname": how_counts["surname"], "matched_by_document_row": how_counts["document"],
        "gold_unmatched": how_counts[""], "predicted_unmatched": len(unmatched),
        "defendants_all_fields_right": all_right,
    }
    for record in unmatched:
        report.notes.append(f"{record.get('doc_id')} {record.get('defendant')}: parsed defendant not in the gold")
    return report


def _distinct_defendants(predictions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per (doc_id, defendant): the published cases repeat a passage once per defendant, so a
    parse of them repeats every record; the first is kept."""
    seen: set[tuple[str, str]] = set()
    out = []
    for record in predictions:
        key = (str(record.get("doc_id")), _name_key(record.get("defendant")))
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


# ---------------------------------------------------------------- scoring and output


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def charges_match(predicted: list[str], gold: list[str]) -> bool:
    """Charge sets agree when each name is the other's or a form of the same selective charge name
    (选择性罪名): 贩卖毒品 is a form of 走私、贩卖、运输、制造毒品 (its characters in order, same object).
    Names without 、 must be equal: 诈骗 and 合同诈骗 are different charges."""

    def related(p: str, g: str) -> bool:
        if p == g:
            return True
        selective = "、("  # 、 lists alternatives; 国(边)境 marks an optional part
        if not any(ch in p + g for ch in selective):
            return False
        p_flat, g_flat = (re.sub(r"[、()（）]", "", name) for name in (p, g))
        short, long = sorted((p_flat, g_flat), key=len)
        return (short[-2:] in long or short[-1:] == long[-1:]) and _is_subsequence(short, long)

    return all(any(related(p, g) for g in gold) for p in predicted) and all(
        any(related(p, g) for p in predicted) for g in gold
    )


def _same(predicted: Any, gold: Any) -> bool:
    if isinstance(predicted, list) and isinstance(gold, list):
        return charges_match(predicted, gold)
    if predicted is None or gold is None:
        return predicted is None and gold is None
    if isinstance(gold, bool) or isinstance(predicted, bool):
        return bool(predicted) == bool(gold)
    if isinstance(gold, (int, float)) and isinstance(predicted, (int, float)):
        return abs(float(predicted) - float(gold)) < 1e-6
    return predicted == gold


def _score(
    score: FieldScore, out: list[dict[str, Any]], doc_id: str, defendant: str | None, name: str, predicted: Any, gold: Any,
) -> bool | None:
    """Count one comparison; None (and nothing counted but gold_not_coded) when the gold field was not coded."""
    if gold is NOT_CODED:
        score.gold_not_coded += 1
        return None
    agree = _same(predicted, gold)
    score.compared += 1
    score.agreed += agree
    if gold is not None:
        score.gold_stated += 1
        score.gold_stated_agreed += agree
    else:
        score.gold_not_stated += 1
        score.gold_not_stated_agreed += agree
    if not agree:
        out.append({"doc_id": doc_id, "defendant": defendant, "field": name, "predicted": predicted, "gold": gold})
    return agree


def format_report(report: Report, max_listed: int) -> str:
    lines = [f"gold format: {report.gold_format}",
             f"matched: {report.matched} of {report.gold_total} gold records have a prediction"]
    if report.matching is not None:
        m = report.matching
        lines += [
            f"  defendants: {m['matched_by_name']} by name, {m['matched_by_surname']} by surname (anonymised gold name), "
            f"{m['matched_by_document_row']} by the document-level row only; {m['gold_unmatched']} gold unmatched; "
            f"{m['predicted_unmatched']} parsed defendants not in the gold",
            f"  defendants with every field right: {m['defendants_all_fields_right']} of {m['gold_defendants']}"
            + (f" ({m['defendants_all_fields_right'] / m['gold_defendants']:.2%})" if m["gold_defendants"] else ""),
        ]
    lines.append("")
    lines += _table(report.scores, "accuracy against the gold labels as given")
    if report.corrected_scores is not None:
        lines += [""] + _table(report.corrected_scores, "accuracy against the labels corrected by reading the text (--known-label-errors)")
    listed = report.disagreements if report.corrected_disagreements is None else report.corrected_disagreements
    title = "disagreements" if report.corrected_disagreements is None else "disagreements with the corrected labels"
    lines += ["", f"{title}: {len(listed)}"]
    for item in listed[:max_listed]:
        who = f" {item['defendant']}" if item.get("defendant") else ""
        lines.append(f"  {item['doc_id']}{who} {item['field']}: predicted {item['predicted']!r}, gold {item['gold']!r}")
    if len(listed) > max_listed:
        lines.append(f"  … {len(listed) - max_listed} more (use --max-listed or --json)")
    for note in report.notes[:max_listed]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _table(scores: dict[str, FieldScore], title: str) -> list[str]:
    lines = [title, f"{'field':<20}{'agree':>8}{'of':>6}{'accuracy':>10}  {'gold stated':<20}{'gold not stated':<17}"
                    f"{'not coded':>9}"]
    for name, s in scores.items():
        stated = f"{s.gold_stated_agreed}/{s.gold_stated}" + (f" ({s.stated_accuracy:.2%})" if s.gold_stated else "")
        accuracy = "–" if math.isnan(s.accuracy) else f"{s.accuracy:.2%}"
        lines.append(
            f"{name:<20}{s.agreed:>8}{s.compared:>6}{accuracy:>10}  {stated:<20}"
            f"{f'{s.gold_not_stated_agreed}/{s.gold_not_stated}':<17}{s.gold_not_coded:>9}"
        )
    lines.append("gold stated: the gold gives a value; gold not stated: the gold says the text gives none (right iff the "
                 "parser gives none); not coded: the gold field is empty, left out of 'of'")
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pred", metavar="PRED", help="parser output (.jsonl, .csv or .parquet)")
    parser.add_argument("gold", metavar="GOLD", help="gold labels: judge labels.jsonl or published-pi-cases cases.jsonl")
    parser.add_argument("--gold-format", choices=("auto", "judge", "published"), default="auto")
    parser.add_argument(
        "--aggregate", choices=("sum", "distinct"), default="sum",
        help="judge labels: total per document over defendants (sum) or over their distinct values (distinct)",
    )
    parser.add_argument("--known-label-errors", metavar="CSV", help="labels found wrong by reading the text (doc_id, field, text_value, reason)")
    parser.add_argument("--max-listed", type=int, default=200, help="disagreements to print (default 200)")
    parser.add_argument("--json", metavar="FILE", help="also write the full report as JSON")


def run(args: argparse.Namespace) -> int:
    if Path(args.pred).is_dir() and (Path(args.pred) / "datapackage.json").is_file():
        args.pred = str(Path(args.pred) / "defendants.parquet")  # a `judgstat dataset` package
    for path in (args.pred, args.gold) + ((args.known_label_errors,) if args.known_label_errors else ()):
        if not Path(path).is_file():
            raise UsageError(f"file not found: {path}")
    if args.json and not Path(args.json).resolve().parent.is_dir():
        raise UsageError(f"--json {args.json}: folder {Path(args.json).parent} does not exist")
    try:
        report = evaluate_files(args.pred, args.gold, args.gold_format, args.aggregate, args.known_label_errors)
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read input as UTF-8 text (byte {exc.start}): convert it to UTF-8 JSON Lines") from None
    if args.json:
        Path(args.json).write_text(json.dumps(report.summary(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if report.matched == 0:  # no accuracy table: every percentage would be over nothing
        print(f"judgstat evaluate: error: 0 of {report.gold_total} gold records matched a prediction in {args.pred}; "
              "no accuracy to report (check that the ids and names of the two files refer to the same documents)",
              file=sys.stderr)
        return 1
    print(format_report(report, args.max_listed))
    return 0


def evaluate_files(
    pred: str | Path, gold: str | Path, gold_format: str = "auto", aggregate: str = "sum",
    known_label_errors: str | Path | None = None,
) -> Report:
    predictions = read_records(pred)
    gold_rows = list(_read_jsonl(Path(gold)))
    if not gold_rows:
        raise UsageError(f"{gold}: no gold records (the file is empty)")
    fmt = sniff_gold_format(gold_rows) if gold_format == "auto" else gold_format
    if fmt == "judge":
        errors = read_label_errors(known_label_errors) if known_label_errors else None
        report = evaluate_judge(predictions, gold_rows, aggregate, errors)
        if errors is not None and aggregate != "sum":
            report.notes.insert(0, "the known label errors give per-document totals (sum over defendants); with --aggregate distinct the corrected table mixes conventions")
        return report
    if known_label_errors:
        print("judgstat evaluate: --known-label-errors applies to judge labels only; ignored", file=sys.stderr)
    return evaluate_published(predictions, gold_rows)
