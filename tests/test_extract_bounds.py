"""Every extractor is linear in its input and bounded per document (issue #11 item 3, #12 item 4).

Scaling is checked as a ratio inside one run: the time for 4n repetitions over the time for n
(best of three each, so that a busy machine does not decide).  Linear work gives about 4,
quadratic work about 16; the bound (9) is generous on purpose.  No absolute time is asserted.
"""

from __future__ import annotations

import time

import pytest

from toolkit.extract.verdict import MAX_DEFENDANTS, extract_verdicts
from toolkit.parser import parse_document

RATIO_BOUND = 9.0


def _best_of_three(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_document("scaling", text)
        best = min(best, time.perf_counter() - started)
    return best


def _distinct(template: str, count: int) -> str:
    """`count` copies of template, each with a different two-character given name."""
    return "".join(template.format(chr(0x4E00 + i // 50) + chr(0x4E64 + i % 50)) for i in range(count))


SHAPES = {
    "chained role word, one name": lambda n: "被告人张三、" * n,
    "chained role word, distinct names": lambda n: _distinct("被告人张{}、", n),
    "one clause repeating a name": lambda n: "判处张三有期徒刑一年，" * n,
    "party section, distinct names": lambda n: _distinct("被告人张{}，男，汉族。", n),
    "prose sentences, distinct names": lambda n: _distinct("被告人张{}犯盗窃罪，判处有期徒刑一年；", n),
    "circumstances": lambda n: "本院认为，被告人张三系自首，" * n,
    "name list": lambda n: "被告人李某某、王某某" * n,
    "facts": lambda n: "经审理查明，被告人张三出售公民个人信息1000条，获利5000元。" * n,
    # the drug plug-in's extractor (asked because the charge is a drug charge)
    "drug facts": lambda n: "经审理查明，被告人张三贩卖甲基苯丙胺0.5克给李某，查获海洛因1.2克。" * n
    + "判决如下：被告人张三犯贩卖毒品罪，判处有期徒刑一年。",
    "drug facts, distinct co-defendants": lambda n: _distinct("被告人张{}贩卖甲基苯丙胺0.3克，", n)
    + "判决如下：被告人张三犯贩卖毒品罪，判处有期徒刑一年。",
    # the verdict forms of #12 item 3
    "unit defendants": lambda n: "判决如下：" + _distinct("被告单位某{}科技有限公司犯侵犯公民个人信息罪，判处罚金人民币1，000元；", n),
    "unit word without a unit": lambda n: "判决如下：" + "被告单位" * (20 * n),
    "upheld co-defendants": lambda n: (
        _distinct("被告人张{}，男，1980年出生。", n) + "判决：" + _distinct("被告人张{}犯盗窃罪，判处有期徒刑一年；", n)
        + "判决如下：" + _distinct("维持原判决对被告人张{}的定罪量刑部分；", n) + "被告人甲某犯盗窃罪，判处有期徒刑二年。"
    ),
    "thousands separators": lambda n: "判决如下：被告人张三犯盗窃罪，并处罚金人民币" + "1，000" * (10 * n) + "元。",
    "header names with conjunctions": lambda n: _distinct("被告人于和{}与王治东（另案处理），", n),
    # prose group sentences (3人均被判处…): rows are bounded by MAX_DEFENDANTS, counts and spaces by the pattern
    "group sentences": lambda n: "最终3人均被判处有期徒刑三年，并处罚金一万元；" * n,
    "group counts and spaces": lambda n: ("1" + " " * 40 + "人") * (10 * n) + "均被判处有期徒刑一年。",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_parse_time_grows_linearly(shape: str) -> None:
    make = SHAPES[shape]
    n = 600
    _best_of_three(make(50))  # warm caches (compiled patterns, conversion tables)
    small, large = _best_of_three(make(n)), _best_of_three(make(4 * n))
    ratio = large / max(small, 1e-4)
    assert ratio < RATIO_BOUND, f"{shape}: {small:.4f}s for n={n}, {large:.4f}s for 4n (ratio {ratio:.1f})"


def test_eight_thousand_chained_names_are_read_once() -> None:
    # took 45 s before name discovery became linear; the names are one defendant, 张三
    entries, notes = extract_verdicts("被告人张三、" * 8000 + "犯盗窃罪，判处有期徒刑一年。")
    assert [entry["defendant"].value for entry in entries] == ["张三"]


def test_defendants_are_bounded_per_document_with_a_note() -> None:
    text = _distinct("被告人张{}犯盗窃罪，判处有期徒刑一年；", MAX_DEFENDANTS + 50)
    records = parse_document("many", text)
    assert len(records) == MAX_DEFENDANTS
    assert any(f"more than {MAX_DEFENDANTS} defendant names" in note for note in records[0]["notes"])
