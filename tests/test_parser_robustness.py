"""Bad input never crashes or hangs the parser: property tests (hypothesis) and pathological texts."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.parser import parse_document
from toolkit.schema import validate_defendant_record

FIXTURES = Path(__file__).parent / "fixtures" / "judgments"
SAMPLE = json.loads((FIXTURES / "hard_cases.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]

# Characters the patterns care about, so random texts exercise the extractors and not only the early exits.
KEYWORDS = list("（()）【】〔〕[]［］，。；：、一二三四五六七八九十百千万零〇两年月个元余条份组被告人犯罪判处有期徒刑拘役管制缓刑罚金人民币决定执行无罪免予刑事处罚撤销维持原判如下法院号刑初终字第")
KEYWORD_TEXT = st.lists(
    st.sampled_from(KEYWORDS + ["判决如下", "被告人张三", "有期徒刑", "分别判处", "决定执行", "缓刑", "驳回上诉，维持原判", "8100万余条", "1.5", "５"]),
    max_size=400,
).map("".join)
MAX_SECONDS_PER_DOC = 2.0


def _check(text: str) -> list[dict]:
    started = time.perf_counter()
    records = parse_document("doc", text)
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS_PER_DOC, f"{elapsed:.2f}s for {len(text)} characters"
    assert records, "always at least one record"
    for record in records:
        validate_defendant_record(record, "robustness")
        for field, (start, end) in record["spans"].items():
            assert 0 <= start <= end <= len(text), (field, start, end, len(text))
        for name, value in record.items():
            if value is None:
                assert any(note.startswith(f"{name}:") for note in record["notes"]), f"null {name} without a note"
        json.dumps(record, ensure_ascii=False)  # serialisable
    return records


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(KEYWORD_TEXT)
def test_keyword_soup(text: str) -> None:
    _check(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4000))
def test_binary_garbage(data: bytes) -> None:
    records = _check(data.decode("utf-8", errors="replace"))
    assert len(records) >= 1
    _check(data.decode("latin-1"))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE)), st.text(alphabet="（()）【】〔〕", max_size=30))
def test_judgment_with_unbalanced_brackets_inserted(position: int, brackets: str) -> None:
    _check(SAMPLE[:position] + brackets + SAMPLE[position:])


def test_empty_and_whitespace() -> None:
    for text in ("", "   \n\t  "):
        (record,) = _check(text)
        assert record["outcome"] == "unknown" and any("empty" in n for n in record["notes"])


def test_not_a_string() -> None:
    (record,) = parse_document("x", None)  # type: ignore[arg-type]
    assert record["outcome"] == "unknown" and record["notes"]
    (record,) = parse_document("x", b"\xff\xfe")  # type: ignore[arg-type]
    assert record["outcome"] == "unknown"


def test_non_judgment_text() -> None:
    (record,) = _check("今天天气很好，我们去公园散步。公园里有很多人在跑步，还有人在放风筝。" * 20)
    assert record["outcome"] == "unknown"
    assert any(note.startswith("outcome:") for note in record["notes"])


def _timed(text: str, limit: float) -> list[dict]:
    started = time.perf_counter()
    records = parse_document("big", text)
    elapsed = time.perf_counter() - started
    assert elapsed < limit, f"{elapsed:.1f}s for {len(text) / 1e6:.1f}M characters"
    assert records
    return records


def test_five_megabyte_text_is_bounded() -> None:
    # ~5 MB of UTF-8: a judgment repeated, then filler; the verdict must still come from a real operative part
    text = (SAMPLE + "。") * (5_000_000 // (len(SAMPLE.encode("utf-8")) + 3))
    assert len(text.encode("utf-8")) > 4_500_000
    _timed(text, 20.0)


def test_pathological_repetitions_are_bounded() -> None:
    for text in (
        "（" * 2_000_000,
        "被告人" * 500_000,
        "判决如下：" * 300_000,
        "有期徒刑一年" * 300_000,
        "罚金人民币" + "一" * 1_000_000 + "元",
        "1" * 2_000_000 + "条",
        "犯" * 1_000_000 + "罪",
    ):
        _timed(text, 20.0)
