"""Drug type and quantity per defendant from a judgment's facts text, with character spans.

    extract_drug_facts(text, defendant=None, co_defendants=()) -> DrugExtraction

Reading order: where the text has the court's findings (经审理查明 …), quantities come from them, not from the
prosecution's allegation (指控 …); otherwise from the whole text. Each weight (a number with 克/千克/公斤/毫克/g/kg/mg,
units from rules.json) is attached to a drug named next to it, else to the nearest drug named in the same
sentence, else — when the text names one drug only — to that drug. Per drug: a stated total (共/合计/总/累计)
wins; otherwise the largest weight when it covers all the others (a total written without a marker), otherwise the
sum of the distinct weights. 净重 is preferred over 毛重: gross weights are dropped when a net weight of the same
drug is stated. Purity and content (含量/纯度) are never used to convert (Art. 357(2)).

With `defendant`, only sentences naming that defendant (or no co-defendant) are read. Co-defendants are those
passed in and those the text names as 被告人/同案人/同案犯 with an anonymised name (张某, 何1某 …).

Two kinds of weight are set aside when the drug has other weights: an amount only requested or negotiated
(商议/约定/联系…购买 … in the weight's clause), and a repeat of the same precise weight of the same drug (at least
PRECISE_DIGITS significant digits, e.g. 226.3 written when the batch is carried and again when it is seized);
round amounts (0.5克, 5克) may be separate sales and are kept.

Fourth version (#13 hand check of the third): bare numbers listed before a weight take its unit ("49.70、48.97、
0.15克"); "20余克" is read as 20 g with a note (approximate); a bound ("不满10克", "不足1克", "1克以下") and a unit
price ("150元一克") are never weights (a note names each); each weight has a role — seized, or sold/bought/carried —
and, unless a weight covers all the others or a grand total is stated, the seized part and the other part are read
apart and added (a seized total does not cover the amounts sold; a summary of sales and its items count once).

Circumstances: the cues of circumstance_cues.json (Interp. Art. 4 情节严重 and Art. 347(6)), each with its flag,
clause and span, are read from the same sentences; `DrugExtraction.circumstance_flags()` gives the flags for
`to_facts(circumstances=…)`.

Linear and bounded: every pattern has bounded repetition; at most MAX_CHARS characters and MAX_WEIGHTS weights
are read per document (a note says when a document was cut).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm
from pathlib import Path
from typing import Any, Iterable

from toolkit.crimes.drug_trafficking.quantities import exact_number
from toolkit.crimes.drug_trafficking.rules import Rules, load_rules
from toolkit.crimes.drug_trafficking.standards import DrugFacts
from toolkit.extract.prefilter import LiteralScan, Requirement, may_match, met, plan_search, required_literals
from toolkit.extract.textspan import FirstOf, bounds_around, for_last_text
from toolkit.numerals import NUMBER_PATTERN, parse_number

CUES_PATH = Path(__file__).with_name("circumstance_cues.json")

MAX_CHARS = 200_000
MAX_WEIGHTS = 400
MAX_MENTIONS = 2000
ADJACENT = 4  # characters between a drug name and its weight that still make them one phrase ("海洛因共计298克")
_JOINERS = re.compile(r"[^、，,；;。（）()和及与]*")  # a drug name and a weight with one of these between are two items
_AFTER_GAP = re.compile(r"(?:的|之)?")  # "99.66克甲基苯丙胺", "9.1克的氯胺酮"
_CONCLUSION = re.compile(r"认为|构成|触犯|追究|提请|建议")
_COORDINATION = re.compile(r"[和及与、]")  # "甲基苯丙胺和咖啡因": the second name is a constituent of the same item
_GRAND = re.compile(r"(?:以上|上述|综上)(?!刑)")  # "以上毒品共计…": a grand total, not the total of one batch
GRAND_WINDOW = 30
MARKER_WINDOW = 8  # characters before a weight searched for 净重/毛重/共 …

_COURT_START = ("经审理查明", "审理查明", "本院查明", "法院查明", "经审理认定", "经审理，")
_FIRST_COURT_START = FirstOf(_COURT_START, cores=("查明", "经审理"))
_PROSECUTION_START = ("指控", "起诉书")
_SENTENCE_END = "。；;！!？?\n"
# Lookaheads and end anchors could make a match inside a sentence fail on the longer text that follows it, which
# _holding_sentences relies on not happening (the weight pattern's (?![a-zA-Z]) follows a unit, and a unit is never
# the sentence end, so it only ever looks inside the sentence).
_LOOKS_PAST_THE_END = re.compile(r"\(\?[=!]|\$|\\[bBZ]")
_TOTAL = re.compile(r"(?:共计|合计|总计|累计|共|总)(?:净重|毛重|重|计)?[约达]?$|(?:总净重|总重量?|总毛重)[约为是]{0,2}$")
_NET = re.compile(r"净重|净含量|净量")
_GROSS = re.compile(r"毛重|含包装")
_CONTENT = re.compile(r"含量|纯度|含有?[^，。]{0,6}(?:百分之|%)")
# Drug names that have no threshold in rules.json (其他毒品): recorded, never placed in a tier.
UNLISTED_DRUG_NAMES = ("合成大麻素", "卡西酮", "γ-丁内酯", "麻黄碱", "甲基麻黄碱", "氟胺酮", "尼美西泮片", "大麻")
_REQUESTED = re.compile(r"商议|商定|约定|协商|谈好|讲好|商量|欲购|求购|订购|预定|要求购买|准备购买|联系[^，,。；;]{0,12}购买")
REQUEST_WINDOW = 30  # characters of the weight's clause searched for _REQUESTED
_CLAUSE_END = "，,。；;：:"
PRECISE_DIGITS = 3
_CO_DEFENDANT = re.compile(r"(?:被告人|同案人|同案犯|同伙)(?P<name>[\u4e00-\u9fa5][0-9]{0,2}某(?:某|[0-9]{1,2})?)")
MAX_CO_DEFENDANTS = 50
# A bound ("不满10克", "不足1克", "10克以下") is a limit the text compares with, not a weight: never read as one.
_BOUND_BEFORE = re.compile(r"(?:不满|不足|未满|不到|少于|低于|小于)约?$")
_BOUND_AFTER = re.compile(r"以下|以内")
BOUND_WINDOW = 3
_PRICE_BEFORE = re.compile(r"元(?:/|每)?$")  # "以150元一克的价格": a unit price, not a weight
# Bare numbers listed before a weight share its unit ("净重分别为49.70、48.97、0.15克"). Arabic digits only, of the
# weight's own shape (all with decimals or all without), so a list number ("1、0.5克") is not read as a weight.
_LIST_ITEM = re.compile(r"(?P<number>[0-9０-９]{1,6}(?:[.．][0-9０-９]{1,4})?)\s{0,2}[、和及]\s{0,2}$")
LIST_ITEM_WINDOW = 16
MAX_LIST_ITEMS = 30
# A weight's role is "seized" when the nearest act before it in its sentence is a seizure, "other" when it is a sale,
# a purchase, carrying …; else the first act after it in its clause ("将12.5克冰毒贩卖给"); else the last act of the
# text before its sentence ("当场查获冰毒6袋。经鉴定，6袋冰毒净重15.1克"); and "" when none is found (read with the
# seized). A stated
# total of the seized drug then does not cover amounts sold that the text weighs separately, and vice versa.
_SEIZURE = re.compile(r"查获|缴获|搜出|搜获|起获|扣押|收缴|查扣|扣获|查出|搜查出")
_ON_THE_SPOT = re.compile(r"当场|现场")  # a seizure during the sale: the drug seized may be the drug sold
_OTHER_ACT = re.compile(r"贩卖|卖给|出售|售给|售出|卖出|售卖|交易|购买|购得|买得|买来|买回|买到|购进|运输|携带|走私|制造")
ROLE_WINDOW = 120
ROLE_AFTER_WINDOW = 30


@dataclass(frozen=True)
class CircumstanceCue:
    """A phrase of the text that is evidence of a circumstance flag of rules.json (not the court's finding)."""

    flag: str
    clause: str
    kind: str
    text: str
    start: int
    end: int
    verification: str  # "VERIFIED", or "UNVERIFIED" when the reading rests on an unverified number (多次 = 3+)

    def to_dict(self) -> dict[str, Any]:
        return {"flag": self.flag, "clause": self.clause, "kind": self.kind, "text": self.text,
                "span": [self.start, self.end], "verification": self.verification}


@dataclass(frozen=True)
class _Cue:
    flag: str
    clause: str
    kind: str
    pattern: re.Pattern[str]
    requires: Requirement  # literals no match can do without (toolkit.extract.prefilter)


def load_cues(rules: Rules, path: Path = CUES_PATH) -> tuple[tuple[_Cue, ...], int, str]:
    """The cues of circumstance_cues.json, checked against the flags and clauses of rules.json; the minimum count
    for 多次/多人 and its verification flag."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read the circumstance cues: {error}") from None
    known = rules.circumstance_flags(rules.article_for_conduct("trafficking"))
    verbs = raw["sale_verbs"]
    cues = []
    for index, entry in enumerate(raw["cues"]):
        flag, clause = entry["flag"], entry["clause"]
        if flag not in known or known[flag]["clause"] != clause:
            raise ValueError(f"{path}: cue {index} ({flag}, {clause}) is not a circumstance of rules.json")
        pattern = entry["pattern"].replace("{sale_verbs}", verbs)
        if _LOOKS_PAST_THE_END.search(pattern):
            raise ValueError(f"{path}: cue {index} ({flag}) looks ahead or anchors at an end, which the sentence scan "
                             "does not support")
        compiled = re.compile(pattern)
        cues.append(_Cue(flag, clause, entry["kind"], compiled, required_literals(compiled)))
    count = raw["multiple_count"]
    return tuple(cues), int(count["min_count"]), count["flag_verification"]


@dataclass(frozen=True)
class DrugMention:
    drug: str | None  # rules.json drug id; None for a drug without a threshold
    name: str  # as written
    start: int
    end: int


@dataclass(frozen=True)
class WeightMention:
    grams: Fraction
    text: str
    start: int
    end: int
    marker: str  # "total" | "net" | "gross" | "content" | ""
    drug: str | None
    association: str | None  # "adjacent" | "sentence_before" | "sentence_after" | "only_drug" | None
    in_conclusion: bool = False  # in a sentence of legal conclusion (认为/构成 …): a restatement of the facts
    grand: bool = False  # introduced by 以上/上述/综上: the total of everything before
    requested: bool = False  # an amount only asked for or negotiated (商议/约定/联系…购买 in its clause)
    precise: bool = False  # written with at least PRECISE_DIGITS significant digits: a repeat is the same batch
    role: str = ""  # "seized" | "seized_on_the_spot" | "other" | "" (the nearest act before it in its sentence)
    approximate: str = ""  # "余" / "多" when written as "20余克": the number read, the excess unknown
    listed: bool = False  # an item of a list whose last item alone carries the unit ("49.70、48.97、0.15克")

    def to_dict(self) -> dict[str, Any]:
        return {"grams": float(self.grams), "text": self.text, "span": [self.start, self.end], "marker": self.marker,
                "drug": self.drug, "association": self.association, "in_conclusion": self.in_conclusion,
                "requested": self.requested, "role": self.role, "approximate": self.approximate,
                "listed": self.listed}


@dataclass(frozen=True)
class DrugQuantity:
    """The quantity of one drug the text attributes to the defendant."""

    drug: str
    name_zh: str
    grams: Fraction
    method: str  # "stated_total" | "sum_of_totals" | "single" | "largest_covers_rest" | "sum" | "seized_plus_other"
    basis: str  # "net" | "gross" | "unmarked"
    spans: tuple[tuple[int, int], ...]  # the weights it is read from

    def to_dict(self) -> dict[str, Any]:
        return {"drug": self.drug, "name_zh": self.name_zh, "grams": float(self.grams), "grams_exact": str(self.grams),
                "method": self.method, "basis": self.basis, "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True)
class DrugExtraction:
    defendant: str | None
    section: str  # "court_findings" | "whole_text"
    quantities: tuple[DrugQuantity, ...]
    unlisted_drugs: tuple[DrugMention, ...]
    drugs_named: tuple[DrugMention, ...]
    weights: tuple[WeightMention, ...]
    multiple_sales_cues: tuple[tuple[int, int], ...]
    notes: tuple[str, ...] = field(default=())
    circumstance_cues: tuple[CircumstanceCue, ...] = field(default=())

    def circumstance_flags(self) -> tuple[str, ...]:
        """The flags the cues point to, in the order first seen."""
        return tuple(dict.fromkeys(c.flag for c in self.circumstance_cues))

    def circumstances_unverified(self) -> bool:
        """Whether a flag rests only on an UNVERIFIED reading (a counted 3+ times)."""
        return any(all(c.verification != "VERIFIED" for c in self.circumstance_cues if c.flag == flag)
                   for flag in self.circumstance_flags())

    @property
    def total_grams(self) -> dict[str, Fraction]:
        return {q.drug: q.grams for q in self.quantities}

    def main_drug(self) -> DrugQuantity | None:
        """The drug with the largest quantity relative to its own 数量较大 threshold."""
        if not self.quantities:
            return None
        rules = load_rules()
        return max(self.quantities, key=lambda q: q.grams / rules.drug(q.drug).thresholds["relatively_large"].grams)

    def to_facts(self, conduct: str = "trafficking", conduct_date: Any = None, circumstances: Iterable[str] = ()) -> DrugFacts:
        return DrugFacts(quantities={q.drug: q.grams for q in self.quantities}, conduct=conduct,
                         circumstances=tuple(circumstances), conduct_date=conduct_date,
                         unlisted_drugs=tuple(dict.fromkeys(m.name for m in self.unlisted_drugs)))

    def to_dict(self) -> dict[str, Any]:
        return {"defendant": self.defendant, "section": self.section,
                "quantities": [q.to_dict() for q in self.quantities],
                "unlisted_drugs": sorted({m.name for m in self.unlisted_drugs}),
                "weights": [w.to_dict() for w in self.weights],
                "multiple_sales_cues": [list(s) for s in self.multiple_sales_cues],
                "circumstance_cues": [c.to_dict() for c in self.circumstance_cues], "notes": list(self.notes)}


def _name_table(rules: Rules) -> list[tuple[str, str | None]]:
    names = [(name, drug.id) for drug in rules.drugs for name in drug.names()]
    names += [(name, None) for name in UNLISTED_DRUG_NAMES]
    return sorted(names, key=lambda item: -len(item[0]))


def _drug_pattern(rules: Rules) -> tuple[re.Pattern[str], dict[str, str | None]]:
    table = _name_table(rules)
    lookup = dict(table)
    return re.compile("|".join(re.escape(name) for name, _ in table)), lookup


def _weight_pattern(rules: Rules) -> re.Pattern[str]:
    symbols = sorted({s for u in rules.units for s in u.symbols}, key=len, reverse=True)
    ending = [s for s in symbols if any(ch in _SENTENCE_END for ch in s)]
    if ending:  # the pattern's (?![a-zA-Z]) after the unit must stay inside the sentence (_holding_sentences)
        raise ValueError(f"rules.json units: symbols {ending} contain a sentence end")
    return re.compile(rf"(?P<number>{NUMBER_PATTERN})(?P<approx>余|多)?\s{{0,2}}(?P<unit>{'|'.join(map(re.escape, symbols))})(?![a-zA-Z])")


_CACHE: dict[str, Any] = {}


def _patterns(rules: Rules):
    key = rules.version
    if key not in _CACHE:
        _CACHE[key] = (_drug_pattern(rules), _weight_pattern(rules), load_cues(rules))
    return _CACHE[key]


def _requested(text: str, start: int) -> bool:
    begin = bounds_around(text, start, _CLAUSE_END, max(0, start - REQUEST_WINDOW), start)[0]  # the clause so far
    return bool(_REQUESTED.search(text, begin, start))


def _role(text: str, sentence_start: int, start: int) -> str:
    """"seized", "seized_on_the_spot", "other" or "" (see _SEIZURE)."""
    role = _role_before(text, max(sentence_start, start - ROLE_WINDOW), start)
    if role is not None:
        return role
    stop = bounds_around(text, start, _CLAUSE_END, start, min(len(text), start + ROLE_AFTER_WINDOW))[1]
    seizure, other = _SEIZURE.search(text, start, stop), _OTHER_ACT.search(text, start, stop)
    if other and (seizure is None or other.start() < seizure.start()):
        return "other"
    if seizure:
        return "seized"
    return _role_before(text, max(0, sentence_start - ROLE_WINDOW), sentence_start) or ""


def _role_before(text: str, window: int, start: int) -> str | None:
    """The role given by the last act in text[window:start], None without one."""
    # matches of finditer do not overlap, so the last one ends last
    last_seizure = last_other = -1
    for m in _SEIZURE.finditer(text, window, start):
        last_seizure = m.end()
    for m in _OTHER_ACT.finditer(text, window, start):
        last_other = m.end()
    if last_seizure < 0 and last_other < 0:
        return None
    if last_other > last_seizure:
        return "other"
    if _ON_THE_SPOT.search(text, max(window, last_other), start):
        return "seized_on_the_spot"
    return "seized"


def _not_a_weight(text: str, sentence_start: int, start: int, end: int) -> str | None:
    """Why a number with a unit is not a weight of the drug (a bound or a unit price), else None."""
    before = text[max(sentence_start, start - BOUND_WINDOW):start]
    if _BOUND_BEFORE.search(before) or _BOUND_AFTER.match(text, end):
        return "a bound (不满/不足/以下 …), not a weight"
    if _PRICE_BEFORE.search(before):
        return "a unit price, not a weight"
    return None


@dataclass(frozen=True)
class _Written:
    """One weight as written: a number with its unit, or a bare list item that takes the unit of the list's last."""

    start: int
    end: int
    text: str
    number: str
    grams: Fraction
    approximate: str = ""
    listed: bool = False


def _list_items(text: str, sentence_start: int, weight: re.Match[str], unit: str, rules: Rules) -> list[_Written]:
    """The bare numbers listed right before `weight` ("49.70、48.97、" before "0.15克"), in text order."""
    decimal = any(ch in weight.group("number") for ch in ".．")
    items: list[_Written] = []
    position = weight.start()
    while len(items) < MAX_LIST_ITEMS:
        m = _LIST_ITEM.search(text, max(sentence_start, position - LIST_ITEM_WINDOW), position)
        if m is None or any(ch in m.group("number") for ch in ".．") != decimal:
            break
        if m.start() > sentence_start and (text[m.start() - 1].isdigit() or text[m.start() - 1] in ".．第"):
            break  # part of a longer number or an ordinal (第1、2次)
        read = _grams(m.group("number"), unit, rules)
        if read is None:
            break
        items.append(_Written(m.start(), m.start() + len(m.group("number")), m.group("number"), m.group("number"),
                              read[0], listed=True))
        position = m.start()
    return items[::-1]


def _precise(number: str) -> bool:
    digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit()).strip("0")
    return len(digits) >= PRECISE_DIGITS


def _co_defendants(text: str, defendant: str | None, given: Iterable[str]) -> list[str]:
    others = [c for c in given if c and c != defendant]
    if not defendant:
        return others
    for m in _CO_DEFENDANT.finditer(text):
        name = m.group("name")
        if len(others) >= MAX_CO_DEFENDANTS:
            break
        if not defendant.startswith(name) and not name.startswith(defendant) and name not in others:
            others.append(name)
    return others


def _cues_in(text: str, s: int, e: int, cues: tuple[_Cue, ...], min_count: int, count_flag: str) -> list[CircumstanceCue]:
    out = []
    for cue in cues:
        for m in cue.pattern.finditer(text, s, e):
            verification = "VERIFIED"
            counted = [g for g in (m.groupdict().get("count"), m.groupdict().get("count2")) if g]
            if counted:
                n = parse_number(counted[0])
                if n is None or n < min_count:
                    continue
                verification = count_flag
            out.append(CircumstanceCue(cue.flag, cue.clause, cue.kind, m.group(), m.start(), m.end(), verification))
    return out


def _section(text: str) -> tuple[int, int, str]:
    """The court's findings where the text has them (after the allegation), else the whole text."""
    first = _FIRST_COURT_START(text)
    if first is not None:
        return first[0], len(text), "court_findings"
    return 0, len(text), "whole_text"


_SENTENCE_END_RE = re.compile(f"[{re.escape(_SENTENCE_END)}]")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut after every sentence end: contiguous, covering the whole range."""
    out, begin = [], start
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        out.append((begin, m.end()))
        begin = m.end()
    if begin < end:
        out.append((begin, end))
    return out


_CUE_SCANS: dict[str, LiteralScan] = {}


def _cue_literals(version: str, cues: tuple[_Cue, ...]) -> LiteralScan:
    """One scan for the literals that the cues of this rules version require (toolkit.extract.prefilter)."""
    if version not in _CUE_SCANS:
        _CUE_SCANS[version] = LiteralScan(word for cue in cues for clause in cue.requires for word in clause)
    return _CUE_SCANS[version]


_SEARCHES: dict[re.Pattern[str], Any] = {}  # pattern -> its anchored search (prefilter.plan_search), planned once


def _holding_sentences(pattern: re.Pattern[str], text: str, sentences: list[tuple[int, int]],
                       starts: list[int], requires: Requirement = ()) -> set[int]:
    """Indices of the sentences where pattern.finditer(text, s, e) finds a match, found with one leftmost search
    per such sentence instead of one scan per sentence. Exact: a match inside a sentence is also a match of the search
    over the rest of the text, so the leftmost search from a sentence start never skips a sentence that holds one.
    Without the literals of `requires` in the text, no sentence can hold a match and nothing is searched."""
    held: set[int] = set()
    end = sentences[-1][1] if sentences else 0
    position = sentences[0][0] if sentences else 0
    if not may_match(text, position, end, requires):
        return held
    search = _SEARCHES.get(pattern)
    if search is None:
        search = _SEARCHES[pattern] = plan_search(pattern)
    while position < end:
        m = search(text, position, end)
        if m is None:
            break
        index = bisect_right(starts, m.start()) - 1
        held.add(index)
        position = sentences[index][1]
    return held


def _marker(text: str, start: int) -> str:
    before = text[max(0, start - MARKER_WINDOW):start]
    if _CONTENT.search(before):
        return "content"
    if _TOTAL.search(before) or _TOTAL.search(before.rstrip("约达为是")):
        return "total"
    if _GROSS.search(before):
        return "gross"
    if _NET.search(before):
        return "net"
    return ""


_WEIGHT_CACHE: dict[tuple[str, str, str], tuple[Fraction, str] | None] = {}
WEIGHT_CACHE_SIZE = 8192  # distinct written weights kept (the same "0.5克" recurs across documents), keyed like
# _patterns by the rules version


def _read_weight(match: re.Match[str], rules: Rules) -> tuple[Fraction, str] | None:
    key = (rules.version, match.group("number"), match.group("unit"))
    if key not in _WEIGHT_CACHE:
        if len(_WEIGHT_CACHE) >= WEIGHT_CACHE_SIZE:
            _WEIGHT_CACHE.clear()
        _WEIGHT_CACHE[key] = _grams(key[1], key[2], rules)
    return _WEIGHT_CACHE[key]


def _grams(number: str, unit: str, rules: Rules) -> tuple[Fraction, str] | None:
    if number.endswith(("千", "仟")) and unit in rules.unit("克").symbols and len(number) > 1:
        number, unit = number[:-1], "千克"  # 十千克 is ten kilograms, not 十千 克
    value = exact_number(number.rstrip(",，.．"))
    if value is None or value < 0:
        return None
    return value * rules.unit(unit).grams, unit


def extract_drug_facts(text: str, defendant: str | None = None, co_defendants: Iterable[str] = (),
                       rules: Rules | None = None) -> DrugExtraction:
    rules = rules or load_rules()
    notes: list[str] = []
    if len(text) > MAX_CHARS:
        notes.append(f"text cut at {MAX_CHARS} characters (of {len(text)})")
        text = text[:MAX_CHARS]
    (drug_re, lookup), weight_re, (cue_table, min_count, count_flag) = _patterns(rules)
    section, every_sentence, with_drug, with_weight, cues_by_sentence = _scan(text, rules.version)
    others = _co_defendants(text, defendant, co_defendants)
    sentences, kept = [], []
    for index in sorted(with_drug | with_weight | cues_by_sentence.keys()):  # the others have nothing to read
        s, e = every_sentence[index]
        chunk = text[s:e]
        if defendant and others and defendant not in chunk and any(o in chunk for o in others):
            continue
        sentences.append((s, e))
        kept.append(index)
    mentions: list[DrugMention] = []
    weights: list[WeightMention] = []
    cues: list[CircumstanceCue] = []
    weight_count = 0
    per_sentence: list[tuple[list[DrugMention], list[list[_Written]]]] = []
    for index, (s, e) in zip(kept, sentences):
        found = []
        for m in drug_re.finditer(text, s, e) if index in with_drug else ():
            if len(mentions) + len(found) >= MAX_MENTIONS:
                notes.append(f"more than {MAX_MENTIONS} drug names: the rest were not read")
                break
            found.append(DrugMention(lookup[m.group()], m.group(), m.start(), m.end()))
        mentions += found
        if index in cues_by_sentence:
            cues += _cues_in(text, s, e, cues_by_sentence[index], min_count, count_flag)
        ws = []
        for m in weight_re.finditer(text, s, e) if index in with_weight else ():
            if weight_count >= MAX_WEIGHTS:
                notes.append(f"more than {MAX_WEIGHTS} weights: the rest were not read")
                break
            read = _read_weight(m, rules)
            if read is None:
                continue
            why_not = _not_a_weight(text, s, m.start(), m.end())
            if why_not:
                notes.append(f"{m.group()!r} at {m.start()}: {why_not}: not read")
                continue
            approximate = m.group("approx") or ""
            if approximate:
                notes.append(f"{m.group()!r} at {m.start()}: approximate ({approximate}: more than), read as "
                             f"{float(read[0]):g} g")
            items = _list_items(text, s, m, read[1], rules)
            room = MAX_WEIGHTS - weight_count - 1  # the list's items nearest the unit-bearing weight are kept
            if len(items) > room:
                items = items[len(items) - room:] if room > 0 else []
            ws.append(items + [_Written(m.start(), m.end(), m.group(), m.group("number"), read[0], approximate,
                                        listed=bool(items))])
            weight_count += len(ws[-1])
        per_sentence.append((found, ws))
    listed = {m.drug for m in mentions if m.drug}
    only = next(iter(listed)) if len(listed) == 1 else None
    for (s, e), (found, ws) in zip(sentences, per_sentence):
        if not ws:
            continue
        conclusion = bool(_CONCLUSION.search(text, s, e))
        for group in ws:
            first, m = group[0], group[-1]  # a list's items take the drug of its last, unit-bearing weight
            drug, how = None, None
            before = [d for d in found if d.end <= first.start]
            later = [d for d in found if d.start >= m.end]
            right_before = [d for d in before if first.start - d.end <= ADJACENT
                            and _JOINERS.fullmatch(text, d.end, first.start)]
            right_after = [d for d in later if _AFTER_GAP.fullmatch(text, m.end, d.start)]
            if right_before:
                drug, how = right_before[-1].drug, "adjacent"
            elif right_after:
                drug, how = right_after[0].drug, "adjacent"
            elif before:
                k = len(before) - 1
                while k > 0 and _COORDINATION.fullmatch(text, before[k - 1].end, before[k].start):
                    k -= 1
                drug, how = before[k].drug, "sentence_before"
            elif later:
                drug, how = later[0].drug, "sentence_after"
            elif only:
                drug, how = only, "only_drug"
            list_marker = _marker(text, first.start)
            for w in group:
                grand = bool(_GRAND.search(text, max(s, w.start - GRAND_WINDOW), w.start))
                marker = list_marker if w is first else _marker(text, w.start) or list_marker
                weights.append(WeightMention(w.grams, w.text, w.start, w.end, marker,
                                             drug, how, conclusion, grand, _requested(text, w.start),
                                             _precise(w.number), _role(text, s, w.start), w.approximate, w.listed))
    quantities = []
    weighed = {w.drug for w in weights if w.drug}
    for drug_id in [d.id for d in rules.drugs if d.id in weighed]:
        chosen = _choose([w for w in weights if w.drug == drug_id and w.marker != "content"])
        if chosen is not None:
            grams, method, basis, used = chosen
            quantities.append(DrugQuantity(drug_id, rules.drug(drug_id).name_zh, grams, method, basis,
                                           tuple((w.start, w.end) for w in used)))
    unattached = [w for w in weights if w.drug is None]
    if unattached:
        notes.append(f"{len(unattached)} weight(s) attached to no drug with a threshold")
    if not quantities:
        notes.append("no drug quantity found" + (" in the court's findings" if section == "court_findings" else ""))
    return DrugExtraction(defendant, section, tuple(quantities), tuple(m for m in mentions if m.drug is None),
                          tuple(mentions), tuple(weights),
                          tuple((c.start, c.end) for c in cues if c.flag == "multiple_sales"), tuple(notes), tuple(cues))


@for_last_text
def _scan(text: str, version: str) -> tuple[str, list[tuple[int, int]], set[int], set[int], dict[int, list[_Cue]]]:
    """What extract_drug_facts reads whatever the defendant, so co-defendants share it: the section, its sentences, and
    the indices of those that hold a drug name, a weight, and each circumstance cue. `version` names the rules whose
    patterns _patterns has compiled."""
    (drug_re, _lookup), weight_re, (cue_table, _min_count, _count_flag) = _CACHE[version]
    begin, end, section = _section(text)
    every_sentence = _sentences(text, begin, end)
    starts = [s for s, _ in every_sentence]
    with_drug = _holding_sentences(drug_re, text, every_sentence, starts)
    with_weight = _holding_sentences(weight_re, text, every_sentence, starts)
    cues_by_sentence: dict[int, list[_Cue]] = {}
    present = _cue_literals(version, cue_table)(text, begin, every_sentence[-1][1]) if every_sentence else frozenset()
    for cue in cue_table:
        if not every_sentence or not met(cue.requires, present):
            continue  # a literal every match needs is absent
        for index in sorted(_holding_sentences(cue.pattern, text, every_sentence, starts)):
            cues_by_sentence.setdefault(index, []).append(cue)
    return section, every_sentence, with_drug, with_weight, cues_by_sentence


def _choose(weights: list[WeightMention]) -> tuple[Fraction, str, str, list[WeightMention]] | None:
    """One quantity from a drug's weights.

    0. Requested or negotiated amounts are dropped when other weights are stated.
    1. Weights restated in a sentence of legal conclusion: the largest one that lies between the largest and the
       sum of the facts' weights (repeats of a precise weight counted once) is the prosecution's or court's total;
       the others are dropped.
    2. The largest weight when all the others add up to it (within 5%).
    3. Without a grand total (以上/上述/综上 …), the seized weights (with those of sentences that name no act) and
       the others (sold, carried, bought) are read apart and added: a total of the seizure does not cover amounts
       sold, nor a total of the sales the drug seized. A precise weight of the others that is also seized is the
       same batch and is counted with the seized; so is the whole of the others when the drug was seized on the spot
       (当场) and the two parts agree within 5%.
    4. Each part as in _choose_part.
    """
    if not weights:
        return None
    if any(not w.requested for w in weights):
        weights = [w for w in weights if not w.requested]
    facts = [w for w in weights if not w.in_conclusion]
    facts_only = _without_repeats(facts)
    restated = [w for w in weights if w.in_conclusion]
    if facts_only and restated:
        high = _sum_grams(facts_only) * Fraction(1001, 1000)
        low = max(w.grams for w in facts_only) * Fraction(999, 1000)
        plausible = [w for w in restated if low <= w.grams <= high]
        if plausible:
            best = max(plausible, key=lambda w: w.grams)
            return best.grams, "stated_total", _basis(facts_only), [best]
    weights = facts or weights
    whole = _without_repeats(weights)
    covering = _largest_covering(whole)  # "共计224粒，约21.926克。其中…" covers the sold and the seized alike
    if covering is not None:
        method = "stated_total" if covering.marker == "total" else "largest_covers_rest"
        return covering.grams, method, _basis(whole), [covering]
    if not any(w.grand and w.marker == "total" for w in weights):
        seized = [w for w in weights if w.role != "other"]
        seized_precise = {w.grams for w in seized if w.precise}
        others = [w for w in weights if w.role == "other" and not (w.precise and w.grams in seized_precise)]
        if others and any(w.role.startswith("seized") for w in seized):
            held, sold = _choose_part(seized, min_parts=2), _choose_part(others, min_parts=2)
            on_the_spot = any(w.role == "seized_on_the_spot" for w in seized)
            if on_the_spot and abs(held[0] - sold[0]) <= max(held[0], sold[0]) * Fraction(5, 100):
                return held
            return held[0] + sold[0], "seized_plus_other", _basis(weights), held[3] + sold[3]
    return _choose_part(weights)


def _choose_part(weights: list[WeightMention], min_parts: int = 1) -> tuple[Fraction, str, str, list[WeightMention]]:
    """1. The largest weight when the others, each smaller, add up to it (within 5%; "2次贩卖25克" then 12.5克 twice).
    2. Repeats of a precise weight are counted once; gross weights are dropped when net ones are stated.
    3. Stated totals: a grand total (以上/上述/综上 …) wins; else one total; else the largest when it covers the
       other totals; else the totals of separate batches are summed.
    4. Otherwise: one weight; the largest when the others add up to it (within 5%); else the sum.
    Within the seized or the other part (min_parts=2), two close weights are two items, not a total and its part:
    that reading is made once, over the whole (_choose)."""
    if not any(w.marker == "total" for w in weights) and len(weights) > 2:
        covering = _largest_covering(weights)
        if covering is not None:
            return covering.grams, "largest_covers_rest", _basis(weights), [covering]
    weights = _without_repeats(weights)
    if any(w.marker == "net" for w in weights):
        weights = [w for w in weights if w.marker != "gross"]
    basis = _basis(weights)
    totals = [w for w in weights if w.marker == "total"]
    if totals:
        grand = [w for w in totals if w.grand]
        if grand or len(totals) == 1:
            best = max(grand or totals, key=lambda w: w.grams)
            return best.grams, "stated_total", basis, [best]
        largest = max(totals, key=lambda w: w.grams)
        others = _sum_grams([w for w in totals if w is not largest])
        if largest.grams * Fraction(95, 100) <= others <= largest.grams * Fraction(1001, 1000):
            return largest.grams, "stated_total", basis, [largest]
        return largest.grams + others, "sum_of_totals", basis, totals
    if len(weights) == 1:
        return weights[0].grams, "single", basis, weights
    covering = _largest_covering(weights) if len(weights) > min_parts else None
    if covering is not None:
        return covering.grams, "largest_covers_rest", basis, [covering]
    return _sum_grams(weights), "sum", basis, weights


def _largest_covering(weights: list[WeightMention]) -> WeightMention | None:
    """The largest weight when every other is smaller and they add up to it within 5% (a total without a marker).
    An item of a list ("分别为49.70、48.97、0.15克") is one of the parts, never their total."""
    largest = max(weights, key=lambda w: w.grams)
    if largest.listed:
        return None
    rest = [w for w in weights if w is not largest]
    rest_sum = _sum_grams(rest)
    if rest and all(w.grams < largest.grams for w in rest) and \
            largest.grams * Fraction(95, 100) <= rest_sum <= largest.grams * Fraction(1001, 1000):
        return largest
    return None


def _sum_grams(weights: Iterable[WeightMention]) -> Fraction:
    """The exact sum of the weights' grams, added as integers over a common denominator: one Fraction is built
    instead of one per addition (this sum runs several times per drug)."""
    numerator, denominator = 0, 1
    for w in weights:
        top, bottom = w.grams.numerator, w.grams.denominator
        if bottom != denominator:
            common = lcm(denominator, bottom)
            numerator *= common // denominator
            denominator = common
        numerator += top * (denominator // bottom)
    return Fraction(numerator, denominator)


def _without_repeats(weights: list[WeightMention]) -> list[WeightMention]:
    """Drop later repeats of a precise weight (the same batch written again); a stated total is kept over a
    plain mention of the same value."""
    kept: dict[Fraction, WeightMention] = {}
    out: list[WeightMention] = []
    for w in weights:
        if not w.precise:
            out.append(w)
            continue
        first = kept.get(w.grams)
        if first is None:
            kept[w.grams] = w
            out.append(w)
        elif w.marker == "total" and first.marker != "total":
            out[out.index(first)] = w
            kept[w.grams] = w
    return out


def _basis(weights: list[WeightMention]) -> str:
    if any(w.marker == "net" for w in weights):
        return "net"
    return "gross" if any(w.marker == "gross" for w in weights) else "unmarked"
