"""Crime-specific facts come from the crime plug-in (issue #13): the parser asks the crime of the
charges (toolkit.crimes.crime_for_charge) for them, and reads the generic facts (circumstances)
itself from toolkit.extract.facts."""

from __future__ import annotations

from typing import Iterable

import pytest

import toolkit.parser as parser
from toolkit.crimes import all_crimes, get_crime
from toolkit.extract import Extracted
from toolkit.extract.facts import extract_circumstances

TEXT = (
    "某市某区人民法院\n刑事判决书\n（2020）浙0106刑初9号\n被告人张三，男，1985年出生。\n起诉书指控……\n"
    "经审理查明，被告人张三非法出售公民个人信息5000条，违法所得人民币8000元。\n"
    "本院认为，被告人张三到案后如实供述自己的罪行，系坦白，依法可以从轻处罚。\n判决如下：\n"
    "被告人张三犯{charge}，判处有期徒刑一年，并处罚金人民币一万元。\n如不服本判决……\n审判长 李华"
)


def test_personal_information_crime_reads_its_own_facts_only() -> None:
    text = TEXT.format(charge="侵犯公民个人信息罪")
    fields, notes = get_crime("personal_information").extract_facts(text, "张三")
    assert set(fields) == {"info_count", "info_count_approx", "info_category", "illegal_gains_yuan"}
    assert fields["info_count"].value == 5000 and text[slice(*fields["info_count"].span)].startswith("5000")
    assert fields["illegal_gains_yuan"].value == 8000.0
    generic, _ = extract_circumstances(text, "张三")
    assert set(generic) == {"mitigating", "aggravating"} and generic["mitigating"].value == ["坦白"]


def test_parser_asks_the_crime_of_the_charges(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    class Other:
        id = "other_crime"
        fact_fields = ("illegal_gains_yuan",)

        def extract_facts(self, text: str, defendant: str | None = None, co_defendants: Iterable[str] = ()):
            asked.append(defendant)
            return {"illegal_gains_yuan": Extracted(123.0, (0, 1))}, ["info_count: not a personal-information case"]

    other = Other()
    parser._crime_of_charge.cache_clear()
    monkeypatch.setattr(parser, "crime_for_charge", lambda charge: other if charge == "盗窃罪" else None)
    try:
        (theft,) = parser.parse_document("theft", TEXT.format(charge="盗窃罪"))
        (unknown,) = parser.parse_document("fraud", TEXT.format(charge="诈骗罪"))
        (news,) = parser.parse_document("news", "张三非法出售公民个人信息5000条，违法所得8000元，被判处有期徒刑一年。")
    finally:
        parser._crime_of_charge.cache_clear()
    assert asked == ["张三"]
    assert theft["illegal_gains_yuan"] == 123.0 and theft["info_count"] is None
    assert "info_count: not a personal-information case" in theft["notes"]
    assert theft["mitigating"] == ["坦白"]  # generic reading, whatever the crime
    # a stated charge that no registered crime claims: no crime's facts are read, each null says why
    assert unknown["info_count"] is None and unknown["illegal_gains_yuan"] is None and unknown["mitigating"] == ["坦白"]
    assert ("info_count: not read: a field of personal_information, and the charges (诈骗罪) belong to no registered crime"
            in unknown["notes"])
    # a passage that states no charge is read as the default crime's
    assert news["charges"] == [] and news["info_count"] == 5000 and news["illegal_gains_yuan"] == 8000.0


def test_crime_of_falls_back_to_the_default_only_when_no_charge_is_stated() -> None:
    assert parser.crime_of(["侵犯公民个人信息罪"]).id == "personal_information"
    assert parser.crime_of(["诈骗罪", "非法获取公民个人信息罪"]).id == "personal_information"  # the first registered one
    assert parser.crime_of([]).id == parser.DEFAULT_CRIME
    assert parser.crime_of(None).id == parser.DEFAULT_CRIME
    assert parser.crime_of(["诈骗罪"]) is None


DRUG_TEXT = (
    "某市某区人民法院\n刑事判决书\n被告人张三，男，1985年出生。\n"
    "经审理查明，被告人张三贩卖甲基苯丙胺给吸毒人员，当场查获甲基苯丙胺净重2.5克。\n判决如下：\n"
    "被告人张三犯贩卖毒品罪，判处有期徒刑一年，并处罚金人民币一万元。\n"
)
CONTRACT_TEXTS = (TEXT.format(charge="侵犯公民个人信息罪"), DRUG_TEXT, "判决如下：被告人张三犯盗窃罪。", "")


@pytest.mark.parametrize("crime_id", [c.id for c in all_crimes()])
@pytest.mark.parametrize("text", CONTRACT_TEXTS, ids=["pi", "drug", "no-facts", "empty"])
def test_every_crime_honours_the_extractor_contract(crime_id: str, text: str) -> None:
    """toolkit/crimes/README.md section 5: only fact_fields, no null values, spans inside the text, notes "field: why"."""
    crime = get_crime(crime_id)
    fields, notes = crime.extract_facts(text, "张三" if text else None, ())
    assert set(fields) <= set(crime.fact_fields)
    for name, item in fields.items():
        assert isinstance(item, Extracted) and item.value is not None, name
        if item.span is not None:
            start, end = item.span
            assert 0 <= start < end <= len(text), (name, item.span)
    assert all(isinstance(n, str) and n.partition(":")[1] for n in notes)
    if not text:
        assert (fields, notes) == ({}, ["facts: empty text"])


def test_extractors_read_their_own_crime() -> None:
    drug_fields, _ = get_crime("drug_trafficking").extract_facts(DRUG_TEXT, "张三")
    assert drug_fields["drug"].value == "methamphetamine" and drug_fields["drug_grams"].value == 2.5
    assert DRUG_TEXT[slice(*drug_fields["drug_grams"].span)] == "2.5克"
    (record,) = parser.parse_document("drug", DRUG_TEXT)
    assert record["drug_grams"] == 2.5 and record["spans"]["drug_grams"] == list(drug_fields["drug_grams"].span)
    assert record["info_count"] is None
    assert "info_count: not read: a field of personal_information, and the charges are drug_trafficking's" in record["notes"]


def test_parser_fact_fields_come_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    registered = [name for crime in all_crimes() for name in crime.fact_fields]
    assert parser.FACT_FIELDS == (*dict.fromkeys(registered), *parser.CIRCUMSTANCE_FIELDS)

    class NewColumn:
        id = "new_column_crime"
        fact_fields = ("drug", "stolen_value_yuan")

    monkeypatch.setattr(parser, "all_crimes", lambda: [*all_crimes(), NewColumn()])
    with pytest.raises(TypeError, match="stolen_value_yuan"):
        parser._fact_fields()
