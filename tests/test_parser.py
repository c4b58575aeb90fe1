"""parse_document / parse_jsonl: schema records per defendant, spans into the original text, notes for nulls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.parser import InputLineError, parse_document, parse_jsonl
from toolkit.schema import DEFENDANT_COLUMNS, defendants_to_frame, validate_defendant_record

FIXTURES = Path(__file__).parent / "fixtures" / "judgments"
HARD_CASES = FIXTURES / "hard_cases.jsonl"
DOCS = {row["id"]: row["text"] for row in map(json.loads, HARD_CASES.read_text(encoding="utf-8").splitlines())}
EXPECTED = json.loads((FIXTURES / "hard_cases.expected.json").read_text(encoding="utf-8"))
DOCUMENT_EXPECTED = json.loads((FIXTURES / "hard_cases.document.expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("doc_id", [k for k in EXPECTED if not k.startswith("_")])
def test_defendant_values(doc_id: str) -> None:
    records = parse_document(doc_id, DOCS[doc_id])
    want = EXPECTED[doc_id]
    assert [r["defendant"] for r in records] == [w["defendant"] for w in want]
    for record, expected in zip(records, want):
        validate_defendant_record(record, doc_id)
        assert list(record) == list(DEFENDANT_COLUMNS)
        for key, value in expected.items():
            assert record[key] == value, (doc_id, record["defendant"], key, record[key], record["notes"])


@pytest.mark.parametrize("doc_id", [k for k in DOCUMENT_EXPECTED if not k.startswith("_")])
def test_document_values(doc_id: str) -> None:
    for record in parse_document(doc_id, DOCS[doc_id]):
        for key, value in DOCUMENT_EXPECTED[doc_id].items():
            assert record[key] == value, (doc_id, key, record[key], record["notes"])


@pytest.mark.parametrize("doc_id", [k for k in EXPECTED if not k.startswith("_")])
def test_every_null_has_a_reason_and_spans_are_in_bounds(doc_id: str) -> None:
    text = DOCS[doc_id]
    for record in parse_document(doc_id, text):
        for name, value in record.items():
            if value is None:
                assert any(note.startswith(f"{name}:") for note in record["notes"]), (doc_id, name, record["notes"])
        for field, (start, end) in record["spans"].items():
            assert 0 <= start < end <= len(text), (doc_id, field)


def test_traditional_text_spans_index_the_original() -> None:
    text = DOCS["traditional"]
    (record,) = parse_document("traditional", text)
    start, end = record["spans"]["fine_yuan"]
    assert text[start:end] == "三萬元"  # the original (traditional) characters, not the converted ones
    start, end = record["spans"]["term_months"]
    assert text[start:end] == "有期徒刑五年六個月"
    start, end = record["spans"]["case_number"]
    assert text[start:end] == "（2019）浙1124刑初77號"


def test_spans_of_a_simplified_text() -> None:
    text = DOCS["multi_items"]
    first = parse_document("multi_items", text)[0]
    start, end = first["spans"]["term_months"]
    assert "三年零九个月" in text[start:end]
    start, end = first["spans"]["case_number"]
    assert text[start:end] == "（2019）沪0115刑初1234号"


def test_bad_input_gives_unknown_row() -> None:
    (record,) = parse_document("empty", "")
    assert record["outcome"] == "unknown" and record["doc_id"] == "empty"
    assert any("empty" in note for note in record["notes"])


def test_records_fit_the_shared_frame() -> None:
    rows = [r for doc_id, text in DOCS.items() for r in parse_document(doc_id, text)]
    frame = defendants_to_frame(rows)
    assert len(frame) == len(rows) and list(frame.columns) == list(DEFENDANT_COLUMNS)


def test_parse_jsonl_streams_all_documents() -> None:
    records = list(parse_jsonl(HARD_CASES))
    assert {r["doc_id"] for r in records} == set(DOCS)
    assert len(records) == sum(len(v) for k, v in EXPECTED.items() if not k.startswith("_"))


def test_parse_jsonl_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "判决如下：被告人甲某犯盗窃罪，判处有期徒刑一年。"}\n{"id": "b", "text": \n', encoding="utf-8")
    iterator = parse_jsonl(path)
    first = next(iterator)
    assert first["term_months"] == 12
    with pytest.raises(InputLineError, match=r"in\.jsonl:2: not valid JSON"):
        next(iterator)


def test_parse_jsonl_skips_bad_lines_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('[1, 2]\n{"text": "x"}\n{"id": 3}\n{"id": 4, "text": 5}\n{"id": "ok", "text": ""}\n', encoding="utf-8")
    errors: list[str] = []
    records = list(parse_jsonl(path, skip_bad_lines=True, errors=errors))
    assert [r["doc_id"] for r in records] == ["ok"]
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:{n}" for n in (1, 2, 3, 4)]
    assert "expected a JSON object" in errors[0] and "no 'id' key" in errors[1]
    assert "no 'text' key" in errors[2] and "not a string" in errors[3]


def test_custom_id_key(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"case_id": "PI1", "text": DOCS["fine_only"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    (record,) = parse_jsonl(path, id_key="case_id")
    assert record["doc_id"] == "PI1" and record["fine_yuan"] == 5000


@pytest.mark.parametrize(
    "case_number",
    ["（2018）苏0803刑初644号", "(2018)苏0803刑初644号", "〔2018〕苏0803刑初644号", "[2018]苏0803刑初644号",
     "［2018］苏0803刑初644号", "（2014）中刑初字第128号"],
)
def test_case_number_bracket_styles(case_number: str) -> None:
    text = (f"江苏省淮安市清江浦区人民法院 刑事判决书 {case_number} 公诉机关淮安市清江浦区人民检察院。 "
            "被告人甲某，男，1990年出生。 本院认为……判决如下： 被告人甲某犯侵犯公民个人信息罪，判处有期徒刑六个月。 "
            "如不服本判决，可在接到判决书的第二日起十日内提出上诉。 审判员张三 二〇一八年十月十日")
    (record,) = parse_document("bracket", text)
    assert record["case_number"] == case_number
    start, end = record["spans"]["case_number"]
    assert text[start:end] == case_number
    assert record["term_months"] == 6 and record["judgment_date"] == "2018-10-10"


def test_one_failing_extractor_does_not_cost_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.parser as parser

    def broken(text: str, *args: object, **kwargs: object):
        raise RuntimeError("boom")

    monkeypatch.setattr(parser, "extract_facts", broken)
    (record,) = parse_document("fine_only", DOCS["fine_only"])
    assert record["fine_yuan"] == 5000 and record["case_number"] == "（2018）渝0103刑初120号"
    assert any("facts extractor error: RuntimeError: boom" in note for note in record["notes"])
    assert record["info_count"] is None and any(n.startswith("info_count:") for n in record["notes"])


def test_count_of_items_named_by_kind() -> None:
    for record in parse_document("respectively_each", DOCS["respectively_each"]):
        assert record["info_count"] == 915


def test_non_utf8_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"id": "a", "text": "判决如下：被告人甲某犯盗窃罪，判处拘役一个月。"}\n'.encode("gb18030"))
    with pytest.raises(InputLineError, match=r"gbk\.jsonl:1: not UTF-8"):
        list(parse_jsonl(path))


def test_batches_give_the_records_of_one_document_at_a_time_in_input_order(tmp_path: Path) -> None:
    """parse_lines reads BATCH_SIZE documents ahead; the records, their order and the errors are those of one
    document at a time, and the documents before a bad line come out before its error."""
    from toolkit.parser import BATCH_SIZE, parse_line_documents, parse_lines

    texts = list(DOCS.items())
    lines = [json.dumps({"id": f"{doc_id}#{i}", "text": text}, ensure_ascii=False)
             for i, (doc_id, text) in enumerate(texts * (2 * BATCH_SIZE // len(texts) + 1))]
    bad = BATCH_SIZE + 3
    lines.insert(bad, "{broken")
    one_at_a_time = [r for line in lines if line != "{broken" for r in parse_document(*json.loads(line).values())]
    errors: list[str] = []
    assert list(parse_lines(lines, "in.jsonl", skip_bad_lines=True, errors=errors)) == one_at_a_time
    assert errors == [f"in.jsonl:{bad + 1}: not valid JSON: Expecting property name enclosed in double quotes (column 2)"]
    seen: list[str] = []
    with pytest.raises(InputLineError, match=rf"in\.jsonl:{bad + 1}:"):
        for doc_id, _text, _records in parse_line_documents(lines, "in.jsonl"):
            seen.append(doc_id)
    assert seen == [json.loads(line)["id"] for line in lines[:bad]]  # every document before the bad line
    numbered: list[str] = []  # lines that are part of a longer input (judgstat parse --jobs) keep their numbers
    assert list(parse_line_documents(["{broken"], "in.jsonl", skip_bad_lines=True, errors=numbered, first_line=41)) == []
    assert numbered[-1].startswith("in.jsonl:41: ")
