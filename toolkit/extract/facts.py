"""Facts every judgment states whatever the crime: its sections (findings 经审理查明 …, reasoning
本院认为 …), the defendants listed in the header, whose figure a number is (attribution by name), and the
mitigating / aggravating circumstances the court names.

`extract_circumstances(text, defendant=None, co_defendants=())` returns ({field: Extracted(value, span)},
notes) with the fields mitigating and aggravating; circumstances are read from the court's findings and
reasoning, never from appended statute texts (附：相关法律条文).  Crime-specific facts (quantities,
categories, amounts) are read by each crime's extractor (toolkit.crimes.<crime>.extract, behind
toolkit.crimes.base.Crime.extract_facts), built on the helpers here; toolkit.parser combines the two.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any, Callable, Iterable, NamedTuple, TypeVar

from toolkit.extract import Extracted
from toolkit.extract.textspan import (
    OPERATIVE_MARKERS,
    PSEUDONYM,
    FirstOf,
    bounds_around,
    find_all,
    for_last_text,
    last_of,
)

T = TypeVar("T")
CJK = "\u4e00-\u9fff"

# ---------------------------------------------------------------- document regions

# Section markers, located with str.find (several times faster here than a regex alternation), through the words
# they share (textspan.FirstOf: a text without findings costs two scans, not five).
_FINDINGS_START = ("审理查明", "本院查明", "法院查明", "经审理认定", "经审理，")
_REASONING_START = ("本院认为", "法院认为", "审理认为")
_FIRST_FINDINGS = FirstOf(_FINDINGS_START, cores=("查明", "经审理"))
_FIRST_REASONING = FirstOf(_REASONING_START, cores=("认为",))
_APPENDIX_START = re.compile(r"附[：:]?(?:本判决|本裁定|本案)?(?:所?适用的?|相关的?)?(?:法律|法条|条文)|附[：:]")
SENTENCE_END = "。；;！!？?\n"
CLAUSE_END = SENTENCE_END + "，,"


class Regions(NamedTuple):
    end: int  # reading stops here (operative part or appended statutes)
    findings: tuple[int, int] | None
    reasoning: tuple[int, int] | None


@for_last_text
def document_sections(text: str) -> Regions:
    """Sections of the text."""
    operative = last_of(text, OPERATIVE_MARKERS)
    appendix = _APPENDIX_START.search(text, operative[1] if operative else 0)
    end = appendix.start() if appendix else len(text)
    operative_at = operative[0] if operative else end
    findings_at = _FIRST_FINDINGS(text)
    reasoning_at = _FIRST_REASONING(text)
    findings = reasoning = None
    if findings_at is not None:
        next_reasoning = reasoning_at  # the first 本院认为 after the findings, when it is the first of all
        if reasoning_at is not None and reasoning_at[0] < findings_at[1]:
            next_reasoning = _FIRST_REASONING(text, findings_at[1])
        stop = next_reasoning[0] if next_reasoning else operative_at
        findings = (findings_at[0], max(stop, findings_at[1]))
    if reasoning_at is not None:
        reasoning = (reasoning_at[0], max(operative_at, reasoning_at[1]))
    return Regions(end=end, findings=findings, reasoning=reasoning)


def sentence_bounds(text: str, position: int, stops: str = SENTENCE_END, limit: int = 200) -> tuple[int, int]:
    """[start, end) of the sentence (or clause, with `stops` = CLAUSE_END) around `position`."""
    return bounds_around(text, position, stops, position - limit if position > limit else 0, min(len(text), position + limit))




_PSEUDONYM = re.compile(PSEUDONYM)
_PAYER_BEFORE = ("从", "向", "自")
_GROUP = re.compile(r"等人|及其|伙同|共同|合伙|[二两三四五六七八九十0-9]+名?人(?!民)")
_RECIPIENT_BEFORE = ("给予", "分给", "付给", "支付给", "给")


def _names_in(text: str, start: int, end: int, defendant: str, co_defendants: tuple[str, ...]) -> list[tuple[int, str]]:
    """(position, name) of every person named in text[start:end], in order."""
    found: dict[int, str] = {}
    for name in (defendant, *co_defendants):
        if not name:
            continue
        position = text.find(name, start, end)  # find_all, inlined: this runs for every sentence with a circumstance
        while position != -1:
            found[position] = name
            position = text.find(name, position + len(name), end)
    if text.find("某", start, end) == -1:  # every pseudonym has 某
        return sorted(found.items())
    named = list(found.items())
    for match in _PSEUDONYM.finditer(text, start, end):
        at = match.start()
        for p, n in named:  # a loop, not any(…): this runs for every pseudonym of every sentence read
            if p <= at < p + len(n):
                break
        else:
            found[at] = match.group()
    return sorted(found.items())


def _is_defendant(name: str, defendant: str) -> bool:
    return name == defendant or defendant.startswith(name)


def attribution(
    text: str,
    sentence: tuple[int, int],
    clause: tuple[int, int],
    position: int,
    defendant: str,
    co_defendants: tuple[str, ...],
    gains: bool = False,
) -> str | None:
    """"self", "other" or None (nobody named): whose figure the number at `position` is.

    The clause before the number is read first, else the sentence before it. For counts everyone
    named shares the figure (buyer and seller of the same items); for gains the recipient counts:
    "陈某给予马某好处费6万元" is 马某's gain, "陈某从祝某某处获取好处费20万元" is 陈某's.
    """
    for start in (clause[0], sentence[0]):
        names = _names_in(text, start, position, defendant, co_defendants)
        if names:
            break
    else:
        return None
    if not gains:
        return "self" if any(_is_defendant(n, defendant) for _, n in names) else "other"
    if _GROUP.search(text, names[0][0], position):
        # "周某及其下家五人…共获利30余万元": a group total, shared by everyone in the case.
        return "self" if any(_is_defendant(n, defendant) for _, n in names) else None
    recipients = [n for p, n in names if text[max(0, p - 3) : p].endswith(_RECIPIENT_BEFORE)]
    subjects = recipients or [n for p, n in names if not text[max(0, p - 1) : p].endswith(_PAYER_BEFORE)]
    if any(_is_defendant(n, defendant) for n in subjects):
        return "self"
    return "other" if subjects else None


def attributed(
    candidates: list[T], whose: list[str | None], defendant: str, field: str, noun: str, notes: list[str]
) -> list[T]:
    """The candidates attributed to the defendant by name, else the case-level ones (attributed to
    nobody); empty, with a note, when every one belongs to someone else."""
    own = [c for c, w in zip(candidates, whose) if w == "self"]
    if own:
        return own
    unattributed = [c for c, w in zip(candidates, whose) if w is None]
    if unattributed:
        notes.append(f"{field}: no {noun} is attributed to {defendant} by name; took the case-level {noun}")
    else:
        notes.append(f"{field}: every stated {noun} is attributed to someone other than {defendant}")
    return unattributed



# ---------------------------------------------------------------- circumstances

_MITIGATING_WORDS: tuple[tuple[str, str], ...] = (
    ("自首", "自首"),
    ("坦白", "坦白"),
    ("如实供述", "坦白"),
    ("如实交代", "坦白"),
    ("立功", "立功"),
    ("认罪认罚", "认罪认罚"),
    ("自愿认罪认罚", "认罪认罚"),
    ("当庭认罪认罚", "认罪认罚"),
    ("自愿认罪", "认罪"),
    ("当庭认罪", "认罪"),
    ("认罪态度好", "认罪"),
    ("认罪态度较好", "认罪"),
    ("认罪悔罪", "认罪"),
    ("初犯", "初犯"),
    ("偶犯", "初犯"),
    ("退赃", "退赃"),
    ("退缴", "退赃"),
    ("退出违法所得", "退赃"),
    ("退出全部违法所得", "退赃"),
    ("退赔", "退赃"),
    ("谅解", "谅解"),
    ("胁从犯", "胁从犯"),
    ("从犯", "从犯"),
    ("未遂", "未遂"),
    ("中止", "中止"),
)
_AGGRAVATING_WORDS: tuple[tuple[str, str], ...] = (
    ("累犯", "累犯"),
    ("前科", "前科"),
    ("主犯", "主犯"),
    ("毒品再犯", "再犯"),
)
# Longest words first, so 自愿认罪认罚 is not read as 自愿认罪.
_CIRCUMSTANCE = re.compile(
    "|".join(sorted((w for w, _ in _MITIGATING_WORDS + _AGGRAVATING_WORDS), key=len, reverse=True))
)
_MITIGATING_OF = dict(_MITIGATING_WORDS)
_AGGRAVATING_OF = dict(_AGGRAVATING_WORDS)
_NEGATION = re.compile(r"(?:不|未(?!遂)|没有|无|并非|不能|不应|不予|不宜|尚不|均不|否认)[^，,。；;]{0,8}$")
# "被告人张某", "上诉人李某某" — a named party (not "被告人均", "二被告人", "被告人的").
_NAMED_PARTY = re.compile(rf"(?:被告人|上诉人)(?![均们的在及等应系对和与、，,一二两三四五六七八九十各所归到犯具能有自主如已并])[{CJK}]")
_ALL_DEFENDANTS = re.compile(r"各被告人|诸被告人|上述被告人|[二两三四五六七八九十]名?被告人|被告人均|被告人们")


_IN_COURT = re.compile(r"庭审中|庭审时|当庭|在庭审|开庭时|庭审过程中")
_ARGUMENT = re.compile(r"辩护人|辩护意见|上诉理由|上诉意见|辩称|抗诉意见|提出")
_COURT_CHECKED = re.compile(r"经查|经审查|本院认为|经审理")
_ACCEPTED = re.compile(r"予以采纳|予以支持|可予采纳|予以采信|予以考虑|酌情")
_REJECTED = re.compile(r"不予采纳|不予支持|不能成立|不予采信|不予认定|不符合")


def _is_rejected_argument(text: str, position: int) -> bool:
    """The word sits in a party's argument (辩护人提出…系从犯) that the court does not accept."""
    sentence_start = text.rfind("。", max(0, position - 300), position) + 1
    sentence_end = text.find("。", position, position + 300)
    sentence = text[sentence_start : sentence_end if sentence_end != -1 else position + 300]
    before = text[sentence_start:position]
    argument = None
    for argument in _ARGUMENT.finditer(before):
        pass
    if argument is None or _COURT_CHECKED.search(before, argument.end()):
        return False  # no argument, or the court's own finding after it (…辩护意见，经查，…应认定自首)
    if _REJECTED.search(sentence):
        return True
    if _ACCEPTED.search(sentence):
        return False
    # The court often answers in the next sentence: "上述辩护意见与查明事实相符，予以采纳。"
    if sentence_end != -1:
        answer_end = text.find("。", sentence_end + 1, sentence_end + 200)
        answer = text[sentence_end + 1 : answer_end if answer_end != -1 else sentence_end + 200]
        if _REJECTED.search(answer):
            return True
        return _ACCEPTED.search(answer) is None
    return True


# Articles of the Criminal Law whose citation in the 依照…之规定 clause applies a circumstance.
CITED_ARTICLES: tuple[tuple[str, str, str], ...] = (
    ("第六十七条第一款", "mitigating", "自首"),
    ("第六十七条第二款", "mitigating", "自首"),
    ("第六十七条第三款", "mitigating", "坦白"),
    ("第六十八条", "mitigating", "立功"),
    ("第二十三条", "mitigating", "未遂"),
    ("第二十四条", "mitigating", "中止"),
    ("第二十七条", "mitigating", "从犯"),
    ("第二十八条", "mitigating", "胁从犯"),
    ("第六十五条", "aggravating", "累犯"),
    ("第二十六条", "aggravating", "主犯"),
)
_CITED_BY_NAME = {cited: (kind, label) for cited, kind, label in CITED_ARTICLES}
_PARAGRAPH_SEPARATOR = re.compile(r"[、,，]")
_CRIMINAL_LAW = "《中华人民共和国刑法》"
_CITED_ARTICLES_RUN = re.compile(r"[^《》。]{1,300}")
_ARTICLE_TOKEN = re.compile(r"第[一二三四五六七八九十百]+(?:条(?:之[一二三四五六七八九十]+)?|(?:[、,，][一二三四五六七八九十]+)*款)")
_SEVERAL_DEFENDANTS = re.compile(r"[二两三四五六七八九十]名?被告人|各被告人|上述被告人|被告人均|同案被告人|上诉人均")


# "被告人雷某，女，1987年…", "上诉人（原审被告人）王某，男…" — one entry per defendant in the header.
_PARTY_ENTRY = re.compile(
    rf"(?:被告人|上诉人（原审被告人）|原审被告人)[:：]?(?:自报)?(?![在对于的及等均系已因经到向所])(?P<name>[{CJK}0-9A-Za-z·•×]{{1,12}}?)(?=[，,。（(])"
)


@for_last_text
def party_names(text: str) -> tuple[str, ...]:
    """Defendants listed in the header, before the allegation ("…起诉书指控被告人…"), in order."""
    header_end = text.find("指控", 0, 6000)
    names: dict[str, None] = {}
    for match in _PARTY_ENTRY.finditer(text, 0, header_end if header_end != -1 else min(len(text), 3000)):
        name = match["name"]
        if not any(name.startswith(known) for known in names):  # "薛某不服…", "黄某1之父" repeat a name
            names[name] = None
    return tuple(names)


def _several_defendants(text: str, start: int, end: int) -> bool:
    """Whether the judgment has several defendants (then a cited article cannot be assigned to one)."""
    return len(party_names(text)) > 1 or _SEVERAL_DEFENDANTS.search(text, start, end) is not None


def _cited_circumstances(text: str, start: int, end: int) -> list[tuple[str, str, tuple[int, int]]]:
    """Circumstances applied by citing their article in the court's 依照《中华人民共和国刑法》… clause."""
    found = []
    for position in find_all(text, _CRIMINAL_LAW, start, end):
        before = text[max(0, position - 12) : position]
        run_start = position + len(_CRIMINAL_LAW)
        if "依照" not in before and "根据" not in before and "依据" not in before:
            continue
        run = _CITED_ARTICLES_RUN.match(text, run_start, end)
        if run is None:
            continue
        article = ""
        for token in _ARTICLE_TOKEN.finditer(text, run.start(), run.end()):
            cited = token.group()
            if cited.endswith("款"):
                # 第六十七条第一款、第三款 and 第六十七条第一、三款: the paragraphs belong to 第六十七条
                cited_as = [f"{article}第{p}款" for p in _PARAGRAPH_SEPARATOR.split(cited[1:-1])]
            else:
                article = cited
                cited_as = [cited]
            for name in cited_as:
                circumstance = _CITED_BY_NAME.get(name)
                if circumstance is not None:
                    found.append((*circumstance, token.span()))
    return found


@for_last_text
def _circumstance_words(
    text: str, start: int, end: int
) -> tuple[list[re.Match[str]], bool, dict[int, tuple[str, str, tuple[int, int]] | None]]:
    """Every circumstance word in text[start:end], whether a party's argument is reported there, and
    an empty memo (word position -> _accepted_circumstance in its sentence) shared by co-defendants."""
    matches = list(_CIRCUMSTANCE.finditer(text, start, end))
    return matches, bool(matches) and _ARGUMENT.search(text, start, end) is not None, {}


def _circumstances(
    text: str, start: int, end: int, defendant: str | None, co_defendants: tuple[str, ...] = ()
) -> tuple[list[tuple[str, str, tuple[int, int]]], bool]:
    """[(kind mitigating/aggravating, label, span)], and whether any sentence named the defendant."""
    named = bool(defendant) and text.find(defendant, start, end) != -1
    matches, arguments, judged = _circumstance_words(text, start, end)
    if not matches:
        return [], named
    if not defendant:
        return [
            c
            for m in matches
            if (c := _accepted_circumstance(text, m, sentence_bounds(text, m.start(), "。；;"), start, arguments))
        ], named
    others = tuple(o for o in co_defendants if o and o != defendant)
    found: list[tuple[str, str, tuple[int, int]]] = []
    piece_end = -1
    for match in matches:
        at = match.start()
        if at >= piece_end:  # the first circumstance in a new sentence
            piece_start, piece_end = bounds_around(text, at, "。；;", start, end)
            applies = _sentence_subject(text[piece_start:piece_end], defendant, others)
            if applies is None:
                applies = _last_subject_before(text, start, piece_start, defendant, others)
            mine = defendant in text[piece_start:piece_end]
            names = None  # read only when a circumstance in this sentence needs them
        if not applies:
            continue
        if mine and names is None:
            names = _names_in(text, piece_start, piece_end, defendant, co_defendants)
        if names and not _nearest_names_include(text, names, at, defendant):
            continue
        if at in judged:
            circumstance = judged[at]
        else:
            circumstance = judged[at] = _accepted_circumstance(text, match, (piece_start, piece_end), start, arguments)
        if circumstance:
            found.append(circumstance)
    return found, named


def _sentence_subject(sentence: str, defendant: str, others: tuple[str, ...]) -> bool | None:
    """Whether a sentence is about the defendant (True), someone else (False), or names no one (None)."""
    if defendant in sentence:
        return True
    # _NAMED_PARTY and _ALL_DEFENDANTS need 被告人/上诉人; a sentence with 被告/上诉人 has a subject
    role = "被告" in sentence or "上诉人" in sentence
    if (role and _NAMED_PARTY.search(sentence)) or any(o in sentence for o in others):
        return False  # "且被告人张某有前科，故可对二被告人…从重处罚" is about 张某
    if role:
        return _ALL_DEFENDANTS.search(sentence) is not None
    return None


def _last_subject_before(text: str, start: int, position: int, defendant: str, others: tuple[str, ...]) -> bool:
    """For a sentence without a subject: whether the last sentence with one (from `start`) was about the defendant."""
    while position > start:
        last = max(text.rfind(word, start, position) for word in ("被告", "上诉人", defendant, *others))
        if last == -1:
            break
        piece_start, piece_end = bounds_around(text, last, "。；;", start, position)
        subject = _sentence_subject(text[piece_start:piece_end], defendant, others)
        if subject is not None:
            return subject
        position = piece_start
    return True


def _nearest_names_include(text: str, names: list[tuple[int, str]], position: int, defendant: str) -> bool:
    """In "鉴于郑家翠具有坦白情节，傅世柏具有自首情节" each circumstance belongs to the names just before
    it; names joined by 、/和/及/与 ("郑家翠、江佳佳到案后…系坦白") share it."""
    before = [(p, n) for p, n in names if p < position]
    if not before:
        return True
    group = [before[-1]]
    for p, n in reversed(before[:-1]):
        joiner = text[p + len(n) : group[-1][0]]
        if joiner not in ("、", "和", "及", "与", "，", ","):
            break
        group.append((p, n))
    for _, n in group:  # a loop, not any(…): this runs for every circumstance
        if _is_defendant(n, defendant):
            return True
    return False


def _accepted_circumstance(
    text: str, match: re.Match[str], sentence: tuple[int, int], region_start: int, arguments: bool
) -> tuple[str, str, tuple[int, int]] | None:
    word, at = match.group(), match.start()
    if _NEGATION.search(text, max(sentence[0], at - 12), at):
        return None
    window = max(region_start, at - 80)  # titles are shorter than this
    if text.rfind("《", window, at) > text.rfind("》", window, at):
        return None  # inside a title: 《最高人民法院关于处理自首和立功具体应用法律若干问题的解释》
    if word in ("如实供述", "如实交代") and text.find("自首", sentence[0], sentence[1]) != -1:
        return None  # part of the surrender, not a separate 坦白
    if arguments and _is_rejected_argument(text, at):
        return None
    kind = "mitigating" if word in _MITIGATING_OF else "aggravating"
    label = _MITIGATING_OF.get(word) or _AGGRAVATING_OF[word]
    if label == "坦白" and word != "坦白" and _IN_COURT.search(text, max(sentence[0], at - 10), at):
        label = "认罪"  # a confession first made at trial (当庭如实供述) is not 坦白 (Art. 67(3))
    return kind, label, match.span()



def court_ranges(regions: Regions) -> list[tuple[int, int]]:
    """The findings and the reasoning, those the text has, in that order."""
    findings, reasoning = regions.findings, regions.reasoning
    if findings is None:
        return [] if reasoning is None else [reasoning]
    return [findings] if reasoning is None else [findings, reasoning]


def _outside_court_ranges(regions: Regions) -> list[tuple[int, int]]:
    """The rest of the readable text (allegation, news prose), so a fallback never rereads a range."""
    court = sorted(court_ranges(regions))
    if not court:
        return [(0, regions.end)]
    outside, position = [], 0
    for start, end in court:
        if start > position:
            outside.append((position, start))
        position = max(position, end)
    if position < regions.end:
        outside.append((position, regions.end))
    return outside


def court_first(text: str, read: Callable[[str, int, int], list[T]], key: Callable[[T], Any]) -> tuple[list[T], bool]:
    """What `read(text, start, end)` finds in the court's findings and reasoning (each once where
    they overlap); only when that is nothing, what it finds in the rest of the text (flag True)."""
    regions = document_sections(text)
    candidates = list({key(c): c for r in court_ranges(regions) for c in read(text, *r)}.values())
    if candidates:
        return candidates, False
    return [c for r in _outside_court_ranges(regions) for c in read(text, *r)], True



def _extract_circumstances(
    text: str,
    regions: Regions,
    defendant: str | None,
    others: tuple[str, ...],
    fields: dict[str, Extracted],
    notes: list[str],
) -> None:
    court_parts = court_ranges(regions)
    if court_parts:
        # Findings (…到案后如实供述…) and reasoning (…系自首…), up to the operative part.
        start, end = min(court_parts)[0], max(court_parts, key=itemgetter(1))[1]
    else:
        start, end = 0, regions.end
        notes.append("mitigating/aggravating: no findings or 本院认为 section; read from the whole text")
    found, named = _circumstances(text, start, end, defendant, others)
    stated = {label for _, label, _ in found}
    if "自首" in stated:
        # 自首 already includes the truthful confession; 坦白 only stands when the court says 坦白.
        found = [f for f in found if f[1] != "坦白" or text.startswith("坦白", f[2][0])]
    if not defendant or not (others or _several_defendants(text, start, end)):
        # The 依照…之规定 clause closes the reasoning, just before the operative part.
        for kind, label, span in _cited_circumstances(text, max(start, end - 1500), end):
            if label not in stated:
                found.append((kind, label, span))
                stated.add(label)
                notes.append(f"{kind}: {label} from the court's citation of {text[span[0]:span[1]]} of the Criminal Law")
    if defendant and not named:
        notes.append(f"mitigating/aggravating: {defendant} is not named in the reasoning; circumstances stated for all")
    for kind in ("mitigating", "aggravating"):
        labels: list[str] = []
        spans: list[tuple[int, int]] = []
        for found_kind, label, span in found:
            if found_kind == kind and label not in labels:
                labels.append(label)
                spans.append(span)
        first = spans[0] if spans else None
        fields[kind] = Extracted(labels, first)


# ---------------------------------------------------------------- main entry


def extract_circumstances(
    text: str, defendant: str | None = None, co_defendants: Iterable[str] = ()
) -> tuple[dict[str, Extracted], list[str]]:
    """Mitigating and aggravating circumstances; with `defendant`, those the court applies to that person.

    Without `co_defendants`, the other defendants are the header's (party_names).
    """
    others = tuple(co_defendants) or (party_names(text) if defendant else ())
    fields: dict[str, Extracted] = {}
    notes: list[str] = []
    if not isinstance(text, str) or not text.strip():
        return fields, ["facts: empty text"]
    _extract_circumstances(text, document_sections(text), defendant, others, fields, notes)
    return fields, notes
