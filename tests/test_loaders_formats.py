"""Each loader on the repository's own fixtures (tests/fixtures/loaders, made by make_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.loaders import cail2018, coding_sheet, docx_txt, judge_jsonl, lecard, wenshu_html
from toolkit.loaders.base import LoadError
from toolkit.schema import DOCUMENT_COLUMNS, normalised_text_sha256

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def docs_and_errors(items):
    items = list(items)
    docs = [i for i in items if not isinstance(i, LoadError)]
    errors = [i for i in items if isinstance(i, LoadError)]
    for doc in docs:
        assert tuple(doc) == DOCUMENT_COLUMNS
        if doc["text"]:
            assert doc["sha256"] == normalised_text_sha256(doc["text"])
    return docs, errors


def test_cail_gb18030_detected_and_equal_to_utf8():
    gb_docs, gb_errors = docs_and_errors(cail2018.load(FIXTURES / "cail_gb18030.json"))
    utf_docs, utf_errors = docs_and_errors(cail2018.load(FIXTURES / "cail_utf8.json"))
    assert not gb_errors and not utf_errors
    assert [d["encoding"] for d in gb_docs] == ["gb18030"] * 3
    assert [d["encoding"] for d in utf_docs] == ["utf-8"] * 3
    assert [d["text"] for d in gb_docs] == [d["text"] for d in utf_docs]
    first = gb_docs[0]
    assert first["id"] == "cail2018:cail_gb18030:1"
    assert first["source"] == "cail2018/jsonl"
    assert first["source_ref"].endswith("cail_gb18030.json:1")
    assert "3万余条" in first["text"]
    assert first["metadata"]["meta"]["accusation"] == ["侵犯公民个人信息"]
    assert first["metadata"]["meta"]["term_of_imprisonment"]["imprisonment"] == 10


def test_cail_sniff_rejects_other_json_shapes():
    assert cail2018.sniff(FIXTURES / "cail_gb18030.json")
    assert not cail2018.sniff(FIXTURES / "judge.jsonl")
    assert not cail2018.sniff(FIXTURES / "wenshu_2020.html")


def test_judge_jsonl_keeps_fd_and_reads_header():
    docs, errors = docs_and_errors(judge_jsonl.load(FIXTURES / "judge.jsonl"))
    assert not errors
    assert [d["id"] for d in docs] == ["jd-0001", "jd-0002"]
    assert docs[0]["case_number"] == "（2019）苏0102刑初88号"
    assert docs[0]["court"] == "江苏省南京市玄武区人民法院"
    assert docs[0]["title"] == "江苏省南京市玄武区人民法院刑事判决书"
    assert docs[0]["metadata"] == {"text_id": "jd-0001", "fd": "被告人赵甲通过微信出售公民个人信息6200余条。"}
    assert docs[1]["text"].startswith("浙江省杭州市西湖区人民法院\n刑事判决书")


def test_judge_jsonl_accepts_id_key(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text(json.dumps({"id": "x1", "text": "某某人民法院 刑事判决书 （2019）京0101刑初1号 被告人甲"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert judge_jsonl.sniff(path)
    docs, _ = docs_and_errors(judge_jsonl.load(path))
    assert docs[0]["id"] == "x1" and docs[0]["case_number"] == "（2019）京0101刑初1号"


def test_judge_jsonl_records_without_text_or_id_are_errors(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"text_id": "a", "text": ""}\n{"fd": "x", "text": "被告人甲"}\n[1, 2]\n', encoding="utf-8")
    docs, errors = docs_and_errors(judge_jsonl.load(path))
    assert docs == []
    assert [(e.line, e.reason) for e in errors] == [
        (1, "record has no 'text'"),
        (2, "record has no 'text_id' or 'id'"),
        (3, "line is not a JSON object"),
    ]


def test_lecard_full_text_and_sections():
    folder = FIXTURES / "lecard" / "candidates" / "q101"
    full, _ = docs_and_errors(lecard.load(folder / "lc-5001.json"))
    sections, _ = docs_and_errors(lecard.load(folder / "lc-5002.json"))
    assert full[0]["id"] == "lc-5001" and full[0]["source"] == "lecard/json"
    assert full[0]["case_number"] == "（2021）粤0305刑初1024号"
    assert full[0]["title"] == "刑事判决书"
    assert "qw" not in full[0]["metadata"] and full[0]["metadata"]["ajName"] == "侵犯公民个人信息案"
    text = sections[0]["text"]
    assert text.split("\n\n")[0].startswith("2017年9月，被告人李丁")
    assert text.split("\n\n")[1].startswith("本院认为")
    assert text.split("\n\n")[2].startswith("被告人李丁犯侵犯公民个人信息罪，判处拘役五个月")
    assert lecard.sniff(folder / "lc-5002.json") and not lecard.sniff(FIXTURES / "judge.jsonl")


def test_lecard_list_and_missing_text(tmp_path):
    path = tmp_path / "cands.json"
    path.write_text(json.dumps([{"writId": "w1", "qw": "被告人甲犯盗窃罪", "ajjbqk": "x"}, {"writId": "w2", "ajName": "n", "cpfxgc": "", "pjjg": ""}], ensure_ascii=False), encoding="utf-8")
    docs, errors = docs_and_errors(lecard.load(path))
    assert [d["id"] for d in docs] == ["w1"]
    assert errors[0].line == 2 and "neither 'qw'" in errors[0].reason


def test_wenshu_current_page():
    docs, errors = docs_and_errors(wenshu_html.load(FIXTURES / "wenshu_2020.html"))
    assert not errors
    doc = docs[0]
    assert doc["id"] == "a1b2c3d4e5f6a7b8c9d0"  # docId from the browser's saved-from comment
    assert doc["title"] == "钱乙侵犯公民个人信息一审刑事判决书"
    assert doc["case_number"] == "（2020）浙0106刑初456号"
    assert doc["court"] == "浙江省杭州市西湖区人民法院"
    assert doc["date"] == "2020-10-12"
    assert "版权所有" not in doc["text"] and "_hmt" not in doc["text"]
    assert "判决如下" in doc["text"] and doc["text"].count("\n") > 8
    assert doc["metadata"]["url"].startswith("https://wenshu.court.gov.cn/")


def test_wenshu_old_page_declared_gb2312():
    docs, errors = docs_and_errors(wenshu_html.load(FIXTURES / "wenshu_2015_gbk.html"))
    assert not errors
    doc = docs[0]
    assert doc["encoding"] == "gb18030"
    assert doc["id"] == "f0e1d2c3-b4a5-4968-8776-655443322110"
    assert doc["date"] == "2021-06-22"
    assert doc["case_number"] == "（2021）粤0305刑初1024号"
    assert doc["title"] == "孙丙侵犯公民个人信息罪一审刑事判决书"
    assert "车辆行踪轨迹信息120条" in doc["text"]


def test_wenshu_page_without_body_is_an_error():
    docs, errors = docs_and_errors(wenshu_html.load(FIXTURES / "mixed" / "pages" / "captcha.html"))
    assert docs == []
    assert errors[0].reason.startswith("no judgment body") and errors[0].file.endswith("captcha.html")


def test_docx_paragraphs_and_table_in_order():
    docs, errors = docs_and_errors(docx_txt.load(FIXTURES / "judgment_lid.docx"))
    assert not errors
    doc = docs[0]
    assert doc["source"] == "file/docx" and doc["encoding"] == "docx"
    assert doc["case_number"] == "（2018）川0107刑初300号"
    assert doc["court"] == "四川省成都市武侯区人民法院"
    assert doc["metadata"]["core_title"] == "李丁侵犯公民个人信息罪一审刑事判决书"
    assert doc["text"].endswith("附：相关法律条文\t《中华人民共和国刑法》第二百五十三条之一")
    assert doc["text"].index("判决如下") < doc["text"].index("附：相关法律条文")


def test_txt_gb18030_with_crlf():
    docs, errors = docs_and_errors(docx_txt.load(FIXTURES / "judgment_zhaoj_gbk.txt"))
    assert not errors
    doc = docs[0]
    assert doc["encoding"] == "gb18030" and "\r" not in doc["text"]
    assert doc["id"] == "judgment_zhaoj_gbk"
    assert doc["case_number"] == "（2019）苏0102刑初88号"


def test_txt_sniff_needs_judgment_words(tmp_path):
    charges = tmp_path / "accu.txt"
    charges.write_text("盗窃\n诈骗\n拒不执行判决、裁定\n", encoding="utf-8")
    assert not docx_txt.sniff(charges)
    assert docx_txt.sniff(FIXTURES / "judgment_zhaoj_gbk.txt")
    assert docx_txt.sniff(FIXTURES / "mixed" / "empty.txt")  # reported as empty, not skipped


def test_broken_docx_is_an_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    docs, errors = docs_and_errors(docx_txt.load(path))
    assert docs == [] and "not a readable .docx" in errors[0].reason


def test_coding_sheet_csv_per_case():
    docs, errors = docs_and_errors(coding_sheet.load(FIXTURES / "sheet_cases.csv"))
    assert [d["id"] for d in docs] == ["C1", "C2", "C4"]
    assert docs[0]["encoding"] == "gb18030"
    assert [d["date"] for d in docs] == ["2019-03-15", "2020-09-03", None]
    assert docs[1]["metadata"]["rows"] == [
        {"序号": "C2", "案号": "（2020）浙0106刑初456号", "法院": "浙江省杭州市西湖区人民法院", "判决日期": "2020年9月3日",
         "被告人数": "1", "刑期（月）": "12", "备注": "缓刑", "_row": 3}
    ]
    assert docs[0]["text"] is None and docs[0]["sha256"] is None
    assert [(e.line, e.reason) for e in errors] == [
        (4, "row has no value in id column '序号'"),
        (5, "date '不详' is not a readable date (kept in metadata)"),
    ]


def test_coding_sheet_xlsx_per_defendant_groups_rows():
    docs, errors = docs_and_errors(coding_sheet.load(FIXTURES / "sheet_defendants.xlsx"))
    assert not errors
    assert [d["id"] for d in docs] == ["K1", "K2"]
    k2 = docs[1]
    assert k2["source"] == "coding_sheet/xlsx" and k2["metadata"]["sheet"] == "编码表"
    assert [r["被告人"] for r in k2["metadata"]["rows"]] == ["王戊", "刘己"]
    assert k2["source_ref"].endswith("sheet_defendants.xlsx:3-4")
    assert k2["case_number"] == "（2023）鲁0102刑初9号" and k2["date"] == "2023-05-06"


def test_coding_sheet_mapping_problems(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("编号,案号\nA,（2019）京0101刑初1号\nA,（2019）京0101刑初2号\n", encoding="utf-8")
    no_config = list(coding_sheet.load(sheet))
    assert "no column mapping" in no_config[0].reason
    wrong_column = list(coding_sheet.load(sheet, config={"columns": {"id": "序号"}}))
    assert "columns not in the sheet header: ['序号']" in wrong_column[0].reason
    unknown_field = list(coding_sheet.load(sheet, config={"columns": {"id": "编号", "judge": "x"}}))
    assert "unknown fields in 'columns': ['judge']" in unknown_field[0].reason
    per_case, per_case_errors = docs_and_errors(coding_sheet.load(sheet, config={"columns": {"id": "编号", "case_number": "案号"}}))
    assert [d["case_number"] for d in per_case] == ["（2019）京0101刑初1号"]
    assert per_case_errors[0].line == 3 and "repeats in a one-row-per-case sheet (first at row 2)" in per_case_errors[0].reason
    per_defendant = list(coding_sheet.load(sheet, config={"unit": "defendant", "columns": {"id": "编号", "case_number": "案号"}}))
    conflict = [i for i in per_defendant if isinstance(i, LoadError)]
    assert conflict[0].line == 3 and "differs from" in conflict[0].reason
    bad = tmp_path / "bad.mapping.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "cannot read mapping config" in list(coding_sheet.load(sheet, config=bad))[0].reason


def test_example_mapping_config_is_valid():
    mapping = coding_sheet.read_mapping(coding_sheet.EXAMPLE_CONFIG)
    assert mapping["unit"] == "defendant" and mapping["columns"]["id"] == "案件编号"


def test_wenshu_single_file_archive_mhtml(tmp_path):
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    html = (FIXTURES / "wenshu_2020.html").read_text(encoding="utf-8")
    archive = MIMEMultipart("related")
    archive["Snapshot-Content-Location"] = "https://wenshu.court.gov.cn/website/wenshu/x/index.html?docId=abc"
    archive.attach(MIMEText(html, "html", "utf-8"))  # base64 transfer encoding, as browsers often use
    path = tmp_path / "page.mhtml"
    path.write_bytes(archive.as_bytes())
    assert wenshu_html.sniff(path)
    docs, errors = docs_and_errors(wenshu_html.load(path))
    assert not errors
    assert docs[0]["case_number"] == "（2020）浙0106刑初456号" and "判决如下" in docs[0]["text"]


def test_html_saved_as_doc_and_binary_doc(tmp_path):
    from toolkit.loaders import detect_format

    html_doc = tmp_path / "download.doc"
    html_doc.write_bytes((FIXTURES / "wenshu_2015_gbk.html").read_bytes())
    assert detect_format(html_doc) == "wenshu_html"
    docs, _ = docs_and_errors(wenshu_html.load(html_doc))
    assert docs[0]["case_number"] == "（2021）粤0305刑初1024号"
    binary = tmp_path / "old.doc"
    binary.write_bytes(docx_txt.OLE_MAGIC + b"\x00" * 512)
    assert detect_format(binary) == "docx_txt"
    (error,) = list(docx_txt.load(binary))
    assert "legacy binary Word .doc is not read" in error.reason
