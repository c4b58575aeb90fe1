"""The UTF-8 shortcut in decode_lines / iter_file_lines must choose what majority_encoding() chooses."""

from hypothesis import given, settings, strategies as st

from toolkit.loaders.encoding import all_utf8, majority_encoding

SAMPLES = ["侵犯公民个人信息罪", "被告人張某某", "判处有期徒刑三年", "abc", "罰金人民幣五千元"]
ENCODINGS = ["utf-8", "gb18030", "cp950"]


@st.composite
def lines(draw):
    out = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            out.append(draw(st.binary(max_size=12)))
        else:
            text = draw(st.sampled_from(SAMPLES))
            out.append(text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace"))
    return out


@settings(max_examples=300, deadline=None)
@given(lines())
def test_shortcut_agrees_with_majority(raw_lines):
    chosen = "utf-8" if all_utf8(raw_lines) else majority_encoding(raw_lines)
    assert chosen == majority_encoding(raw_lines)


def test_shortcut_declines_a_gb18030_line():
    assert not all_utf8(["被告人".encode("gb18030")])
    assert all_utf8(["被告人".encode("utf-8"), b"ascii"])
