"""The court's figure, not the first number in the text (issue #12 item 2): a count after items
were deducted, and the gains the court found within a larger stated sum; the raw figure stays in
the notes with its span."""

from __future__ import annotations

from toolkit.parser import extract_facts

HEAD = "被告人张三，男，汉族。经审理查明，"


def test_count_after_deduction_is_the_courts() -> None:
    text = HEAD + "被告人张三从网上共导出公民个人信息12万条，剔除重复、无效信息后，认定有效信息8万余条。"
    fields, notes = extract_facts(text, "张三")
    assert fields["info_count"].value == 80_000
    assert fields["info_count_approx"].value is True
    raw = text.index("12万条")
    assert any(f"raw figure 120000 at [{raw}, {raw + 4}]" in note for note in notes), notes


def test_count_after_dedup_wording() -> None:
    text = HEAD + "张三获取的数据共计30万条，经去重后为公民个人信息21万条。"
    fields, notes = extract_facts(text, "张三")
    assert fields["info_count"].value == 210_000
    assert any("raw figure 300000" in note for note in notes)


def test_gains_the_court_found_within_a_larger_sum() -> None:
    text = HEAD + "被告人张三出售公民个人信息，违法所得共计人民币8万元，其中经查实认定为出售信息所得6万元。"
    fields, notes = extract_facts(text, "张三")
    assert fields["illegal_gains_yuan"].value == 60_000
    start, end = fields["illegal_gains_yuan"].span
    assert text[start:end] == "6万元"
    raw = text.index("8万元")
    assert any(f"raw figure 80000 at [{raw}, {raw + 3}]" in note for note in notes), notes


def test_no_deduction_keeps_the_stated_figures() -> None:
    text = HEAD + "被告人张三出售公民个人信息5000条，违法所得2万元，其中张三分得1万元。"
    fields, notes = extract_facts(text, "张三")
    assert fields["info_count"].value == 5000
    assert fields["illegal_gains_yuan"].value == 20_000
    assert not any("raw figure" in note for note in notes)
