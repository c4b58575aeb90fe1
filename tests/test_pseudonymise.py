"""Pseudonymisation: nothing identifying survives, pseudonyms are stable under a key, spans still fit."""

from __future__ import annotations

import json
import re

import pytest

from toolkit.parser import parse_document
from toolkit.pseudonymise import Pseudonymiser, key_path_for, load_or_create_key

ID_CARD = "110105198503021234"
ID_CARD_X = "32010219900709123X"
PHONE = "13812345678"
LANDLINE = "021-62345678"
BANK = "6222021234567890123"
TEXT = (
    "江苏省无锡市滨湖区人民法院 刑事判决书 （2020）苏0211刑初345号 公诉机关无锡市滨湖区人民检察院。 "
    f"被告人张伟，男，1988年3月2日出生，公民身份号码{ID_CARD}，户籍地江苏省无锡市梁溪区中山路18号，联系电话{PHONE}。 "
    f"被告人李娜，女，身份证号{ID_CARD_X}，住南京市鼓楼区北京西路7号，电话{LANDLINE}。 "
    "无锡市滨湖区人民检察院指控被告人张伟、李娜犯侵犯公民个人信息罪。 "
    f"经审理查明：被告人张伟通过银行卡{BANK}收款，向他人出售公民个人信息共计5000条，违法所得人民币3万元。 "
    "本院认为……判决如下： 一、被告人张伟犯侵犯公民个人信息罪，判处有期徒刑三年，并处罚金人民币三万元。 "
    "二、被告人李娜犯侵犯公民个人信息罪，判处有期徒刑一年，缓刑一年六个月，并处罚金人民币五千元。 "
    "审判长孙某 二〇二〇年五月十二日"
)
SECRETS = ("张伟", "李娜", ID_CARD, ID_CARD_X, PHONE, LANDLINE, BANK, "中山路18号", "北京西路7号")


def _pseudonymiser(key: bytes = b"k" * 40) -> Pseudonymiser:
    return Pseudonymiser(key)


def test_masked_document_and_records_contain_no_name_id_phone_or_address():
    records = parse_document("doc1", TEXT)
    assert {r["defendant"] for r in records} == {"张伟", "李娜"}
    text, masked_records = _pseudonymiser().document("doc1", TEXT, records)
    dumped = text + json.dumps(masked_records, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in dumped, secret
    assert "［身份证号］" in text and "［电话］" in text and "［银行卡号］" in text and "［住址］" in text
    assert all(re.fullmatch(r"P[0-9A-F]{10}", r["defendant"]) for r in masked_records)


def test_spans_point_at_the_same_characters_in_the_masked_text():
    records = parse_document("doc1", TEXT)
    text, masked_records = _pseudonymiser().document("doc1", TEXT, records)
    compared = 0
    for before, after in zip(records, masked_records):
        for field, (start, end) in before["spans"].items():
            original = TEXT[start:end]
            new_start, new_end = after["spans"][field]
            expected = _pseudonymiser().mask(original, ["张伟", "李娜"]).text
            assert text[new_start:new_end] == expected, field
            compared += 1
    assert compared >= 6  # charges, terms, fines, counts of both defendants


def test_same_key_same_pseudonyms_other_key_others():
    a, b, c = _pseudonymiser(b"a" * 40), _pseudonymiser(b"a" * 40), _pseudonymiser(b"b" * 40)
    assert a.pseudonym("张伟") == b.pseudonym("张伟") != c.pseudonym("张伟")
    assert a.pseudonym("张伟") != a.pseudonym("李娜")


def test_key_is_created_beside_the_output_and_reused(tmp_path):
    output = tmp_path / "out.jsonl"
    path = key_path_for(output)
    assert path.parent == output.parent and path != output
    first = load_or_create_key(path)
    assert load_or_create_key(path) == first
    assert (path.stat().st_mode & 0o077) == 0
    (tmp_path / "short").write_text("abc")
    with pytest.raises(ValueError, match="short"):
        load_or_create_key(tmp_path / "short")


def test_position_mapping_at_run_edges():
    masked = _pseudonymiser().mask(f"电话{PHONE}。", [])
    assert masked.text == "电话［电话］。"
    assert masked.span([0, 2]) == [0, 2]  # ends where the run begins
    assert masked.span([2, 13]) == [2, 6]  # the run itself
    assert masked.span([13, 14]) == [6, 7]  # after the run
    assert masked.span([5, 8]) == [2, 6]  # inside the run: widened to the whole mask


def test_parse_pseudonymise_writes_no_secret_and_spans_fit_the_masked_texts(tmp_path):
    from toolkit.cli import main

    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps({"id": "doc1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    runs = []
    for name in ("a.jsonl", "b.jsonl"):
        out = tmp_path / name
        key = tmp_path / "shared.pseudonym-key"
        assert main(["parse", str(source), "-o", str(out), "--pseudonymise", "--pseudonym-key", str(key)]) == 0
        texts = tmp_path / name.replace(".jsonl", ".texts.jsonl")
        written = out.read_text(encoding="utf-8") + texts.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in written, secret
        assert key.read_text().strip().encode() not in written.encode()
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        masked_text = json.loads(texts.read_text(encoding="utf-8"))["text"]
        start, end = records[0]["spans"]["term_months"]
        assert "三年" in masked_text[start:end] or "一年" in masked_text[start:end]
        runs.append(sorted(r["defendant"] for r in records))
    assert runs[0] == runs[1]  # same key, same pseudonyms


def test_parse_pseudonymise_needs_an_output_file(tmp_path, capsys):
    from toolkit.cli import main

    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps({"id": "d", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["parse", str(source), "--pseudonymise"]) == 2
    assert "needs -o" in capsys.readouterr().err


def test_tables_pseudonymised_together_keep_spans_and_drop_secrets():
    from toolkit.pseudonymise import pseudonymise_tables

    records = parse_document("doc1", TEXT) + parse_document("no_text", "被告人王强犯盗窃罪，判处有期徒刑一年。")
    defendants, documents = pseudonymise_tables(records, [{"id": "doc1", "text": TEXT, "source": "x"}], _pseudonymiser())
    assert len(defendants) == len(records)
    dumped = json.dumps([defendants, documents], ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in dumped, secret
    first = next(r for r in defendants if r["doc_id"] == "doc1")
    start, end = first["spans"]["charges"]
    assert "侵犯公民个人信息罪" in documents[0]["text"][start:end]
