"""Regenerate datasets/published-pi-cases/cases.csv from ../shared/data/published-pi-cases/cases.jsonl.

One row per defendant, facts only: the hand-transcribed fields of each published case, normalised by the
project's own code (toolkit.numerals for counts and amounts, toolkit.categories for information
categories, toolkit.schema enumerations). The passages themselves are never written out.

    .venv/bin/python datasets/published-pi-cases/build.py            # rebuild cases.csv
    .venv/bin/python datasets/published-pi-cases/build.py --check    # also re-run the parser check
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

from toolkit.categories import normalise_category
from toolkit.extract.metadata import court_level_of_court, extract_metadata, province_of_court
from toolkit.numerals import APPROX_MARKERS, NUMBER_PATTERN, parse_money_yuan, parse_number
from toolkit.datasets import format_cell, write_csv
from toolkit.paths import shared_data_dir
from toolkit.schema import COURT_LEVELS, OUTCOMES, PENALTY_TYPES, PROCEDURES

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "cases.csv"
CHECKS = HERE / "checks.csv"
RESOLUTIONS = HERE / "resolutions.csv"  # written by a person after reading each disagreement
COLUMNS = (
    "doc_id", "case_name", "defendant", "case_number", "court", "province", "court_level", "procedure",
    "judgment_date", "charges", "outcome", "penalty_type", "term_months", "probation_months", "fine_yuan",
    "info_count", "info_count_approx", "info_category", "illegal_gains_yuan", "tier_stated",
    "release", "source_url", "source_type", "parser_check", "notes",
)

TIERS = {"情节严重": "serious", "情节特别严重": "especially_serious"}
PENALTIES = {"有期徒刑": "fixed_term", "拘役": "criminal_detention", "管制": "public_surveillance"}
# How a source is classified (by reading the transcribed `release` and `source`), in this order:
SOURCE_TYPE_RULES = (
    ("official_release", "the case was published in an official release (SPC/SPP guiding or typical cases, 刑事审判参考, ministry notice)"),
    ("court", "the first page is on a court's own site (court.gov.cn, ahcourt.gov.cn, ...)"),
    ("law_firm", "the page is a law firm's or lawyer's article"),
    ("news", "any other page: news sites and reposts"),
)
_LAW_FIRM = re.compile(r"lawfirm|lawyer|律师|律所|law firm", re.I)
_URL = re.compile(r"https?://[^\s;；,，)）]+")
_COUNT = re.compile(
    rf"(?P<pre>超过|超|约|近)?(?P<num>{NUMBER_PATTERN})(?P<post>[{APPROX_MARKERS}]?[万亿]?[{APPROX_MARKERS}]?)"
    r"(?P<unit>人次|条|个|次|张|户)"
)
_GROUP_AMOUNT = re.compile(r"共计|合计|等\d+人|[二三四五六七八九十]人")
_UPPER_BOUND_AMOUNT = re.compile(r"(?:近|接近|不足|不到)[0-9零〇一二两三四五六七八九十百千万亿.]+元")
_PAREN_TAIL = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, help="cases.jsonl (default: ../shared/data/published-pi-cases)")
    parser.add_argument("--check", action="store_true", help="check every row against its text with toolkit.parser")
    args = parser.parse_args(argv)
    source = args.input or _default_input()
    cases = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [normalise_case(case) for case in cases]
    apply_corrections(rows, RESOLUTIONS)
    if args.check:
        sys.path.insert(0, str(HERE))
        from check import check_rows  # sibling module: parser comparison

        check_rows(cases, rows, CHECKS)
    elif CHECKS.exists():
        _apply_recorded_checks(rows, CHECKS)
    write_csv(rows, COLUMNS, OUTPUT)
    print(f"wrote {len(rows)} rows to {OUTPUT}")
    return 0


def _default_input() -> Path:
    shared = shared_data_dir()
    if shared is None:
        sys.exit("../shared/data is absent: pass --input PATH/TO/cases.jsonl")
    return shared / "published-pi-cases" / "cases.jsonl"


def normalise_case(case: dict[str, Any]) -> dict[str, Any]:
    notes: list[str] = []
    court = normalise_court(case.get("court"), notes)
    case_number = first_part(case.get("case_number"))
    if case.get("case_number") and case_number != case["case_number"]:
        notes.append(f"case number of the first-listed decision kept; transcribed: {case['case_number']}")
    outcome = normalise_outcome(case.get("outcome"))
    info_count, approx = normalise_count(case.get("info_count"), notes)
    row = {
        "doc_id": case["case_id"],
        "case_name": case.get("case_name"),
        "defendant": normalise_defendant(case.get("defendant"), notes),
        "case_number": case_number,
        "court": court,
        "province": province_of(court, case_number, notes),
        "court_level": court_level(court),
        "procedure": normalise_procedure(case.get("procedure"), notes),
        "judgment_date": normalise_date(case.get("judgment_date"), notes),
        "charges": normalise_charges(case.get("charge"), notes),
        "outcome": outcome,
        "penalty_type": normalise_penalty(case.get("penalty_kind"), outcome),
        "term_months": case.get("prison_term_months"),
        "probation_months": case.get("probation_months"),
        "fine_yuan": case.get("fine_yuan"),
        "info_count": info_count,
        "info_count_approx": approx,
        "info_category": normalise_info_category(case.get("info_category"), notes),
        "illegal_gains_yuan": normalise_gains(case.get("illegal_gains_yuan"), notes),
        "tier_stated": TIERS.get(case.get("tier")) if case.get("tier") else None,
        "release": case.get("release"),
        "source_url": first_url(case.get("source")),
        "source_type": source_type(case),
        "parser_check": None,
        "notes": None,
    }
    if case.get("verdict_passage"):
        notes.append(f"verdict seen: {case['verdict_passage']}")
    if case.get("notes"):
        notes.append(f"transcriber: {case['notes']}")
    row["notes"] = " | ".join(notes) or None
    check_enums(row)
    return row


def split_top(value: str) -> list[str]:
    """Split on ；/; that are not inside brackets: "A (x; y)；B" -> ["A (x; y)", "B"]."""
    parts, depth, current = [], 0, ""
    for char in value:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if char in "；;" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def first_part(value: str | None) -> str | None:
    if not value:
        return None
    parts = split_top(value)
    return parts[0] if parts else None


def normalise_court(value: str | None, notes: list[str]) -> str | None:
    first = first_part(value)
    if first is None:
        return None
    name = _PAREN_TAIL.sub("", first).strip()
    if name.endswith("检察院"):
        notes.append(f"decision by the procuratorate {name}, not a court")
        return None
    if not name.endswith("法院"):
        notes.append(f"court not named (transcribed: {value})")
        return None
    if name != value:
        notes.append(f"court as transcribed: {value}")
    return name


def province_of(court: str | None, case_number: str | None, notes: list[str]) -> str | None:
    if court:
        province = province_of_court(court)
        if province:
            return province
    if case_number:
        found = extract_metadata(case_number)[0].get("province")
        if found is not None:
            notes.append("province from the case number's court code")
            return found.value
    return None


def court_level(court: str | None) -> str | None:
    return court_level_of_court(court) if court else None


def normalise_procedure(value: str | None, notes: list[str]) -> str | None:
    first = first_part(value)
    if first is None:
        return None
    if first.startswith("first instance"):
        procedure = "first_instance"
    elif first.startswith("second instance"):
        procedure = "second_instance"
    else:
        procedure = "other"
        notes.append(f"procedure: {first}")
    if value and first != value:
        notes.append(f"procedure as transcribed: {value}")
    return procedure


def normalise_date(value: str | None, notes: list[str]) -> str | None:
    if not value:
        return None
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    if match:
        if match.group(1) != value:
            notes.append(f"date as transcribed: {value}")
        return match.group(1)
    notes.append(f"no full date (transcribed: {value})")
    return None


def normalise_defendant(value: str | None, notes: list[str]) -> str | None:
    if not value:
        return None
    name = _PAREN_TAIL.sub("", value).strip()
    if name != value:
        notes.append(f"defendant as transcribed: {value}")
    return name


def normalise_charges(value: str | None, notes: list[str]) -> list[str]:
    if not value:
        return []
    charges = []
    for part in split_top(value):
        name = _PAREN_TAIL.sub("", part).strip()
        name = re.sub(r"[（(].*$", "", name).strip()
        if name and not name.endswith("罪"):
            name += "罪"
        if name:
            charges.append(name)
    if "涉嫌" in value or "as charged" in value or "移送审查起诉" in value:
        notes.append("charge as prosecuted, not as adjudged")
    return charges


def normalise_outcome(value: str | None) -> str | None:
    if not value:
        return None
    if value.startswith("convicted"):
        return "convicted"
    if value.startswith("not prosecuted"):
        return "not_prosecuted"
    if value.startswith("acquitted"):
        return "acquitted"
    raise ValueError(f"unrecognised outcome {value!r}")


def normalise_penalty(value: str | None, outcome: str | None) -> str | None:
    if value:
        return PENALTIES[value]
    if outcome == "not_prosecuted":
        return "none"
    return None


def normalise_count(value: str | None, notes: list[str]) -> tuple[int | None, bool | None]:
    """The largest item count stated (numbers via toolkit.numerals), approximate if 余/多/约/近/超."""
    if not value:
        return None, None
    mentions = []
    for match in _COUNT.finditer(value):
        number = parse_number(match.group("num") + match.group("post"))
        if number is None:
            continue
        approx = bool(match.group("pre")) or any(c in match.group("post") for c in APPROX_MARKERS)
        mentions.append((number, approx, match.group(0), match.group("unit")))
    if not mentions:
        notes.append(f"info count not a number: {value}")
        return None, None
    number, approx, text, unit = max(mentions, key=lambda m: m[0])
    if len(mentions) > 1:
        notes.append(f"info_count is the largest of the counts stated ({', '.join(m[2] for m in mentions)})")
    if unit != "条":
        notes.append(f"info_count unit: {unit}")
    if re.search(r"case total|团伙|合计|共计", value):
        notes.append("info_count is stated for the whole case, not this defendant")
    return int(number), approx


def normalise_info_category(value: str | None, notes: list[str]) -> str | None:
    if not value:
        return None
    head = re.split(r"\s*[（(]", value, maxsplit=1)[0].strip()
    return normalise_category(head)


def normalise_gains(value: str | None, notes: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    amounts = re.findall(r"[0-9.零〇一二两三四五六七八九十百千万亿余多近]+元", value)
    first = parse_money_yuan(value)
    if _GROUP_AMOUNT.search(value):
        notes.append(f"illegal gains stated only for several defendants together ({value}); left null")
        return None
    if _UPPER_BOUND_AMOUNT.search(value):
        # 近5万元 is "just under 50,000": any number written here would cross or miss a threshold by guesswork.
        notes.append(f"illegal gains stated only as an upper bound ({value}); left null")
        return None
    if len(amounts) > 1:
        notes.append(f"illegal_gains_yuan is the first amount stated ({value})")
    return first


def first_url(value: str | None) -> str | None:
    if not value:
        return None
    match = _URL.search(value)
    return match.group(0).rstrip(".") if match else None


def source_type(case: dict[str, Any]) -> str:
    source = case.get("source") or ""
    if case.get("release"):
        return "official_release"
    urls = _URL.findall(source)
    if urls and re.search(r"court\.gov\.cn", urls[0]):  # court.gov.cn and provincial ahcourt.gov.cn etc.
        return "court"
    if _LAW_FIRM.search(source):
        return "law_firm"
    return "news"


def check_enums(row: dict[str, Any]) -> None:
    for column, allowed in (
        ("court_level", COURT_LEVELS), ("procedure", PROCEDURES), ("outcome", OUTCOMES), ("penalty_type", PENALTY_TYPES),
    ):
        if row[column] is not None and row[column] not in allowed:
            raise ValueError(f"{row['doc_id']} {row['defendant']}: {column}={row[column]!r} not in {allowed}")


def _apply_recorded_checks(rows: list[dict[str, Any]], path: Path) -> None:
    """Carry the committed parser-check verdicts (checks.csv) into the table without re-running the parser."""
    verdicts: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for check in csv.DictReader(handle):
            fields = verdicts.setdefault((check["doc_id"], check["defendant"]), [])
            if check["status"] in ("disagree", "no_parser_record"):
                fields.append(check["field"] if check["status"] == "disagree" else "*")
    for row in rows:
        fields = verdicts.get((row["doc_id"], row["defendant"]))
        if fields is None:
            continue
        if "*" in fields:
            row["parser_check"] = "no parser record for this defendant"
        else:
            row["parser_check"] = "agree" if not fields else "disagree: " + ", ".join(fields)


def apply_corrections(rows: list[dict[str, Any]], path: Path) -> None:
    """Values corrected after reading the passage (resolutions.csv `corrected_value`) replace the transcription."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        corrections = [r for r in csv.DictReader(handle) if r.get("corrected_value", "") != ""]
    by_key = {(r["doc_id"], r["defendant"], r["field"]): r for r in corrections}
    for row in rows:
        for field in COLUMNS:
            fix = by_key.get((row["doc_id"], row["defendant"], field))
            if fix is None:
                continue
            old = row[field]
            row[field] = _typed(field, fix["corrected_value"])
            note = f"{field} corrected after reading the passage ({format_cell(old) or 'empty'} -> {fix['corrected_value']}): {fix['resolution']}"
            row["notes"] = f"{row['notes']} | {note}" if row["notes"] else note


def _typed(field: str, value: str) -> Any:
    if value == "null":
        return None
    if field in ("term_months", "probation_months", "info_count"):
        return int(value)
    if field in ("fine_yuan", "illegal_gains_yuan"):
        return float(value)
    if field == "info_count_approx":
        return value == "true"
    if field == "charges":
        return json.loads(value)
    return value


if __name__ == "__main__":
    sys.exit(main())
