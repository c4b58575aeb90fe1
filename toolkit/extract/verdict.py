"""The operative part of a judgment (判决如下 …) → one sentence per defendant, every value with its span.

How a text is read:
1. The operative part is the text after the last 判决如下/裁定如下/决定如下, up to 如不服/审判长/审判员
   (or the end).  Texts without one (published excerpts, news reports) are read as prose: every
   sentence that imposes a penalty is a candidate and, per defendant, the last one wins — so an
   account that states a first- and then a second-instance sentence yields the second one.
2. Parentheticals (（刑期从…起计算…）) are blanked in a same-length working copy so that offsets
   stay valid; the part is cut into clauses at ；。 and item numbers (一、二、…).
3. Each clause is assigned to the defendants it names (a clause that names nobody continues the
   previous one; a numbered item that names nobody applies to everybody, e.g. confiscation).
   A clause naming several defendants is split at the names when each name has its own penalty,
   otherwise 分别判处 distributes the listed penalties in order and 各/均 gives each the same.
4. Per defendant, 决定执行 (数罪并罚) wins over the per-charge penalties; without it the last
   penalty stated wins.  Items that revoke (撤销 …, 即 …) quote the overturned sentence and are
   skipped; 驳回上诉，维持原判 sends the reader back to the text's account of the first-instance
   judgment.
Numbers are read by toolkit.numerals; all patterns are linear (no nested quantifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from toolkit.extract import Extracted
from toolkit.extract.textspan import OPERATIVE_MARKERS, PSEUDONYM, last_of
from toolkit.numerals import MONEY_AMOUNT_PATTERN, parse_duration_months, parse_money_yuan, parse_number

_NUM = "0-9０-９零〇一二两三四五六七八九十百"
_DURATION = rf"[{_NUM}]{{1,6}}\s*(?:年|个月|個月|月)(?:\s*[零又]?\s*[{_NUM}]{{1,4}}\s*(?:个月|個月|月))?"

_OPERATIVE_END_RE = re.compile(
    r"如不服本|如不服从本|本判决为终审|本裁定为终审|本判决系终审|审\s*判\s*长|代理审判员|审\s*判\s*员"
    r"|人民陪审员|书\s*记\s*员|附\s*[：:]?\s*(?:相关|本案|本判决|法律)"
)
_OPERATIVE_MAX_CHARS = 6000
_PROSE_MAX_CHARS = 200_000
# Hard bound per document on the defendants read (the largest real multi-defendant judgments name
# well under a hundred); a note says when it was reached.
MAX_DEFENDANTS = 200

# The party section (当事人) runs from the title to the first mention of the prosecution or the case.
_PARTY_SECTION_END = (
    "检察院以", "起诉书", "指控", "一案", "公诉机关以", "检察署以", "审理终结", "经审理查明", "本院认为", *OPERATIVE_MARKERS
)
# One search for the earliest of them (ties: the word listed first, as textspan.first_of): the end is usually a few
# hundred characters in, where one scan stops, whereas first_of makes a str.find call per word.
_PARTY_SECTION_END_RE = re.compile("|".join(map(re.escape, _PARTY_SECTION_END)))
_PARTY_NAME_RE = re.compile(
    r"(?:被告人|上诉人|罪犯|被不起诉人)(?:[（(][^）)]{0,12}[）)])?(?:自报)?"
    r"([^\s，,。；;：:（()）、“”\"'《》\[\]【】犯等]{1,10})"
    r"(?=[（(]|[；;]|。\s*(?:辩护人|被告人|上诉人|委托|法定|指定|原审)|[，,]\s*(?:男|女|曾用名|绰号|化名|又名|别名|[0-9]{4}年"
    r"|[一二][〇零○]|汉族|\S族|出生|生于|住|户籍|无业|无固定|农民|个体|职员|工人|原系|系|现羁押|因涉嫌|身份证))"
    r"|被告单位([^\s，,。；;：:（()）、“”\"'《》]{2,40}?)(?=[，,；;。（(]|\s)"
)
# Defendant named after a role word in the operative part or in prose, when the party section gave none.
_LEAD_NAME_RE = re.compile(
    r"(?:被告人|上诉人|被告(?!人)|罪犯)(?:[（(][^）)]{0,12}[）)])?"
    r"([^\s，,。；;：:（()）、“”\"'《》犯以均各分等因被系]{1,10}?)"
    r"(?=犯|因|被|系|的|、|，|,|无罪|不负|免予|免于|[（(]|和|及|有期|拘役|管制|判处|$)"
)
_PROSE_NAME_RE = re.compile(
    r"(?:判处|判决|对)([^\s，,。；;：:（()）、“”\"'《》犯以其均各分等因被]{1,5}?)"
    r"(?=有期徒刑|拘役|管制|无期徒刑|死刑|罚金|免予|免于|犯|因犯)"
    r"|(?:^|(?<=[，,。；;\s]))([\u4e00-\u9fff]{2,4}?)(?=因犯?[^，,。；;]{1,30}?罪[^。；;]{0,12}?被判)"
    # group sentences: 判处童某等被告人有期徒刑9年至16年 (a range: convicted, no individual term)
    r"|(?:判处|判决)(?:被告人?)?([\u4e00-\u9fff]{2,4}?)(?=等[^，,。；;]{0,8}?(?:有期徒刑|拘役|管制))"
)
_NAME_CHAIN_RE = re.compile(r"[、和及]\s*([^\s，,。；;：:（()）、“”\"'《》犯以均各分等和及]{1,6}?)(?=犯|因|被|的|等|、|，|,|和|及|无罪|[（(])")
# 周某、欧某、陈某五名被告人 / 甲某、乙某二被告人
_NAME_LIST_RE = re.compile(r"((?:[\u4e00-\u9fff][\u4e00-\u9fff0-9]{1,3}、){1,12}[\u4e00-\u9fff][\u4e00-\u9fff0-9]{1,3}?)(?:等)?[0-9一二三四五六七八九十两]{0,3}名?被告人")
# The end of every such list ("、陈某五名被告人"); a search for it starts at 、 and is much cheaper.
_NAME_LIST_END_RE = re.compile(r"、[\u4e00-\u9fff][\u4e00-\u9fff0-9]{1,3}?(?:等)?[0-9一二三四五六七八九十两]{0,3}名?被告人")
_NOT_NAME_CHARS = frozenset("的了是该此")
_DURATION_NAME_RE = re.compile(rf"[{_NUM}]+\s*(?:年|个月|月)")  # 判处三年有期徒刑: 三年 is no name
# 判处六人有期徒刑…, 二十一名被告均…, 二被告人: a count of persons, not a name
_COUNT = rf"(?:[{_NUM}千万]{{1,6}}余?|多)"  # 六, 21, 九千, 十余, 多 (多人: a size the text does not give)
_GROUP_NAME_RE = re.compile(rf"{_COUNT}\s{{0,2}}(?:名|个)?\s{{0,2}}(?:被告人|被告|罪犯|人)")
# A sentence for a group the text does not name one by one: 3人均被判处…, 判处六人…, 21名被告均以…罪判处…
_GROUP_SENTENCED_RE = re.compile(
    rf"(?P<lead>{_COUNT})\s{{0,2}}(?:名|个)?\s{{0,2}}(?:被告人|被告|罪犯|人)[^，,。；;]{{0,30}}?(?:判处|判决|获刑|被判)"
    rf"|(?:判处|判决)(?P<object>{_COUNT})\s{{0,2}}(?:名|个)?\s{{0,2}}(?:被告人|被告|罪犯|人)"
)
# Prose without role words: 乙某有期徒刑1年6个月 (a name opening a clause, right before its penalty) …
_CLAUSE_HEAD_NAME_RE = re.compile(
    r"[，,\s]*(?:对)?(?![判处并被均各分决执改以获])([\u4e00-\u9fff]{1,2}某{1,2}[甲乙丙丁0-9]?|[\u4e00-\u9fff]{2,3}?)"
    r"(?=有期徒刑|拘役|管制|无期徒刑|死刑)"
)
# … and a pseudonymised name earlier in the sentence: 外卖骑手孙某因出售…条信息被判处… (not 向/从/给 孙某)
_PSEUDONYM_RE = re.compile(PSEUDONYM)
_FUNCTION_CHARS = frozenset("因被犯以于在等将把向从对曾多已利通自非为经均也又还和与及是")  # 孙某因… : 孙某
_NOT_SUBJECT_BEFORE = ("向", "从", "给", "被害人", "与", "帮助", "为")
_NOT_NAMES = frozenset({"相应", "相关", "本案", "该案", "各被告人", "其", "各", "均", "上述", "以上", "二人", "三人", "两人", "单位", "人"})

# An item number 一、 must not continue a word; the look-behind sits after the first numeral (it
# checks the character before it) so that the search can skip to candidate characters.
_CLAUSE_BREAK_RE = re.compile(r"[；;。\n]|[一二三四五六七八九十](?<![\w].)[一二三四五六七八九十]{0,2}[、．.](?!\d)")
_PAREN_RE = re.compile(r"[（(][^（()）]{0,400}[)）]")

# news style puts the duration first: 被判处三年有期徒刑 (a short number, not a year such as 2019年)
_DURATION_FIRST = rf"[{_NUM}](?<![0-9０-９].)[{_NUM}]{{0,2}}\s*(?:年|个月|個月)(?:\s*[零又]?\s*[{_NUM}]{{1,3}}\s*(?:个月|個月|月))?"
_PRINCIPAL_RE = re.compile(
    rf"(?P<kind>有期徒刑|拘役|管制)\s*(?P<dur>{_DURATION})"
    rf"|(?P<dur2>{_DURATION_FIRST})(?P<kind2>有期徒刑|拘役|管制)"
    r"|(?P<life>无期徒刑)"
    r"|(?P<dsusp>死刑[，,]?\s*缓期[二两2]年执行)"
    r"|(?P<death>死刑)"
)
_PROBATION_RE = re.compile(rf"缓刑(?:考验期(?:限)?)?(?:为)?\s*(?P<dur>{_DURATION})")
_FINE_RE = re.compile(
    rf"(?P<each0>各)?(?:并处|单处|判处)?罚金(?:人民币?)?\s*(?P<each>各)?\s*(?P<amt>{MONEY_AMOUNT_PATTERN}\s*(?:余|多)?\s*元)"
)
# 并处罚金7000; — news copy that drops 元: read only right after 并处/单处/判处 and before a clause break
_FINE_NO_UNIT_RE = re.compile(
    rf"(?:并处|单处|判处)罚金(?:人民币)?\s*(?P<amt>{MONEY_AMOUNT_PATTERN})(?=[；;，,。、\n]|$)"
)
_FINE_MORE_RE = re.compile(rf"\s*[、和]\s*(?:人民币)?(?P<amt>{MONEY_AMOUNT_PATTERN}\s*元)")
_FINE_WORD_RE = re.compile(r"罚金")
_PRINCIPAL_MORE_RE = re.compile(rf"\s*[、和]\s*(?:有期徒刑|拘役|管制)?\s*(?P<dur>{_DURATION})")
_KIND = {"有期徒刑": "fixed_term", "拘役": "criminal_detention", "管制": "public_surveillance"}
_EXEMPT_RE = re.compile(r"免[予于除]刑事处罚")
_ACQUIT_RE = re.compile(r"无罪")
_NOT_RESPONSIBLE_RE = re.compile(r"不负刑事责任")
_POLITICAL_RE = re.compile(rf"剥夺政治权利\s*(?:(?P<life>终身)|(?P<dur>{_DURATION}))")
_CONFISCATION_RE = re.compile(
    r"没收(?:其|被告人)?(?:个人)?(?:全部|部分)?财产"
    r"|(?:违法所得|犯罪所得|非法所得|赃款|非法获利|获利)[^；;。]{0,40}?(?:没收|上缴国库|追缴)"
    r"|(?:追缴|没收)[^；;。]{0,30}?(?:违法所得|犯罪所得|非法所得|赃款|非法获利|获利)"
)
# a charge name ends in 罪 but not in 犯罪 (掩饰、隐瞒犯罪所得罪 runs past the inner 犯罪)
# (犯(?<!侵犯) is (?<!侵)犯 written so that the search can skip ahead to 犯 or 以.)
_CHARGE_RE = re.compile(r"(?:犯(?<!侵犯)|以)(?!罪)([\u4e00-\u9fff][\u4e00-\u9fff、]{0,24}?(?<!犯)罪)")
_CHARGE_MORE_RE = re.compile(r"(?:、|和|及|与)(?!罪)([\u4e00-\u9fff][\u4e00-\u9fff、]{0,24}?(?<!犯)罪)")
_SENTENCED_RE = re.compile(r"(?:被|分别|均|依法|当庭)?判(?:处|决)?[^，,。；;]{0,12}?(?:有期徒刑|拘役|管制|刑罚|罚金)|获刑|被判刑")
_EXECUTE_RE = re.compile(r"决定(?:合并)?执行|合并执行|总和刑期")
_REVOKE_RE = re.compile(r"^\s*撤销")
_RESPECTIVELY_RE = re.compile(r"分别")
# group sentences: 有期徒刑一年三个月至三年 / 罚金三万元至六十万元 / …不等 (dates such as 2017年至2019年 are not ranges)
_RANGE_RE = re.compile(
    rf"不等|(?:有期徒刑|拘役|管制|缓刑)\s*{_DURATION}\s*[至到]\s*(?:有期徒刑|拘役|管制)?\s*{_DURATION}"
    r"|罚金[^，,。；;]{0,12}?元\s*[至到]"
)
_RELEVANT_RE = re.compile(r"徒刑|拘役|管制|死刑|罚金|缓刑|免[予于除]|无罪|不负|政治权利|没收|追缴|上缴|罪|判|获刑|执行|总和")
_TEMPLATE_RE = re.compile(r"写明(?:判决|裁定|主刑|结果)|××××年")
_UPHOLD_RE = re.compile(r"维持原判|驳回[^；;。]{0,20}上诉|准许[^；;。]{0,20}撤回上诉")
# Prose clauses that state a penalty which is not this court's sentence.
_NOT_A_SENTENCE_RE = re.compile(
    r"建议|曾因|曾于|曾被|刑满|释放|前科|假释|请求|要求|上诉提出|上诉称|辩护|量刑过重|抗诉|提请|如果|可以判处"
    r"|应当判处|法定刑|处[" + _NUM + r"]{1,3}年以[上下]"
)
_ROLE_PREFIX_RE = re.compile(r"^(?:原审被告人|被告人|上诉人|被告单位|罪犯|被告|自报)+")
_ROLE_PREFIX_STARTS = ("原审被告人", "被告", "上诉人", "罪犯", "自报")  # what every match of _ROLE_PREFIX_RE starts with
# A party that is an organisation (被告单位, Criminal Law Art. 30-31) rather than a natural person
# (the vocabulary is toolkit.schema.PARTY_TYPES).
_UNIT_SUFFIXES = ("公司", "厂", "中心", "商行", "合作社", "集团", "事务所", "经营部", "门市部", "工作室", "商店", "研究院", "研究所")
_CONJUNCTION_RE = re.compile(r"[和与及的]")
_UNIT_NAME_RE = re.compile(
    r"被告单位([^\s，,。；;：:（()）、“”\"'《》]{1,38}?(?:" + "|".join(_UNIT_SUFFIXES) + r"))(?=犯|[，,、（(]|无罪|免予|免于)"
)
# 一、维持…判决第二项，即对原审被告人李乙的定罪量刑部分: that defendant's first-instance sentence stands.
_UPHOLD_PART_RE = re.compile(r"^\s*维持")


@dataclass(slots=True)
class _Unit:
    """What one clause (or part of a clause) says about one defendant."""

    start: int
    principal: tuple[str, int | None, tuple[int, int]] | None = None  # (penalty_type, months, span)
    probation: Extracted | None = None
    fine: Extracted | None = None
    fine_word: bool = False
    fine_without_unit: bool = False
    exempt: tuple[int, int] | None = None
    acquit: tuple[int, int] | None = None
    not_responsible: tuple[int, int] | None = None
    political: Extracted | None = None
    confiscation: tuple[int, int] | None = None
    executes: bool = False
    ranged: bool = False
    unstated: tuple[int, int] | None = None  # 被判处相应有期徒刑: convicted, sentence not given
    charges: list[tuple[str, tuple[int, int]]] = field(default_factory=list)

    def decides(self) -> bool:
        return bool(self.principal or self.exempt or self.acquit or self.not_responsible or self.fine)


def extract_verdicts(text: str) -> tuple[list[dict[str, Extracted]], list[str]]:
    """One entry per defendant (field → Extracted) and document-level notes.

    Fields: defendant, charges, outcome, penalty_type, term_months, probation_months, fine_yuan,
    confiscation, political_rights_months; a field is absent when the text does not state it and the
    entry's "notes" (Extracted with a list value) says why.
    """
    notes: list[str] = []
    if not text or not text.strip():
        return [], ["verdict: empty text"]
    header = party_entries(text)
    names = list(header)
    upheld: list[str] = []
    upheld_notes: dict[str, str] = {}
    groups: list[tuple[re.Match[str], _Unit]] = []  # prose: sentences of groups named by their size only
    operative_span = operative_part(text)
    if operative_span is not None:
        begin, end = operative_span
        if _TEMPLATE_RE.search(text, begin, end):
            return [], ["verdict: the operative part is a drafting template (写明…/××), not a decision"]
        units, order = _read_region(text, begin, end, names, prose=False, notes=notes, upheld=upheld)
        operative = text[begin:end]
        marker = text.rfind("如下", 0, begin)
        if _UPHOLD_RE.search(operative) and not any(u.decides() for us in units.values() for u in us):
            account_units, account_order = _read_region(text, 0, max(marker, 0), names, prose=True, notes=notes)
            if account_order:
                notes.append("verdict: appeal dismissed / original judgment upheld; sentence read from the text's account of the first-instance judgment")
                for name in account_order:
                    units.setdefault(name, [])[:0] = account_units[name]
                    if name not in order:
                        order.append(name)
            else:
                notes.append("verdict: original judgment upheld but the first-instance sentence is not quoted in the text")
        elif upheld:
            upheld_notes = _read_upheld_parts(text, max(marker, 0), names, upheld, units, notes)
    else:
        notes.append("verdict: no operative part (判决如下/裁定如下); read as prose, last stated sentence per defendant wins")
        if len(text) > _PROSE_MAX_CHARS:
            notes.append(f"verdict: text without an operative part is longer than {_PROSE_MAX_CHARS:,} characters; read the first {_PROSE_MAX_CHARS:,}")
        units, order = _read_region(text, 0, min(len(text), _PROSE_MAX_CHARS), names, prose=True, notes=notes,
                                    groups=groups)
    entries = [_resolve(name, units[name]) for name in order if name]
    for entry in entries:
        if entry["defendant"].value in upheld_notes:
            entry["notes"].value.insert(0, upheld_notes[entry["defendant"].value])
    _name_parties(entries, header)
    if not entries and groups:
        entries = _group_entries(text, *groups[-1])  # prose: the last stated sentence wins
    notes = list(dict.fromkeys(notes))  # a bound noted while reading two regions is one note
    if not entries:
        if operative_span is not None and "发回" in text[operative_span[0] : operative_span[1]]:
            notes.append("verdict: remanded for retrial (发回重审); this document imposes no sentence")
        elif operative_span is not None and "终止审理" in text[operative_span[0] : operative_span[1]]:
            notes.append("verdict: trial terminated (终止审理); no sentence")
        notes.append("verdict: no defendant with a sentence found")
    return entries, notes


def _group_entries(text: str, match: re.Match[str], unit: _Unit) -> list[dict[str, Extracted]]:
    """One entry per person of a group sentenced together whom the text never names (最终3人均被判处…): each
    gets the clause's reading (a range stays a range: convicted, no individual term), defendant unknown."""
    said = text[match.start() : match.end()]
    if not unit.decides() and not unit.unstated:  # 均以…罪判处十个月到四年六个月不等的刑期: sentenced, no term read
        unit = replace(unit, unstated=(match.start(), match.end()))
    raw = match.group("lead") or match.group("object")
    count = None if raw.endswith(("余", "多")) else parse_number(raw)  # 十余人: more than ten, not ten
    if count is None or count != int(count) or count < 1:
        size, note = None, f"defendant: a group sentenced together ({said!r}) whose exact size the text does not give: one row for all"
    elif count > MAX_DEFENDANTS:
        size, note = None, (f"defendant: a group of {int(count)} sentenced together ({said!r}), more than the {MAX_DEFENDANTS} rows "
                            "a document gives: one row for all")
    else:
        size, note = int(count), f"defendant: one of {int(count)} persons sentenced together ({said!r}); the text names none of them"
    entries = []
    for _ in range(size or 1):
        entry = _resolve("", [unit])
        entry["defendant"] = Extracted(None, None)
        entry["party_type"] = Extracted("natural_person", None)
        entry["notes"].value.insert(0, note)
        entries.append(entry)
    return entries


def _read_upheld_parts(
    text: str, account_end: int, names: list[str], upheld: list[str], units: dict[str, list[_Unit]], notes: list[str]
) -> dict[str, str]:
    """A second-instance ruling that changes one sentence and upholds (维持) another's: the upheld
    defendants' sentences come from the text's account of the first-instance judgment.  Returns a
    note per upheld defendant."""
    waiting = [name for name in upheld if not any(u.decides() for u in units.get(name, ()))]
    if not waiting:
        return {}
    account_units, _ = _read_region(text, 0, account_end, names, prose=True, notes=notes)
    out: dict[str, str] = {}
    for name in waiting:
        quoted = account_units.get(name)
        if quoted and any(u.decides() or u.unstated for u in quoted):
            units[name][:0] = quoted
            out[name] = "verdict: first-instance sentence upheld (维持) for this defendant; read from the text's account of it"
        else:
            out[name] = "outcome: first-instance judgment upheld (维持) for this defendant, but its sentence is not quoted in the text"
    return out


def _name_parties(entries: list[dict[str, Extracted]], header: dict[str, str]) -> None:
    """Each entry's party type, and the header's pseudonym of a defendant whom the operative part names
    in full (陈某 in the header, 陈大明 in the verdict: one person; the facts call them 陈某)."""
    named = {entry["defendant"].value for entry in entries}
    unclaimed = [name for name in header if name not in named and "某" in name]
    for entry in entries:
        name = entry["defendant"].value
        entry["party_type"] = Extracted(party_type_of(name, header), None)
        if name in header or not unclaimed:
            continue
        same_surname = [alias for alias in unclaimed if alias[0] == name[0] and len(name) >= 2 and "某" not in name]
        if len(same_surname) == 1:
            alias = same_surname[0]
            unclaimed.remove(alias)
            entry["alias"] = Extracted(alias, None)
            entry["party_type"] = Extracted(party_type_of(alias, header), None)
            entry["notes"].value.append(f"defendant: {name} in the operative part is {alias} of the party section")


def operative_part(text: str) -> tuple[int, int] | None:
    """[start, end) of the operative part (after the last 判决如下/裁定如下/决定如下), or None."""
    marker = last_of(text, OPERATIVE_MARKERS)
    if marker is None:
        return None
    begin = marker[1]
    end_match = _OPERATIVE_END_RE.search(text, begin, begin + _OPERATIVE_MAX_CHARS)
    return begin, (end_match.start() if end_match else min(len(text), begin + _OPERATIVE_MAX_CHARS))


def party_names(text: str) -> list[str]:
    """Defendants named in the party section (被告人X，男…; 被告单位…), in order."""
    return list(party_entries(text))


def party_entries(text: str) -> dict[str, str]:
    """Defendants of the party section, in order, each with its party type (PARTY_TYPES)."""
    entries: dict[str, str] = {}
    end = _PARTY_SECTION_END_RE.search(text, 0, 20_000)
    for match in _PARTY_NAME_RE.finditer(text, 0, end.start() if end else min(len(text), 1000)):
        unit = match.group(2) is not None
        raw = match.group(1) or match.group(2)
        # The look-ahead ，男 / ，1985年出生 … anchors a name, so characters that look like grammar
        # elsewhere (于和平, 李了凡, 欧阳之华) are part of it; before a bracket only, a conjunction
        # still ends it (被告人于剑与王治东(另案处理)…).
        if not unit and text[match.end(1) : match.end(1) + 1] in "（(" and _CONJUNCTION_RE.search(raw):
            raw = raw[: _CONJUNCTION_RE.search(raw).start()]
        name = _clean_name(raw, grammar_chars_allowed=True)
        if name and name not in entries:
            entries[name] = "unit" if unit or name.endswith(_UNIT_SUFFIXES) else "natural_person"
            if len(entries) == MAX_DEFENDANTS:
                break
    return entries


def party_type_of(name: str, header: dict[str, str]) -> str:
    """"unit" for a 被告单位 of the header or a name that is an organisation's, else "natural_person"."""
    return header.get(name) or ("unit" if name.endswith(_UNIT_SUFFIXES) else "natural_person")


def _clean_name(name: str, grammar_chars_allowed: bool = False) -> str | None:
    if name.startswith(_ROLE_PREFIX_STARTS):  # most names carry no role word: skip the substitution
        name = _ROLE_PREFIX_RE.sub("", name, count=1)
    name = name.strip()
    if (
        len(name) < 2 or name in _NOT_NAMES or name[-1] in "等侵" or name[0].isdigit() or _DURATION_NAME_RE.match(name)
        or _GROUP_NAME_RE.fullmatch(name)
        or (not grammar_chars_allowed and not _NOT_NAME_CHARS.isdisjoint(name))
    ):
        return None
    return name


def _blank_parentheticals(region: str) -> str:
    return _PAREN_RE.sub(lambda m: " " * (m.end() - m.start()), region)


def _clauses(work: str, offset: int) -> list[tuple[int, int, bool]]:
    """(start, end, starts_numbered_item) in text coordinates."""
    out: list[tuple[int, int, bool]] = []
    pos = 0
    numbered = False
    for match in _CLAUSE_BREAK_RE.finditer(work):
        if match.start() > pos:
            out.append((offset + pos, offset + match.start(), numbered))
        numbered = match.group()[0] not in "；;。\n"
        pos = match.end()
    if pos < len(work):
        out.append((offset + pos, offset + len(work), numbered))
    return out


def _names_in(clause: str, names: list[str]) -> list[tuple[int, str]]:
    """Known names in a clause; `names` longest first so 李某 does not also match inside 李某某.

    Linear in the clause: each character is claimed by at most one name (a set of claimed positions,
    not a scan over every earlier match).
    """
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    for name in names:
        size = len(name)
        if not size:
            continue
        pos = clause.find(name)  # find_all, inlined: this runs for every name of every clause
        while pos != -1:
            if not taken or not (pos in taken or pos + size - 1 in taken or any(i in taken for i in range(pos + 1, pos + size - 1))):
                found.append((pos, name))
                taken.update(range(pos, pos + size))
            pos = clause.find(name, pos + size)
    found.sort()
    return found


def _discover_names(work: str, prose: bool, notes: list[str]) -> list[str]:
    """Names read from role words, lists and prose, in order of appearance; at most MAX_DEFENDANTS.

    Linear in `work`: a chain of names (被告人甲、乙、丙…) is read once, and a role word inside a chain
    already read is skipped instead of starting the chain again.
    """
    names: dict[str, None] = {}  # ordered set

    def add(raw: str | None) -> bool:
        """Adds a cleaned name; False once the bound is reached."""
        name = _clean_name(raw) if raw else None
        if name and name not in names:
            if len(names) >= MAX_DEFENDANTS:
                notes.append(f"verdict: more than {MAX_DEFENDANTS} defendant names in one document; read the first {MAX_DEFENDANTS}")
                return False
            names[name] = None
        return True

    if "被告单位" in work:
        for match in _UNIT_NAME_RE.finditer(work):
            if not add(match.group(1)):
                return _shortest_readings(names)
    listed = _NAME_LIST_RE.finditer(work) if _NAME_LIST_END_RE.search(work) else ()
    for match in listed:
        for raw in match.group(1).split("、"):
            if not add(raw):
                return _shortest_readings(names)
    chain_end = 0
    for match in _LEAD_NAME_RE.finditer(work):
        if match.start() < chain_end:
            continue  # inside a chain of names already read
        name = match.group(1)
        cleaned = _clean_name(name)
        # 被告人违反国家有关规定，… — a long "name" ended by a comma is the start of a sentence
        if not (cleaned and len(cleaned) > 4 and "·" not in cleaned and work[match.end() : match.end() + 1] in "，,"):
            if not add(name):
                return _shortest_readings(names)
        chain = _NAME_CHAIN_RE.match(work, match.end())
        while chain:
            if not add(chain.group(1)):
                return _shortest_readings(names)
            chain_end = chain.end()
            chain = _NAME_CHAIN_RE.match(work, chain_end)
    if prose or not names:
        for match in _PROSE_NAME_RE.finditer(work):
            if not add(match.group(1) or match.group(2) or match.group(3)):
                break
    return _shortest_readings(names)


def _shortest_readings(names: dict[str, None]) -> list[str]:
    """"被告人阿杰为非法牟利，" and "被告人阿杰犯…": the shorter reading is the name (linear: prefixes are looked up)."""
    return [name for name in names if not any(name[:size] in names for size in range(2, len(name)))]


def _read_region(
    text: str, begin: int, end: int, party_names: list[str], prose: bool, notes: list[str],
    upheld: list[str] | None = None, groups: list[tuple[re.Match[str], _Unit]] | None = None,
) -> tuple[dict[str, list[_Unit]], list[str]]:
    """Each defendant's units and the defendants in order; `upheld` collects those a 维持 part names, `groups` the
    clauses that sentence a group named only by its size (a match of _GROUP_SENTENCED_RE in the clause, its unit)."""
    work = _blank_parentheticals(text[begin:end])
    names = list(party_names)
    for name in _discover_names(work, prose, notes):
        if name not in names and not any(name in known or known in name for known in names):
            names.append(name)
    if len(names) > MAX_DEFENDANTS:
        notes.append(f"verdict: more than {MAX_DEFENDANTS} defendant names in one document; read the first {MAX_DEFENDANTS}")
        del names[MAX_DEFENDANTS:]
    longest_first = sorted(names, key=len, reverse=True)
    units: dict[str, list[_Unit]] = {}
    order: list[str] = []
    subjects: list[str] = []
    general: list[_Unit] = []
    for start, stop, numbered in _clauses(work, begin):
        clause = work[start - begin : stop - begin]
        if not clause.strip():
            continue
        if _REVOKE_RE.match(clause):
            # 撤销…即判处… quotes the overturned sentence; only what follows 改判 (if any) is decided here
            changed = clause.find("改判")
            if changed < 0:
                continue
            clause = " " * (changed + 2) + clause[changed + 2 :]
        if prose and _NOT_A_SENTENCE_RE.search(clause):
            continue
        found = _names_in(clause, longest_first)
        if prose and not found and ("徒刑" in clause or "拘役" in clause or "管制" in clause or "罚金" in clause or "死刑" in clause):
            name = _prose_subject(clause, bool(subjects) and "判" not in clause)
            if name is not None and len(names) < MAX_DEFENDANTS:
                names.append(name)
                longest_first = sorted(names, key=len, reverse=True)
                found = _names_in(clause, longest_first)
        if found:
            subjects = []
            for _, name in found:
                if name not in subjects:
                    subjects.append(name)
        elif numbered or (prose and (not subjects or ("判" in clause and "判处其" not in clause and "对其" not in clause))):
            # in prose a new 判处 that names nobody we know is about somebody else
            subjects = []
        if upheld is not None and found and _UPHOLD_PART_RE.match(clause) and "撤销" not in clause:
            for name in subjects:
                if name not in upheld:
                    upheld.append(name)
                if name not in units:
                    units[name] = []
                    order.append(name)
        if not _RELEVANT_RE.search(clause):
            continue  # nothing to read (e.g. 责令退赔…发还被害人); the clause only moves the subject
        parts = _split_by_subject(clause, start, found, subjects)
        for name, unit in parts:
            if name is None:
                if unit.confiscation:
                    general.append(unit)
                if groups is not None and (unit.decides() or unit.unstated or unit.ranged):
                    group = _GROUP_SENTENCED_RE.search(text, start, stop)
                    if group is not None:
                        groups.append((group, unit))
                continue
            if name not in units:
                units[name] = []
                order.append(name)
            units[name].append(unit)
    for unit in general:
        for name in order:
            units[name].append(_Unit(start=unit.start, confiscation=unit.confiscation))
    # prose: drop names that never received anything decisive (mentioned only in facts)
    if prose:
        order = [name for name in order if any(u.decides() or u.unstated for u in units[name])]
    else:
        order = [name for name in order if any(u.decides() or u.charges for u in units[name]) or (upheld and name in upheld)]
    return units, order


def _prose_subject(clause: str, continues: bool) -> str | None:
    """In prose, the defendant of a penalty clause that names nobody known: a name opening the clause
    right before its penalty (乙某有期徒刑…), else — unless the clause continues the previous subject —
    the last pseudonym before the penalty that is not an object (向/从/给…)."""
    head = _CLAUSE_HEAD_NAME_RE.match(clause)
    if head is not None:
        name = _clean_name(head.group(1))
        if name:
            return name
    if continues:
        return None
    penalty = _PRINCIPAL_RE.search(clause) or _FINE_WORD_RE.search(clause)
    if penalty is None:
        return None
    subject = None
    for match in _PSEUDONYM_RE.finditer(clause, 0, penalty.start()):
        if not clause[max(0, match.start() - 3) : match.start()].endswith(_NOT_SUBJECT_BEFORE):
            name = match.group()
            subject = _clean_name(name[:-1] if len(name) == 3 and name[-1] in _FUNCTION_CHARS else name)
    return subject


def _split_by_subject(
    clause: str, start: int, found: list[tuple[int, str]], subjects: list[str]
) -> list[tuple[str | None, _Unit]]:
    """Assign a clause to its defendants; several defendants with one shared sentence get a copy each."""
    if not subjects:
        return [(None, _read_unit(clause, start))]
    if len(subjects) == 1:
        return [(subjects[0], _read_unit(clause, start))]
    positions = [pos for pos, _ in found]
    penalties = [m.start() for m in _PRINCIPAL_RE.finditer(clause)] + [m.start() for m in _FINE_RE.finditer(clause)]
    if found and penalties and min(penalties) < positions[-1]:
        # each defendant has a sentence of their own inside the clause: cut at the names
        parts: list[tuple[str | None, _Unit]] = []
        head = clause[: positions[0]]
        for index, (pos, name) in enumerate(found):
            stop = positions[index + 1] if index + 1 < len(found) else len(clause)
            segment = clause[pos:stop]
            if index == 0:
                segment = head + segment
                pos = 0
            parts.append((name, _read_unit(segment, start + pos)))
        return parts
    if _RESPECTIVELY_RE.search(clause):
        return _distribute(clause, start, subjects)
    unit = _read_unit(clause, start)
    return [(name, unit) for name in subjects]


def _distribute(clause: str, start: int, subjects: list[str]) -> list[tuple[str | None, _Unit]]:
    """分别判处有期徒刑一年、十个月，并处罚金人民币一万元、五千元 → one unit per defendant, in order."""
    principals = _principal_list(clause)
    head_end = principals[0][0] if principals else len(clause)
    fines = _fine_list(clause)
    probations = list(_PROBATION_RE.finditer(clause))
    out: list[tuple[str | None, _Unit]] = []
    for index, name in enumerate(subjects):
        unit = _read_unit(clause[:head_end], start)
        unit.principal = unit.probation = unit.fine = None
        if len(principals) == len(subjects) or len(principals) == 1:
            kind, months, (a, b) = principals[index if len(principals) == len(subjects) else 0][1]
            unit.principal = (kind, months, (start + a, start + b))
        if len(probations) == len(subjects) or len(probations) == 1:
            match = probations[index if len(probations) == len(subjects) else 0]
            unit.probation = Extracted(
                parse_duration_months(match.group("dur")), (start + match.start("dur"), start + match.end("dur"))
            )
        if len(fines) == len(subjects) or len(fines) == 1:
            unit.fine = fines[index if len(fines) == len(subjects) else 0]
            unit.fine = Extracted(unit.fine.value, (start + unit.fine.span[0], start + unit.fine.span[1]))
        unit.fine_word = bool(_FINE_WORD_RE.search(clause))
        out.append((name, unit))
    return out


def _principal_list(clause: str) -> list[tuple[int, tuple[str, int | None, tuple[int, int]]]]:
    """Principal penalties in order, including bare continuations: 有期徒刑一年、十个月."""
    out = []
    for match in _PRINCIPAL_RE.finditer(clause):
        kind_word = match.group("kind")
        out.append((match.start(), _principal_of(match, 0)))
        if kind_word:
            more = _PRINCIPAL_MORE_RE.match(clause, match.end())
            while more:
                span = (more.start("dur"), more.end("dur"))
                out.append((more.start(), (_KIND[kind_word], parse_duration_months(more.group("dur")), span)))
                more = _PRINCIPAL_MORE_RE.match(clause, more.end())
    return out


def _fine_list(clause: str) -> list[Extracted]:
    """Fines stated as a list after one 罚金: 罚金人民币一万元、五千元 (spans relative to the clause)."""
    match = _FINE_RE.search(clause)
    if not match:
        return []
    out = [Extracted(parse_money_yuan(match.group("amt")), (match.start("amt"), match.end("amt")))]
    more = _FINE_MORE_RE.match(clause, match.end())
    while more:
        out.append(Extracted(parse_money_yuan(more.group("amt")), (more.start("amt"), more.end("amt"))))
        more = _FINE_MORE_RE.match(clause, more.end())
    return out


def _principal_of(match: re.Match, start: int) -> tuple[str, int | None, tuple[int, int]]:
    span = (start + match.start(), start + match.end())
    if match.group("kind"):
        return (_KIND[match.group("kind")], parse_duration_months(match.group("dur")), span)
    if match.group("kind2"):
        return (_KIND[match.group("kind2")], parse_duration_months(match.group("dur2")), span)
    if match.group("life"):
        return ("life", None, span)
    if match.group("dsusp"):
        return ("death_suspended", None, span)
    return ("death", None, span)


def _read_unit(part: str, start: int) -> _Unit:
    # cheap substring tests gate each pattern: most clauses need only two or three of them
    unit = _Unit(start=start)
    if ("不等" in part or "至" in part or "到" in part) and _RANGE_RE.search(part):
        unit.ranged = True
    execute = _EXECUTE_RE.search(part) if ("执行" in part or "总和" in part) else None
    search_from = 0
    if execute:
        unit.executes = True
        search_from = execute.end()
    principal = None
    if "徒刑" in part or "拘役" in part or "管制" in part or "死刑" in part:
        for match in _PRINCIPAL_RE.finditer(part, search_from):
            principal = match
            if execute:
                break
    if principal is not None:
        unit.principal = _principal_of(principal, start)
        probation = _PROBATION_RE.search(part, principal.end()) if "缓刑" in part else None
        if probation:
            unit.probation = Extracted(
                parse_duration_months(probation.group("dur")),
                (start + probation.start("dur"), start + probation.end("dur")),
            )
    if "罚金" in part:
        unit.fine_word = True
        fine = None
        for match in _FINE_RE.finditer(part, search_from):
            fine = match
            if execute:
                break
        if fine is None and not execute:
            fine = _FINE_NO_UNIT_RE.search(part, search_from)
            unit.fine_without_unit = fine is not None
        if fine is not None:
            amount = fine.group("amt") + ("元" if unit.fine_without_unit else "")
            unit.fine = Extracted(parse_money_yuan(amount), (start + fine.start("amt"), start + fine.end("amt")))
    if "免" in part:
        match = _EXEMPT_RE.search(part)
        if match:
            unit.exempt = (start + match.start(), start + match.end())
    if "无罪" in part:
        match = _ACQUIT_RE.search(part)
        unit.acquit = (start + match.start(), start + match.end())
    if "不负" in part:
        match = _NOT_RESPONSIBLE_RE.search(part)
        if match:
            unit.not_responsible = (start + match.start(), start + match.end())
    if "政治权利" in part:
        political = _POLITICAL_RE.search(part)
        if political:
            months = None if political.group("life") else parse_duration_months(political.group("dur"))
            unit.political = Extracted(months, (start + political.start(), start + political.end()))
    if "没收" in part or "追缴" in part or "上缴" in part:
        confiscation = _CONFISCATION_RE.search(part)
        if confiscation:
            unit.confiscation = (start + confiscation.start(), start + confiscation.end())
    if not unit.decides() and ("判" in part or "获刑" in part) and ("罪" in part or "徒刑" in part):
        match = _SENTENCED_RE.search(part)
        if match:
            unit.unstated = (start + match.start(), start + match.end())
    if "罪" in part:
        for match in _CHARGE_RE.finditer(part):
            unit.charges.append((match.group(1), (start + match.start(1), start + match.end(1))))
            more = _CHARGE_MORE_RE.match(part, match.end())
            while more:
                unit.charges.append((more.group(1), (start + more.start(1), start + more.end(1))))
                more = _CHARGE_MORE_RE.match(part, more.end())
    return unit


def _resolve(name: str, units: list[_Unit]) -> dict[str, Extracted]:
    """Combine a defendant's clauses into the final sentence."""
    entry: dict[str, Extracted] = {"defendant": Extracted(name, None)}
    notes: list[str] = []
    units = _merge_trailing_fines(units)
    charges: list[str] = []
    charge_spans: list[tuple[int, int]] = []
    for unit in units:
        for charge, span in unit.charges:
            if charge not in charges and charge != "无罪" and not charge.endswith("犯罪"):
                charges.append(charge)
                charge_spans.append(span)
    entry["charges"] = Extracted(charges, charge_spans[0] if charge_spans else None)

    executed = [u for u in units if u.executes and u.principal]
    deciding = [u for u in units if u.decides()]
    if executed:
        final = executed[-1]
        if final.fine is not None:
            fine: Extracted | None = final.fine
        else:
            before = [u.fine for u in units[: units.index(final) + 1] if u.fine is not None and u is not final]
            fine = None
            if before and all(f.value is not None for f in before):
                fine = Extracted(sum(f.value for f in before), None)
                if len(before) > 1:
                    notes.append("fine_yuan: sum of the per-charge fines (决定执行 states no fine)")
    elif deciding:
        final = deciding[-1]
        fine = final.fine
        if fine is None and final.principal is not None:
            earlier = [u.fine for u in units[: units.index(final)] if u.fine is not None]
            if earlier:
                fine = earlier[-1]
                notes.append("fine_yuan: taken from an earlier clause (the final sentence restates no fine)")
    else:
        final = None
        fine = None

    if final is None and any(u.unstated for u in units):
        span = next(u.unstated for u in reversed(units) if u.unstated)
        entry["outcome"] = Extracted("convicted", span)
        notes.append(_RANGE_NOTE if any(u.ranged for u in units)
                     else "term_months/fine_yuan: the text says this defendant was sentenced but does not state the sentence")
        entry["notes"] = Extracted(notes, None)
        return entry
    if final is None:
        entry["outcome"] = Extracted("unknown", None)
        notes.append("outcome: the operative part names this defendant but states no sentence, acquittal or exemption")
        entry["notes"] = Extracted(notes, None)
        return entry
    if final.ranged:
        notes.append(_RANGE_NOTE)
        entry["outcome"] = Extracted("convicted", final.principal[2] if final.principal else None)
        entry["notes"] = Extracted(notes, None)
        return entry

    if final.acquit and not final.principal:
        entry["outcome"] = Extracted("acquitted", final.acquit)
        entry["penalty_type"] = Extracted("none", None)
    elif final.not_responsible and not final.principal:
        entry["outcome"] = Extracted("not_criminally_responsible", final.not_responsible)
        entry["penalty_type"] = Extracted("none", None)
    elif final.exempt and not final.principal:
        entry["outcome"] = Extracted("exempted", final.exempt)
        entry["penalty_type"] = Extracted("none", None)
    elif final.principal:
        kind, months, span = final.principal
        entry["outcome"] = Extracted("convicted", span)
        entry["penalty_type"] = Extracted(kind, span)
        if months is not None:
            entry["term_months"] = Extracted(months, span)
        elif kind in ("fixed_term", "criminal_detention", "public_surveillance"):
            notes.append("term_months: duration could not be read")
        else:
            notes.append(f"term_months: not a term of months ({kind})")
        if final.probation is not None:
            entry["probation_months"] = final.probation
    elif fine is not None:
        entry["outcome"] = Extracted("convicted", fine.span)
        entry["penalty_type"] = Extracted("fine_only", fine.span)
    if fine is not None and fine.value is not None:
        entry["fine_yuan"] = fine
        if any(u.fine is fine and u.fine_without_unit for u in units):
            notes.append("fine_yuan: the amount is written without 元; read as yuan")
    elif final.fine_word and fine is None:
        notes.append("fine_yuan: a fine is mentioned but its amount could not be read")
    political = next((u.political for u in reversed(units) if u.political is not None), None)
    if political is not None:
        if political.value is None:
            notes.append("political_rights_months: deprived for life (终身), not a number of months")
        entry["political_rights_months"] = political
    confiscation = next((u.confiscation for u in units if u.confiscation), None)
    entry["confiscation"] = Extracted(bool(confiscation), confiscation)
    entry["notes"] = Extracted(notes, None)
    return entry


_RANGE_NOTE = "term_months/fine_yuan: the text gives a range for a group (…至…/不等), not this defendant's sentence"


def _merge_trailing_fines(units: list[_Unit]) -> list[_Unit]:
    """判处有期徒刑一年。并处罚金五千元 — a fine-only clause right after a sentence belongs to it."""
    merged: list[_Unit] = []
    for unit in units:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and unit.fine is not None
            and not (unit.principal or unit.exempt or unit.acquit or unit.not_responsible or unit.executes)
            and previous.principal is not None
            and previous.fine is None
        ):
            merged[-1] = replace(previous, fine=unit.fine, fine_word=True)
            continue
        merged.append(unit)
    return merged


def verdict_values(entry: dict[str, Extracted]) -> dict[str, Any]:
    """Plain values of an entry (for tests and debugging)."""
    return {key: value.value for key, value in entry.items()}
