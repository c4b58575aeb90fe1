"""Verdict forms on full judgments that the parser used to miss (issue #12 item 3).

Every text here is made up for the test (names, courts and numbers are invented); each stands for
one form: thousands separators in amounts, names with characters that look like grammar, a verdict
that names in full a defendant the header anonymises, a second-instance ruling that changes one
sentence and upholds a co-defendant's, and a company defendant (被告单位) with its own fine.
"""

from __future__ import annotations

import re

import pytest

from toolkit.numerals import MONEY_AMOUNT_PATTERN, parse_money_yuan
from toolkit.parser import parse_document
from toolkit.schema import PARTY_TYPES, validate_defendant_record

HEADER = "某省某市某区人民法院\n刑事判决书\n（2020）浙0106刑初123号\n公诉机关某市某区人民检察院。\n"
END = "\n如不服本判决，可在接到判决书的第二日起十日内提起上诉。\n审判长 李华\n二〇二〇年十二月一日"


def _judgment(party: str, operative: str, facts: str = "起诉书指控……") -> str:
    return HEADER + party + "\n" + facts + "\n判决如下：\n" + operative + END


def _parse(text: str) -> list[dict]:
    records = parse_document("doc", text)
    for record in records:
        validate_defendant_record(record)
    return records


def _span_text(text: str, record: dict, field: str) -> str:
    start, end = record["spans"][field]
    return text[start:end]


@pytest.mark.parametrize(
    "written, yuan",
    [("人民币30，000元", 30000.0), ("人民币20,000元", 20000.0), ("人民币1,250,000元", 1250000.0),
     ("人民币１２，０００元", 12000.0), ("人民币2,500.50元", 2500.5), ("人民币3，000万元", 30_000_000.0)],
)
def test_fine_with_thousands_separators(written: str, yuan: float) -> None:
    text = _judgment("被告人王明，男，1985年出生，汉族。", f"被告人王明犯侵犯公民个人信息罪，判处有期徒刑一年，并处罚金{written}。")
    [record] = _parse(text)
    assert record["fine_yuan"] == yuan
    assert _span_text(text, record, "fine_yuan").startswith(written.removeprefix("人民币")[:2])
    assert not any(n.startswith("fine_yuan") for n in record["notes"])


def test_separator_is_only_read_before_three_digits() -> None:
    # "五千元，1000元" are two amounts; "30，00元" is no grouped number
    assert re.fullmatch(MONEY_AMOUNT_PATTERN, "30，000")
    assert not re.fullmatch(MONEY_AMOUNT_PATTERN, "30，00")
    assert parse_money_yuan("5000元，1000元") == 5000.0
    text = _judgment(
        "被告人王明，男，1985年出生。\n被告人赵亮，男，1986年出生。",
        "被告人王明、赵亮犯侵犯公民个人信息罪，分别判处有期徒刑一年、十个月，并处罚金人民币5,000元、3,000元。",
    )
    assert [(r["defendant"], r["fine_yuan"]) for r in _parse(text)] == [("王明", 5000.0), ("赵亮", 3000.0)]


def test_illegal_gains_with_thousands_separator() -> None:
    text = _judgment(
        "被告人王明，男，1985年出生。", "被告人王明犯侵犯公民个人信息罪，判处有期徒刑一年，并处罚金人民币一万元。",
        facts="经审理查明，被告人王明出售公民个人信息5000条，违法所得人民币12，500元。",
    )
    [record] = _parse(text)
    assert record["illegal_gains_yuan"] == 12500.0


def test_names_with_grammar_characters() -> None:
    text = _judgment(
        "被告人于和平，男，1985年出生。\n被告人李了凡，女，1990年出生。\n被告人欧阳之华，男，1979年出生。\n被告人何与的，男，1970年出生。",
        "一、被告人于和平犯侵犯公民个人信息罪，判处有期徒刑二年，并处罚金人民币二万元；\n"
        "二、被告人李了凡犯侵犯公民个人信息罪，判处有期徒刑一年，缓刑一年，并处罚金人民币一万元；\n"
        "三、被告人欧阳之华犯侵犯公民个人信息罪，判处拘役五个月，并处罚金人民币五千元；\n"
        "四、被告人何与的犯侵犯公民个人信息罪，单处罚金人民币三千元。",
    )
    rows = [(r["defendant"], r["term_months"], r["probation_months"], r["fine_yuan"]) for r in _parse(text)]
    assert rows == [("于和平", 24, None, 20000.0), ("李了凡", 12, 12, 10000.0), ("欧阳之华", 5, None, 5000.0), ("何与的", None, None, 3000.0)]


def test_verdict_names_in_full_a_defendant_the_header_anonymises() -> None:
    text = _judgment(
        "被告人陈某，男，1985年出生。",
        "被告人陈大明犯侵犯公民个人信息罪，判处有期徒刑十个月，并处罚金人民币五千元。",
        facts="起诉书指控……经审理查明，被告人陈某非法获取公民个人信息5000条，出售后违法所得3000元。",
    )
    [record] = _parse(text)
    assert record["defendant"] == "陈大明" and record["term_months"] == 10 and record["fine_yuan"] == 5000.0
    # the facts call him 陈某: his count and gains are his, not "someone else's"
    assert record["info_count"] == 5000 and record["illegal_gains_yuan"] == 3000.0
    assert any("陈大明" in n and "陈某" in n for n in record["notes"])


def test_anonymised_header_does_not_claim_a_different_surname() -> None:
    text = _judgment(
        "被告人陈某，男，1985年出生。\n被告人王某，男，1986年出生。",
        "一、被告人陈大明犯侵犯公民个人信息罪，判处有期徒刑十个月；\n二、被告人王某犯侵犯公民个人信息罪，判处拘役三个月。",
    )
    records = _parse(text)
    assert [(r["defendant"], r["term_months"]) for r in records] == [("陈大明", 10), ("王某", 3)]
    assert not any("王某 of the party section" in n for r in records for n in r["notes"])
    # the header's 陈某 is 陈大明: said on his record only
    assert any("陈大明 in the operative part is 陈某" in n for n in records[0]["notes"])
    assert not any("陈大明" in n for n in records[1]["notes"])


APPEAL = (
    "某省某市中级人民法院\n刑事判决书\n（2021）浙01刑终45号\n"
    "上诉人（原审被告人）张甲，男，1980年出生。\n原审被告人李乙，男，1982年出生。\n原审被告人王丙，男，1983年出生。\n"
    "某区人民法院审理某区人民检察院指控原审被告人张甲、李乙、王丙犯侵犯公民个人信息罪一案，于2020年12月1日作出"
    "（2020）浙0106刑初123号刑事判决。原审法院依照……判决：一、被告人张甲犯侵犯公民个人信息罪，判处有期徒刑三年，"
    "并处罚金人民币三万元；二、被告人李乙犯侵犯公民个人信息罪，判处有期徒刑一年六个月，并处罚金人民币一万元；"
    "三、被告人王丙犯侵犯公民个人信息罪，判处有期徒刑一年，缓刑一年六个月，并处罚金人民币五千元。宣判后，张甲不服，提出上诉。\n"
    "本院认为……\n判决如下：\n"
    "一、维持某区人民法院（2020）浙0106刑初123号刑事判决第二项、第三项，即对原审被告人李乙、王丙的定罪量刑部分；\n"
    "二、撤销某区人民法院（2020）浙0106刑初123号刑事判决第一项，即对上诉人张甲的量刑部分；\n"
    "三、上诉人张甲犯侵犯公民个人信息罪，判处有期徒刑二年六个月，并处罚金人民币三万元。\n"
    "本判决为终审判决。\n审判长 李华"
)


def test_second_instance_changes_one_sentence_and_upholds_the_others() -> None:
    records = {r["defendant"]: r for r in _parse(APPEAL)}
    assert set(records) == {"张甲", "李乙", "王丙"}  # nobody dropped
    assert (records["张甲"]["term_months"], records["张甲"]["fine_yuan"]) == (30, 30000.0)  # the changed sentence
    assert (records["李乙"]["term_months"], records["李乙"]["fine_yuan"]) == (18, 10000.0)
    assert (records["王丙"]["term_months"], records["王丙"]["probation_months"], records["王丙"]["fine_yuan"]) == (12, 18, 5000.0)
    for name in ("李乙", "王丙"):
        assert any("upheld (维持)" in n for n in records[name]["notes"])
        assert "有期徒刑" in _span_text(APPEAL, records[name], "term_months")
        assert records[name]["spans"]["term_months"][0] < APPEAL.index("判决如下")  # read from the account
    assert not any("upheld" in n for n in records["张甲"]["notes"])


def test_upheld_defendant_without_a_quoted_sentence_is_kept_with_a_reason() -> None:
    text = APPEAL.replace(APPEAL[APPEAL.index("原审法院依照") : APPEAL.index("宣判后")], "原审法院作出上述判决。")
    records = {r["defendant"]: r for r in _parse(text)}
    assert set(records) == {"张甲", "李乙", "王丙"}
    assert records["李乙"]["outcome"] == "unknown" and records["李乙"]["term_months"] is None
    assert any("upheld (维持)" in n and "not quoted" in n for n in records["李乙"]["notes"])


UNIT = _judgment(
    "被告单位某市某某科技有限公司，住所地某市某区。\n诉讼代表人赵某。\n被告人钱某某，男，1985年出生，系被告单位法定代表人。\n"
    "被告人孙某，女，1990年出生，系被告单位职员。",
    "一、被告单位某市某某科技有限公司犯侵犯公民个人信息罪，判处罚金人民币五十万元；\n"
    "二、被告人钱某某犯侵犯公民个人信息罪，判处有期徒刑三年，缓刑四年，并处罚金人民币五万元；\n"
    "三、被告人孙某犯侵犯公民个人信息罪，判处有期徒刑一年。",
)


def test_company_defendant_has_its_own_record_and_fine() -> None:
    records = _parse(UNIT)
    assert [(r["defendant"], r["party_type"], r["penalty_type"], r["fine_yuan"]) for r in records] == [
        ("某市某某科技有限公司", "unit", "fine_only", 500000.0),
        ("钱某某", "natural_person", "fixed_term", 50000.0),
        ("孙某", "natural_person", "fixed_term", None),  # the unit's fine is not hers
    ]
    assert _span_text(UNIT, records[0], "fine_yuan").startswith("五十万")
    assert set(PARTY_TYPES) == {"natural_person", "unit"}


def test_unit_named_only_in_the_operative_part_is_a_unit() -> None:
    text = _judgment(
        "被告人钱某某，男，1985年出生。",
        "一、被告人钱某某犯侵犯公民个人信息罪，判处有期徒刑一年，并处罚金人民币一万元；\n二、被告单位某某信息咨询有限公司犯侵犯公民个人信息罪，判处罚金人民币二十万元。",
    )
    rows = [(r["defendant"], r["party_type"], r["fine_yuan"]) for r in _parse(text)]
    assert rows == [("钱某某", "natural_person", 10000.0), ("某某信息咨询有限公司", "unit", 200000.0)]
