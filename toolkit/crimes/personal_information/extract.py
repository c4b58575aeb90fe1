"""Facts of a personal-information case (Criminal Law Art. 253-1) read from a judgment: the number
of items and whether it is approximate, the information category of the 2017 Interpretation, and the
illegal gains — the court's figures where the text gives them after a deduction (剔除…后认定…条;
违法所得…，其中…认定…元), with the raw figure in the notes.

`extract_facts(text, defendant=None, co_defendants=())` returns ({field: Extracted(value, span)}, notes)
with the fields info_count, info_count_approx, info_category, illegal_gains_yuan (toolkit.schema); a
field the text does not state is absent and a note says why. Spans index into `text`. Where the
judgment has findings and reasoning sections, figures are read from those, not from the prosecution's
allegation. Sections, attribution by name and the header's defendants come from toolkit.extract.facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from toolkit.extract import Extracted
from toolkit.extract.facts import (
    CJK,
    CLAUSE_END,
    SENTENCE_END,
    Regions,
    attributed,
    attribution,
    court_first,
    court_ranges,
    document_sections,
    party_names,
    sentence_bounds,
)
from toolkit.extract.prefilter import plan_search
from toolkit.extract.textspan import for_last_text
from toolkit.numerals import GROUPED_DIGITS_PATTERN, parse_number

_NUM_CHARS = "0-9０-９.．零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"


def extract_facts(
    text: str, defendant: str | None = None, co_defendants: Iterable[str] = ()
) -> tuple[dict[str, Extracted], list[str]]:
    """Item count (and whether approximate), category and illegal gains.

    With `defendant`, figures attributed to that person by name win, and figures attributed to someone
    else (a name in `co_defendants` — by default the header's other defendants — or another pseudonym
    such as 李某) are not taken for this defendant.
    """
    others = tuple(co_defendants) or (party_names(text) if defendant else ())
    fields: dict[str, Extracted] = {}
    notes: list[str] = []
    if not isinstance(text, str) or not text.strip():
        return fields, ["facts: empty text"]
    sections = document_sections(text)
    about = _about_personal_information(text)
    count = _extract_count(text, sections, defendant, others, about, fields, notes)
    _extract_category(text, sections, count, about, fields, notes)
    _extract_gains(text, defendant, others, fields, notes)
    return fields, notes


# ---------------------------------------------------------------- item counts

# 8100万余条, 30余万条, 379525条, 915份, 760组, 1.9万余个, 十万余条, 8878万余人次.
# Every repetition is bounded; a number must not continue a longer run of digits (no 第…条).
# The look-behind follows the first digit so that the search can skip to digits (a pattern that
# starts with a look-behind is tried at every character); it checks the character before that digit.
_COUNT = re.compile(
    rf"(?P<number>[{_NUM_CHARS}](?<![{_NUM_CHARS}第].)[{_NUM_CHARS}]{{0,13}})"
    r"(?P<approx1>余|多)?(?P<big>[万亿])?(?P<approx2>余|多)?"
    r"(?P<unit>条|份|组|个|人次)"
)
_TOTAL_WORDS = ("共计", "合计", "总计", "累计")
_APPROX_BEFORE = ("约", "近", "超过", "超", "逾")
_INFO_WORDS = re.compile(
    r"信息|数据|资料|账号|帐号|账户|微信号|QQ号|号码|面单|记录|轨迹|身份证|户籍|名单|订单|简历|快递单|个人"
    r"|征信|病历"
)
# What follows a count that is not a count of information: 6个月, 3个人, 第5条规定, 1条龙 …
_NOT_INFO_AFTER = re.compile(rf"月|人(?!次)|小时|工作日|规定|款|项|之|以上|以下|[{CJK}]{{0,2}}(?:文档|文件|硬盘|U盘|手机|电脑|群|网站|平台|公司|窗口|账本)")
_LEGAL_QUOTE = re.compile(r"五十条以上|五百条以上|五千条以上|第五条|解释》|司法解释|规定的“情节严重”")


# "共导出…条，剔除重复、无效信息后，认定…条": the figure after a deduction is the court's.
_DEDUCTION = re.compile(r"剔除|去重|去除|扣除|除去|排除|筛除|删除重复|合并重复|重复[^，,。；;]{0,6}后")
_COURT_FIGURE_BEFORE = re.compile(r"认定|核实|查实|确认|有效|实际")


@dataclass(frozen=True)
class _Count:
    value: int
    approx: bool
    total: bool
    span: tuple[int, int]
    clause: tuple[int, int]
    sentence: tuple[int, int]
    deducted: bool = False  # stated after a deduction (剔除…后, 去重后) in its sentence: the court's figure


def _count_candidates(text: str, start: int, end: int) -> list[_Count]:
    found: list[_Count] = []
    for match in _COUNT.finditer(text, start, end):
        after = text[match.end() : match.end() + 8]
        if _NOT_INFO_AFTER.match(after):
            continue
        number = parse_number(match["number"])
        if number is None or number <= 0:
            continue
        if match["big"]:
            number *= 10_000 if match["big"] == "万" else 100_000_000
        sentence = sentence_bounds(text, match.start("number"))
        clause = sentence_bounds(text, match.start("number"), CLAUSE_END, limit=60)
        context_before = text[max(sentence[0], match.start() - 40) : match.start("number")]
        context_after = text[match.end() : min(sentence[1], match.end() + 16)]
        if not (_INFO_WORDS.search(context_before) or _INFO_WORDS.search(context_after)):
            continue
        if match["unit"] == "人次" and "信息" not in context_before:
            continue
        preceding = text[max(0, match.start() - 6) : match.start()]
        total = preceding.endswith("共") or any(word in preceding for word in _TOTAL_WORDS)
        approx = bool(match["approx1"] or match["approx2"]) or preceding.endswith(_APPROX_BEFORE)
        deduction = _DEDUCTION.search(text, sentence[0], match.start()) if "除" in text[sentence[0] : match.start()] or "重" in text[sentence[0] : match.start()] else None
        deducted = deduction is not None and (
            _COURT_FIGURE_BEFORE.search(text, deduction.end(), match.start()) is not None or "后" in text[deduction.end() : match.start()]
        )
        found.append(
            _Count(round(number), approx, total, (match.start("number"), match.end()), clause, sentence, deducted)
        )
    return found


def _choose_count(
    text: str, candidates: list[_Count], defendant: str | None, co_defendants: tuple[str, ...], notes: list[str]
) -> _Count | None:
    pool = candidates
    if defendant:
        whose = [attribution(text, c.sentence, c.clause, c.span[0], defendant, co_defendants) for c in candidates]
        pool = attributed(candidates, whose, defendant, "info_count", "figure", notes)
        if not pool:
            return None
    deducted = [c for c in pool if c.deducted]
    if deducted:
        chosen = deducted[-1]
        raw = [c for c in pool if not c.deducted and c.sentence == chosen.sentence and c.span[0] < chosen.span[0]]
        if raw:
            notes.append(
                f"info_count: the court's figure after deduction ({chosen.value}) was taken; raw figure "
                f"{max(raw, key=lambda c: c.value).value} at {list(max(raw, key=lambda c: c.value).span)}"
            )
        return chosen
    totals = [c for c in pool if c.total]
    if totals:
        return max(totals, key=lambda c: c.value)
    if len({c.value for c in pool}) > 1:
        notes.append("info_count: several figures and none is stated as a total; took the largest")
    return max(pool, key=lambda c: c.value)


# ---------------------------------------------------------------- categories

# Most sensitive first: when several are named, the sentence of the count decides, else this order.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("trajectory", ("行踪轨迹", "车辆轨迹", "轨迹信息", "定位信息", "位置信息", "行驶路线")),
    ("communication_content", ("通信内容", "聊天记录", "短信内容", "邮件内容")),
    ("credit", ("征信",)),
    ("property", ("财产信息", "存款信息", "房产信息", "银行存款")),
    ("accommodation", ("住宿信息", "开房记录", "住宿记录", "入住信息", "酒店入住")),
    ("communication_records", ("通话记录", "通信记录", "话单", "通话详单")),
    ("health", ("健康生理", "病历", "体检信息", "就诊信息", "病情")),
    ("transaction", ("交易信息",)),
)
_CATEGORY_PATTERN = re.compile("|".join(w for _, words in CATEGORY_WORDS for w in words))
_CATEGORY_OF_WORD = {w: code for code, words in CATEGORY_WORDS for w in words}
_CATEGORY_RANK = {code: rank for rank, (code, _) in enumerate(CATEGORY_WORDS)}


# Kinds of personal information that fall under "other" (Interpretation Art. 5(1)(5)).
_OTHER_KIND = re.compile(
    r"身份信息|身份证|电话号码|手机号|联系方式|户籍|住址|姓名|账号|帐号|微信号|QQ号|面单|车主信息|业主信息|房源信息"
    r"|验证码|人脸|照片|学生信息|婴儿信息|借贷信息|贷款人信息|银行卡信息|注册信息"
)
# Only texts about personal information are searched for item counts and categories.
_PERSONAL_INFORMATION_WORDS = ("个人信息", "公民信息", "个人身份信息", "人脸信息")


@for_last_text
def _about_personal_information(text: str) -> bool:
    if "信息" in text:  # one scan rules out most other judgments
        return any(word in text for word in _PERSONAL_INFORMATION_WORDS)
    return "个人数据" in text
_EVIDENCE_LIST = re.compile(r"证据|证实|证言|笔录|鉴定意见")


def _categories_in(text: str, start: int, end: int) -> list[tuple[str, tuple[int, int]]]:
    found = []
    for match in _CATEGORY_PATTERN.finditer(text, start, end):
        sentence = sentence_bounds(text, match.start())
        if _LEGAL_QUOTE.search(text, sentence[0], sentence[1]) or _EVIDENCE_LIST.search(text, sentence[0], sentence[1]):
            continue  # the Interpretation's thresholds, or a list of evidence (…通话记录等证据证实)
        found.append((_CATEGORY_OF_WORD[match.group()], match.span()))
    return found


# ---------------------------------------------------------------- illegal gains

_GAINS = re.compile(
    r"(?P<word>违法所得|非法所得|非法获利|非法牟利|获利|获取利益|牟利|好处费)"
    rf"(?P<gap>[^{SENTENCE_END}，,元]{{0,10}}?)"
    rf"(?P<amount>{GROUPED_DIGITS_PATTERN}|[{_NUM_CHARS}]{{1,16}}(?:余|多)?[万亿]?(?:余|多)?)元"
)
# Tried only near each 元, which every match ends with (toolkit.extract.prefilter.plan_search), instead of at every
# 违/非/获/牟/好 of the text: judgments write 非法 far more often than an amount.
_GAINS_SEARCH = plan_search(_GAINS)
_UPPER_BOUND_BEFORE = ("近", "接近", "不足", "不到")
_TOTAL_BEFORE = re.compile(r"共计|合计|总计|累计|共")
_REFUND_WORDS = re.compile(r"退出|退缴|退交|退还|返还|退赔|追缴|没收|扣押|责令|予以")


def _gains_candidates(
    text: str, start: int, end: int
) -> list[tuple[float, tuple[int, int], tuple[int, int], bool, tuple[int, int]]]:
    found = []
    for match in _gains_matches(text, start, end):
        after = text[match.end() : match.end() + 6]
        if after.startswith(("不等", "至")) or "至" in match["gap"]:
            continue  # a range over several people
        value = parse_number(match["amount"])
        if value is None:
            continue
        clause = sentence_bounds(text, match.start(), CLAUSE_END, limit=60)
        refund = bool(_REFUND_WORDS.search(text, clause[0], match.start("amount"))) or bool(
            _REFUND_WORDS.match(text[match.end() : match.end() + 8].lstrip("，,"))
        )
        sentence = sentence_bounds(text, match.start())
        found.append((value, (match.start("amount"), match.end()), clause, refund, sentence))
    return found



def _gains_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """_GAINS.finditer(text, start, end), by _GAINS_SEARCH from the end of each match (a match is never empty)."""
    position = start
    while (match := _GAINS_SEARCH(text, position, end)) is not None:
        yield match
        position = match.end()


@for_last_text
def _counts_in(text: str) -> tuple[list[_Count], bool]:
    return court_first(text, _count_candidates, lambda c: c.span)


@for_last_text
def _gains_in(text: str) -> tuple[list[tuple[float, tuple[int, int], tuple[int, int], bool, tuple[int, int]]], bool]:
    return court_first(text, _gains_candidates, lambda c: c[1])



def _extract_count(
    text: str,
    regions: Regions,
    defendant: str | None,
    others: tuple[str, ...],
    about: bool,
    fields: dict[str, Extracted],
    notes: list[str],
) -> _Count | None:
    if not about:
        notes.append("info_count: the text does not mention personal information (个人信息)")
        notes.append("info_count_approx: no count stated")
        return None
    candidates, elsewhere = _counts_in(text)
    if candidates and elsewhere and court_ranges(regions):
        notes.append("info_count: not stated in the court's findings; taken from elsewhere in the text (e.g. the allegation)")
    if not candidates:
        notes.append("info_count: no count of personal-information items stated")
        notes.append("info_count_approx: no count stated")
        return None
    chosen = _choose_count(text, candidates, defendant, others, notes)
    if chosen is None:
        notes.append("info_count_approx: no count stated for this defendant")
        return None
    fields["info_count"] = Extracted(chosen.value, chosen.span)
    fields["info_count_approx"] = Extracted(chosen.approx, chosen.span)
    return chosen


def _extract_category(
    text: str, regions: Regions, count: _Count | None, about: bool, fields: dict[str, Extracted], notes: list[str]
) -> None:
    if count is not None:
        in_sentence = _categories_in(text, *count.sentence)
        if in_sentence:
            code, span = min(in_sentence, key=lambda item: _CATEGORY_RANK[item[0]])
            fields["info_category"] = Extracted(code, span)
            return
        other_kind = _OTHER_KIND.search(text, *count.sentence)
        if other_kind is not None:
            # "快递面单信息915份": the counted items are named, and they are of no listed category.
            fields["info_category"] = Extracted("other", other_kind.span())
            return
    if count is None and not about:
        notes.append("info_category: no count stated and the text is not about personal information")
        return
    ranges = court_ranges(regions) or [(0, regions.end)]
    found = [item for r in ranges for item in _categories_in(text, *r)]
    if not found and ranges != [(0, regions.end)]:
        found = _categories_in(text, 0, regions.end)
    if found:
        code, span = min(found, key=lambda item: _CATEGORY_RANK[item[0]])
        fields["info_category"] = Extracted(code, span)
        codes = sorted({c for c, _ in found}, key=_CATEGORY_RANK.get)
        if len(codes) > 1:
            notes.append(f"info_category: several categories named ({', '.join(codes)}); took the most sensitive")
        elif count is not None:
            notes.append("info_category: category word is not in the sentence of the count")
        return
    if count is not None:
        fields["info_category"] = Extracted("other", None)
        notes.append("info_category: other — the counted items are not of a category the Interpretation lists separately")
        return
    other_kind = _OTHER_KIND.search(text, 0, regions.end)
    if other_kind is None:
        notes.append("info_category: no count stated and no kind of information named")
        return
    fields["info_category"] = Extracted("other", other_kind.span())
    notes.append("info_category: other — no count stated; the personal information named is of no separately listed category")


_RESPECTIVE_AMOUNT = re.compile(rf"[{_NUM_CHARS}]{{1,16}}(?:余|多)?[万亿]?(?:余|多)?元?")


def _respective_gain(text: str, sentence: tuple[int, int], defendant: str) -> Extracted | None:
    """"于剑、宁某分别退出的违法所得人民币350111.92元、2.4万元": the amount in the defendant's place."""
    respectively = text.find("分别", sentence[0], sentence[1])
    if respectively == -1:
        return None
    clause_start = sentence_bounds(text, respectively, CLAUSE_END, limit=60)[0]
    names = re.split(r"[、和及与]", text[clause_start:respectively].removeprefix("被告人"))
    if defendant not in names:
        return None
    index = names.index(defendant)
    listing = re.search(
        rf"(?:[{_NUM_CHARS}]{{1,16}}(?:余|多)?[万亿]?(?:余|多)?元?、)+[{_NUM_CHARS}]{{1,16}}(?:余|多)?[万亿]?(?:余|多)?元",
        text[respectively : sentence[1]],
    )
    if listing is None:
        return None
    amounts = [(m.group(), m.start()) for m in _RESPECTIVE_AMOUNT.finditer(listing.group())]
    if len(amounts) != len(names):
        return None
    raw, offset = amounts[index]
    value = parse_number(raw.rstrip("元"))
    if value is None:
        return None
    start = respectively + listing.start() + offset
    return Extracted(value, (start, start + len(raw)))


def _extract_gains(
    text: str, defendant: str | None, others: tuple[str, ...], fields: dict[str, Extracted], notes: list[str]
) -> None:
    candidates, _ = _gains_in(text)
    if not candidates:
        notes.append("illegal_gains_yuan: no illegal gains stated")
        return
    pool = [c for c in candidates if not c[3]] or candidates
    if pool is candidates and any(c[3] for c in candidates):
        notes.append("illegal_gains_yuan: only stated as an amount refunded or confiscated")
    if defendant:
        for candidate in pool:
            respective = _respective_gain(text, candidate[4], defendant)
            if respective is not None:
                fields["illegal_gains_yuan"] = respective
                return
        whose = [attribution(text, c[4], c[2], c[1][0], defendant, others, gains=True) for c in pool]
        pool = attributed(pool, whose, defendant, "illegal_gains_yuan", "amount", notes)
        if not pool:
            return
    totals = [c for c in pool if _TOTAL_BEFORE.search(text, max(0, c[1][0] - 6), c[1][0])]
    value, span = (totals or pool)[0][:2]
    if text[max(0, span[0] - 2) : span[0]].endswith(_UPPER_BOUND_BEFORE):
        # "近5万元" is just under 50,000: the amount is unknown, and a threshold may lie in between.
        notes.append(f"illegal_gains_yuan: stated only as an upper bound ({text[span[0] - 1 : span[1]]}); left null")
        return
    court = _COURT_GAIN.search(text, span[1], sentence_bounds(text, span[0], limit=300)[1])
    if court is not None:
        court_value = parse_number(court["amount"])
        if court_value is not None:
            notes.append(f"illegal_gains_yuan: the court's figure (其中…认定) was taken; raw figure {value:g} at {list(span)}")
            value, span = court_value, (court.start("amount"), court.end())
    fields["illegal_gains_yuan"] = Extracted(value, span)


# "违法所得共计8万元，其中经查实认定6万元": the amount the court found within a larger stated one.
_COURT_GAIN = re.compile(
    rf"其中[^{SENTENCE_END}]{{0,20}}?(?:认定|核实|查实|确认)[^{SENTENCE_END}]{{0,20}}?"
    rf"(?P<amount>[{_NUM_CHARS}]{{1,16}}(?:余|多)?[万亿]?(?:余|多)?)元"
)
