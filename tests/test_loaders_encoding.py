"""Encoding detection: the user never names the encoding; a corrupt line is an error for that line only."""

from __future__ import annotations

import pytest

from toolkit.loaders.encoding import UndecodableError, decode_lines, decode_text, detect_encoding

TEXT = "被告人张某犯侵犯公民个人信息罪，判处有期徒刑一年。"


@pytest.mark.parametrize(
    "encoding, expected",
    [("utf-8", "utf-8"), ("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")],
)
def test_detect_encoding(encoding, expected):
    data = TEXT.encode(encoding)
    assert detect_encoding(data) == expected
    text, _ = decode_text(data)
    assert text.lstrip("\ufeff") == TEXT


def test_undecodable_names_the_line():
    data = "第一行\n第二行\n".encode("utf-8") + b"\xff\xff\x80\x80\n"
    with pytest.raises(UndecodableError) as info:
        detect_encoding(data)
    assert info.value.line == 3


def test_decode_lines_majority_encoding_and_bad_line():
    lines = [f'{{"fact": "{TEXT}{i}"}}'.encode("gb18030") for i in range(5)]
    lines.insert(2, b'{"fact": "\xff\xfe"}')
    encoding, decoded = decode_lines(b"\n".join(lines) + b"\n")
    assert encoding == "gb18030"
    assert [d.number for d in decoded if d.text is None] == [3]
    assert "file is gb18030" in decoded[2].error
    assert decoded[0].text.endswith('0"}')


def test_decode_lines_utf8_wins_ties_and_strips_bom_and_cr():
    encoding, decoded = decode_lines(b"\xef\xbb\xbfabc\r\ndef\r\n")
    assert encoding == "utf-8"
    assert [d.text for d in decoded] == ["abc", "def"]
