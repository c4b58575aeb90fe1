"""The parser asks the crime of the charges for its facts: drug judgments get `drug` and `drug_grams` from the
drug-trafficking plug-in, personal-information ones their item counts; a field of another crime is null with
a reason that says so (made-up texts)."""

from __future__ import annotations

from toolkit.parser import parse_document

DRUG = ("某某市某某区人民法院刑事判决书（2020）某0101刑初1号。被告人张某，男。"
        "经审理查明：2020年1月5日，被告人张某在某地以人民币300元的价格向他人贩卖甲基苯丙胺（冰毒）1包，"
        "经称量，净重1.5克。上述事实，有证据证实。本院认为，被告人张某贩卖毒品，其行为已构成贩卖毒品罪。"
        "判决如下：被告人张某犯贩卖毒品罪，判处有期徒刑八个月，并处罚金人民币二千元。")
PI = ("某某市某某区人民法院刑事判决书（2020）某0101刑初2号。被告人李某，男。"
      "经审理查明：被告人李某非法获取公民个人信息共计6000条并出售。"
      "判决如下：被告人李某犯侵犯公民个人信息罪，判处有期徒刑一年，并处罚金人民币五千元。")


def test_a_drug_judgment_gets_drug_and_grams_with_spans():
    [record] = parse_document("d1", DRUG)
    assert record["charges"] == ["贩卖毒品罪"]
    assert record["drug"] == "methamphetamine" and record["drug_grams"] == 1.5
    start, end = record["spans"]["drug_grams"]
    assert "1.5克" in DRUG[start - 1:end + 2]
    assert record["info_count"] is None
    assert any(n.startswith("info_count: not read: a field of personal_information") for n in record["notes"])


def test_a_personal_information_judgment_keeps_its_facts_and_explains_the_drug_fields():
    [record] = parse_document("p1", PI)
    assert record["info_count"] == 6000 and record["drug"] is None and record["drug_grams"] is None
    assert any(n.startswith("drug: not read: a field of drug_trafficking") for n in record["notes"])
