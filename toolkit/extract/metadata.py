"""Case metadata from a judgment text: case number, court, province, court level, procedure,
document type and judgment date.

`extract_metadata(text)` returns ({field: Extracted(value, span)}, notes). A field that the text
does not state is absent from the dict and a note says why ("case_number: not found").
Spans are [start, end) offsets into `text`. Province and court level may be derived from the case
number or the court name; their span is the span of what they were derived from.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from toolkit.extract import Extracted
from toolkit.numerals import parse_number

_DATA_DIR = Path(__file__).parent
HEADER_CHARS = 400  # the title block: court, document kind and case number come before this
_CJK = "\u4e00-\u9fff"

# ---------------------------------------------------------------- data tables


@lru_cache(maxsize=1)
def province_table() -> list[dict[str, str]]:
    """Rows of provinces.csv: abbreviation (as used in case numbers), short_name, full_name."""
    with (_DATA_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _city_to_province() -> dict[str, str]:
    with (_DATA_DIR / "cities.csv").open(encoding="utf-8") as handle:
        return {row["city"]: row["province"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _abbreviation_to_province() -> dict[str, str]:
    return {row["abbreviation"]: row["short_name"] for row in province_table()}


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    """Any province (full or short name) or prefecture-level city name; longest names first."""
    names = {row["full_name"] for row in province_table()} | {row["short_name"] for row in province_table()}
    names |= set(_city_to_province())
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})")


@lru_cache(maxsize=4096)  # courts recur across judgments; the place pattern is long
def province_of_court(court: str) -> str | None:
    """Province short name from the start of a court name (province, or a prefecture-level city)."""
    match = _place_pattern().match(court)
    if match is None:
        return None
    name = match.group()
    cities = _city_to_province()
    if name in cities:
        return cities[name]
    for row in province_table():
        if name in (row["full_name"], row["short_name"]):
            return row["short_name"]
    return None


# ---------------------------------------------------------------- case number

# （2017）沪0120刑初684号, (2015)嘉刑初字第1987号, 〔2019〕晋05刑终286号, [2018]沪刑终12号,
# （2014）临罗刑一初字第81号, （2021）最高法刑核123号. Every repetition is bounded.
_CASE_NUMBER = re.compile(
    r"[（(〔\[［【]\s?(?P<year>(?:19|20|１９|２０)[0-9０-９]{2})\s?[）)〕\]］】]\s?"
    rf"(?P<court_code>[{_CJK}]{{1,6}}?)(?P<digits>[0-9０-９]{{0,4}})"
    rf"刑(?P<division>[一二三四五六七八九]?)(?P<kind>[{_CJK}]{{1,2}}?)字?第?"
    r"(?P<serial>[0-9０-９]{1,8})(?:[-－][0-9０-９]{1,3})?号"
)
# A non-prosecution decision carries the procuratorate's number: 沪闵检刑不诉〔2022〕15号.
_NON_PROSECUTION_NUMBER = re.compile(
    rf"[{_CJK}]{{1,12}}检[{_CJK}]{{0,8}}不诉\s?[（(〔\[［【]\s?(?:19|20)[0-9]{{2}}\s?[）)〕\]］】]\s?[0-9０-９]{{1,6}}号"
)
# Some old headers print the number without the year: 格刑初字第117号 (header only).
_CASE_NUMBER_NO_YEAR = re.compile(
    rf"(?<![{_CJK}])(?P<court_code>[{_CJK}]{{1,6}}?)(?P<digits>)"
    rf"刑(?P<division>[一二三四五六七八九]?)(?P<kind>[{_CJK}]{{1,2}}?)字第?"
    r"(?P<serial>[0-9０-９]{1,8})号"
)
# First matching character of the case type decides: 刑再终 is a retrial, 刑速初 a first instance,
# 刑重 (retrial after remand) is a new first-instance trial.
_PROCEDURE_BY_KIND_CHAR = (
    ("再", "retrial"),
    ("终", "second_instance"),
    ("初", "first_instance"),
    ("重", "first_instance"),
    ("申", "review"),
    ("抗", "review"),
    ("监", "review"),
    ("核", "review"),
)

# ---------------------------------------------------------------- court and document kind

# Courts are found from each "法院" backwards (a forward search with a lazy prefix would retry at
# every character of the text).
_COURT_WORD = re.compile("法院")
_COURT_TAIL = re.compile(
    rf"[{_CJK}]{{1,34}}(?:人民法院|铁路运输法院|运输法院|海事法院|军事法院|知识产权法院|互联网法院)$"
)
# Words that precede a court name in news prose ("近日，经…法院"); stripped when no place name anchors it.
_LEADING_WORDS = re.compile(r"^(?:近日|日前|今日|今年|此前|最终|本案由|案发后|经|由|在|向|据|被|对|后|并|已|日|于)+")
_TITLE_END = re.compile(r".*(?:判决书|裁定书|决定书|通知书)")

_DOC_TYPES = (
    ("不起诉决定书", "non_prosecution_decision"),
    ("判决书", "judgment"),
    ("裁定书", "ruling"),
)
_DOC_TYPE_PATTERN = re.compile("|".join(word for word, _ in _DOC_TYPES))
_OPERATIVE = re.compile(r"判决如下|裁定如下|决定如下|不起诉决定")

# ---------------------------------------------------------------- dates

_CN_DIGIT = "〇○ＯОΟOo0零一二三四五六七八九"  # zero is also typed as a circle, a Latin or a Greek O
_CN_DATE = re.compile(
    rf"(?P<y>[{_CN_DIGIT}]{{4}})年(?P<m>[一二三四五六七八九十]{{1,2}})月(?P<d>[一二三四五六七八九十]{{1,3}})日"
)
_ARABIC_DATE = re.compile(r"(?P<y>(?:19|20)[0-9]{2})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日")
_SIGNATURE_BEFORE = re.compile(r"审判长|审判员|陪审员|法官助理|院长")
_SIGNATURE_AFTER = re.compile(r"书记员|法官助理|本件与原本核对无异")
_ENACTMENT_AFTER = re.compile(r"通过|修订|修正|公布|施行|发布")
_NARRATIVE_JUDGMENT = re.compile(r"判决|宣判|判处|审结|裁定")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_YEAR_DIGITS = str.maketrans("〇○ＯОΟOo零一二三四五六七八九", "00000000123456789")


def _chinese_year(raw: str) -> int | None:
    digits = raw.translate(_CN_YEAR_DIGITS)  # years are written digit by digit: 二〇一七
    return int(digits) if digits.isdigit() else None


def _iso_date(year: int | None, month: float | None, day: float | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    month, day = int(month), int(day)
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_DATE_LIKE = re.compile(r"\S{1,8}年\S{1,3}月\S{1,4}$")


def _find_judgment_date(text: str) -> tuple[Extracted | None, str | None]:
    """The signature date (before 书记员 / after the judges' names), else the last Chinese-numeral
    date that is not a statute's enactment date, else a dated sentence reporting the judgment."""
    clerk = text.rfind("书记员")
    if clerk != -1:
        window_start = max(0, clerk - 30)
        for pattern, chinese in ((_CN_DATE, True), (_ARABIC_DATE, False)):
            found = None
            for found in pattern.finditer(text, window_start, clerk):
                pass
            if found is not None:
                iso = _signature_iso(found, chinese)
                if iso:
                    return Extracted(iso, found.span()), None
        before_clerk = text[window_start:clerk].rstrip(" 　代理")
        garbled = _DATE_LIKE.search(before_clerk)
        if garbled is not None:
            return None, f"judgment_date: the signature date {garbled.group()!r} is not a valid date"
    signed: Extracted | None = None
    last_plain: Extracted | None = None
    for match in _CN_DATE.finditer(text):
        iso = _iso_date(_chinese_year(match["y"]), parse_number(match["m"]), parse_number(match["d"]))
        if iso is None:
            continue
        found = Extracted(iso, match.span())
        after = text[match.end() : match.end() + 30]
        before = text[max(0, match.start() - 40) : match.start()]
        if _SIGNATURE_AFTER.search(after) or _SIGNATURE_BEFORE.search(before):
            signed = found
        elif not _ENACTMENT_AFTER.search(after[:12]):
            last_plain = found
    if signed is not None:
        return signed, None
    for match in _ARABIC_DATE.finditer(text, max(0, len(text) - 400)):
        after = text[match.end() : match.end() + 30]
        if _SIGNATURE_AFTER.search(after):
            iso = _iso_date(int(match["y"]), int(match["m"]), int(match["d"]))
            if iso:
                return Extracted(iso, match.span()), None
    if last_plain is not None:
        return last_plain, "judgment_date: no signature block; took the last date written in Chinese numerals"
    for match in _ARABIC_DATE.finditer(text):
        sentence_end = text.find("。", match.end())
        sentence = text[match.end() : sentence_end if sentence_end != -1 else match.end() + 60][:60]
        if _NARRATIVE_JUDGMENT.search(sentence):
            iso = _iso_date(int(match["y"]), int(match["m"]), int(match["d"]))
            if iso:
                return Extracted(iso, match.span()), (
                    "judgment_date: no signature block; taken from a dated sentence reporting the judgment"
                )
    return None, "judgment_date: not found (no signature date and no dated report of the judgment)"


# ---------------------------------------------------------------- court


@lru_cache(maxsize=4096)  # the same court names recur across judgments
def _clean_court(candidate: str, in_header: bool) -> tuple[str, int]:
    """(court name, offset of its start within candidate)."""
    title = _TITLE_END.match(candidate)
    offset = title.end() if title else 0
    place = _place_pattern().search(candidate, offset)
    if place is not None and not candidate.startswith("最高", offset):
        offset = place.start()
    elif not in_header:
        leading = _LEADING_WORDS.match(candidate[offset:])
        if leading:
            offset += leading.end()
    return candidate[offset:], offset


def _signature_iso(match: re.Match[str], chinese: bool) -> str | None:
    if chinese:
        return _iso_date(_chinese_year(match["y"]), parse_number(match["m"]), parse_number(match["d"]))
    return _iso_date(int(match["y"]), int(match["m"]), int(match["d"]))


_TITLE_AFTER_COURT = re.compile(r"\s*(?:刑事|判决书|裁定书|决定书|\s|$)")
_PUBLISHER_WORDS = re.compile(r".{0,6}(?:发布|公布|印发|指导|典型|司法解释|关于)")


def _find_court(text: str) -> tuple[Extracted | None, str | None]:
    for word in _COURT_WORD.finditer(text):
        window_start = max(0, word.end() - 40)
        match = _COURT_TAIL.search(text, window_start, word.end())
        if match is None:
            continue
        in_header = match.start() < HEADER_CHARS and _TITLE_AFTER_COURT.match(text, match.end()) is not None
        name, offset = _clean_court(match.group(), in_header)
        place_part = name[: name.rfind("法院")].removesuffix("人民")
        if len(place_part) < 2 or place_part[0] in "区市县省州镇" or name.startswith(("上诉", "原审", "一审", "二审")):
            continue  # "人民法院" alone, "A市人民法院" with the name cut off: no usable court name
        start = match.start() + offset
        if start > 0 and text[start - 1] == "《":
            continue  # the title of an interpretation: 《最高人民法院关于…》
        if not in_header and name == "最高人民法院" and _PUBLISHER_WORDS.match(text, match.end()):
            continue  # news: the Supreme People's Court published the case, it did not decide it
        note = None if in_header else "court: no header; taken from the first court named in the text"
        return Extracted(name, (start, match.end())), note
    return None, "court: not found (no name ending in 法院)"


def court_level_of_court(court: str) -> str:
    """Court level (basic / intermediate / high / supreme) from a full court name."""
    if court.startswith("最高人民法院"):
        return "supreme"
    if "高级人民法院" in court:
        return "high"
    if "中级" in court or court.endswith(("知识产权法院", "海事法院")):
        return "intermediate"
    return "basic"


def _is_new_style(match: re.Match[str]) -> bool:
    """New-style numbers (since 2016) have no 字: （2018）沪0120刑初1号, （2018）沪02刑终1号, （2018）沪刑终1号."""
    return "字" not in match.group() and bool(match.groupdict().get("year"))


def _court_level_from_case_number(match: re.Match[str]) -> str | None:
    code, digits = match["court_code"], match["digits"]
    if code.startswith("最高"):
        return "supreme"
    if _is_new_style(match) and code in _abbreviation_to_province():
        return {4: "basic", 2: "intermediate", 0: "high"}.get(len(digits))
    return None  # old-style local abbreviations (渝 = 渝水区, 中 = 中山市) do not encode the level


# ---------------------------------------------------------------- main entry


def extract_metadata(text: str) -> tuple[dict[str, Extracted], list[str]]:
    """Case number, court, province, court_level, procedure, doc_type and judgment_date."""
    fields: dict[str, Extracted] = {}
    notes: list[str] = []
    if not isinstance(text, str) or not text.strip():
        return fields, ["metadata: empty text"]

    case_match = _CASE_NUMBER.search(text)
    header_end = HEADER_CHARS if case_match is None else min(HEADER_CHARS, case_match.start())
    without_year = _CASE_NUMBER_NO_YEAR.search(text, 0, header_end)
    if without_year is not None:
        case_match = without_year
        notes.append("case_number: printed without the year")
    elif case_match is not None and case_match.start() >= HEADER_CHARS:
        notes.append("case_number: not in the header; took the first case number in the text")
    if case_match is not None:
        fields["case_number"] = Extracted(case_match.group(), case_match.span())
    else:
        decision = _NON_PROSECUTION_NUMBER.search(text, 0, HEADER_CHARS)
        if decision is not None:
            fields["case_number"] = Extracted(decision.group(), decision.span())
            notes.append("case_number: the procuratorate's number of a non-prosecution decision")
        else:
            notes.append("case_number: not found")

    court, note = _find_court(text)
    if court is not None:
        fields["court"] = court
    if note:
        notes.append(note)

    _set_province(text, fields, notes, case_match, court)
    _set_court_level(fields, notes, case_match, court)
    _set_procedure(text, fields, notes, case_match)
    _set_doc_type(text, fields, notes)

    date, note = _find_judgment_date(text)
    if date is not None:
        fields["judgment_date"] = date
        printed_year = case_match.groupdict().get("year") if case_match is not None else None
        if printed_year:
            case_year = int(printed_year.translate(_FULLWIDTH_DIGITS))
            if int(date.value[:4]) < case_year:
                notes.append(
                    f"judgment_date: {date.value} is earlier than the case-number year {case_year} (as printed; likely a typo)"
                )
    if note:
        notes.append(note)
    return fields, notes


# "通过本院或者直接向河南省商丘市中级人民法院提出上诉" / "上诉于平顶山市中级人民法院"
_APPEAL_COURT = re.compile(rf"(?:直接向|上诉于)(?P<court>[{_CJK}]{{2,30}}?中级人民法院)")


def _set_province(
    text: str,
    fields: dict[str, Extracted], notes: list[str], case_match: re.Match[str] | None, court: Extracted | None
) -> None:
    if case_match is not None and _is_new_style(case_match):
        # New-style numbers start with the province abbreviation (沪0120, 晋05, 沪); old-style ones
        # with a local abbreviation (嘉, 杭下, 渝 = 渝水区) that says nothing reliable about the province.
        province = _abbreviation_to_province().get(case_match["court_code"])
        if province:
            fields["province"] = Extracted(province, case_match.span("court_code"))
            return
    if court is not None:
        province = province_of_court(court.value)
        if province:
            fields["province"] = Extracted(province, court.span)
            return
    appeal = _APPEAL_COURT.search(text)
    if appeal is not None:
        province = province_of_court(appeal["court"])
        if province:
            fields["province"] = Extracted(province, appeal.span("court"))
            notes.append("province: from the court of appeal named in the text")
            return
    notes.append("province: not found (no new-style case number and no province or city at the start of the court name)")


def _set_court_level(
    fields: dict[str, Extracted], notes: list[str], case_match: re.Match[str] | None, court: Extracted | None
) -> None:
    if court is not None:
        fields["court_level"] = Extracted(court_level_of_court(court.value), court.span)
        return
    if case_match is not None:
        level = _court_level_from_case_number(case_match)
        if level:
            fields["court_level"] = Extracted(level, case_match.span("court_code"))
            return
    notes.append("court_level: not found (no court name and the case number does not encode the level)")


_TITLE_PROCEDURE = (("再审", "retrial"), ("二审", "second_instance"), ("一审", "first_instance"))
_SECOND_INSTANCE_WORDING = re.compile(r"驳回上诉|维持原判|二审|上诉人")


def _set_procedure(
    text: str, fields: dict[str, Extracted], notes: list[str], case_match: re.Match[str] | None
) -> None:
    if case_match is not None:
        kind = case_match["kind"]
        procedure = next((p for char, p in _PROCEDURE_BY_KIND_CHAR if char in kind), "other")
        fields["procedure"] = Extracted(procedure, case_match.span("kind"))
        if procedure == "other":
            notes.append(f"procedure: other — case type 刑{kind} is not a trial, appeal, retrial or review")
        return
    header = text[:HEADER_CHARS]
    for word, procedure in _TITLE_PROCEDURE:
        position = header.find(word)
        if position != -1:
            fields["procedure"] = Extracted(procedure, (position, position + len(word)))
            notes.append(f"procedure: no case number; from the wording {word!r}")
            return
    second = _SECOND_INSTANCE_WORDING.search(text)
    if second is not None:
        fields["procedure"] = Extracted("second_instance", second.span())
        notes.append(f"procedure: no case number; from the wording {second.group()!r}")
        return
    first = text.find("一审")
    if first != -1:
        fields["procedure"] = Extracted("first_instance", (first, first + 2))
        notes.append("procedure: no case number; from the wording '一审'")
        return
    notes.append("procedure: not found (no case number and no 一审/二审/再审 wording)")


def _set_doc_type(text: str, fields: dict[str, Extracted], notes: list[str]) -> None:
    match = _DOC_TYPE_PATTERN.search(text, 0, HEADER_CHARS)
    if match is not None:
        value = dict(_DOC_TYPES)[match.group()]
        fields["doc_type"] = Extracted(value, match.span())
        return
    operative = _OPERATIVE.search(text)
    if operative is not None:
        word = operative.group()
        value = {"判决如下": "judgment", "裁定如下": "ruling"}.get(word, "non_prosecution_decision")
        if word == "决定如下":
            value = "other"
        fields["doc_type"] = Extracted(value, operative.span())
        notes.append(f"doc_type: no document title; from the wording {word!r}")
        return
    fields["doc_type"] = Extracted("other", None)
    notes.append("doc_type: other — no 判决书/裁定书/不起诉决定书 title (e.g. a news report or excerpt)")
