"""toolkit.extract.prefilter (required literals) and the drug extractor's sentence scan built on it (#12 item 5):
both are shortcuts, so they must never drop a match that the plain per-sentence scan finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.crimes.drug_trafficking import extract as drug_extract
from toolkit.crimes.drug_trafficking.rules import load_rules
from toolkit.extract.prefilter import AnchoredSearch, LiteralScan, may_match, met, plan_search, required_literals


def test_requirements_of_simple_shapes() -> None:
    assert required_literals("向多人[^，]{0,8}?(?:贩卖|出售)|(?:贩卖|出售)给多人") == (
        frozenset({"向多人", "给多人"}), frozenset({"贩卖", "出售"}))
    assert required_literals("ab?c") == (frozenset({"a"}), frozenset({"c"}))
    assert required_literals("(?:多人)次", keep=1) == (frozenset({"多人次"}),)  # a literal group continues the run
    assert required_literals("x+y", keep=1) == (frozenset({"x"}),)
    # what the analysis cannot see through requires nothing
    assert required_literals("(?i)abc") == () and required_literals("a?b*") == ()
    assert required_literals("a|b*") == () and required_literals(r"(a)\1") == (frozenset({"a"}),)
    assert required_literals("[") == ()  # unparsable: no requirement, never an error


def test_may_match_reads_only_the_range() -> None:
    requirement = required_literals("国家工作人员")
    text = "被告人系国家工作人员。其他"
    assert may_match(text, 0, len(text), requirement)
    assert not may_match(text, 8, len(text), requirement) and not may_match(text, 0, 6, requirement)
    assert may_match("anything", 0, 8, ())


ALPHABET = "向多人给贩卖出售次共三系国家工作人员，。；\n5克g"
PATTERNS = [cue.pattern for cue in drug_extract._patterns(load_rules())[2][0]] + [
    re.compile("向多人[^，]{0,8}?(?:贩卖|出售)|(?:贩卖|出售)给多人"),
    re.compile("(?:共|先后)[三0-9]{1,3}次[^，。]{0,4}?(?:贩卖|出售)"),
    re.compile(r"[0-9]{1,3}\s{0,2}(?:克|g)(?![a-z])"),
]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.sampled_from(PATTERNS))
def test_a_text_that_matches_is_never_ruled_out(text: str, pattern: re.Pattern[str]) -> None:
    if pattern.search(text):
        assert may_match(text, 0, len(text), required_literals(pattern))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80), st.sampled_from(PATTERNS))
def test_sentence_scan_finds_every_sentence_a_plain_scan_finds(text: str, pattern: re.Pattern[str]) -> None:
    sentences = drug_extract._sentences(text, 0, len(text))
    starts = [s for s, _ in sentences]
    plain = {i for i, (s, e) in enumerate(sentences) if any(pattern.finditer(text, s, e))}
    held = drug_extract._holding_sentences(pattern, text, sentences, starts, required_literals(pattern))
    assert plain <= held


@pytest.mark.parametrize("text", ["共三次贩卖给多人。5\n克", "5\n克。向多人贩卖", "系国家工作人员；共3次出售毒品"])
def test_sentence_scan_on_fixed_edges(text: str) -> None:
    sentences = drug_extract._sentences(text, 0, len(text))
    starts = [s for s, _ in sentences]
    for pattern in PATTERNS:
        plain = {i for i, (s, e) in enumerate(sentences) if any(pattern.finditer(text, s, e))}
        assert plain <= drug_extract._holding_sentences(pattern, text, sentences, starts, required_literals(pattern))


def test_a_cue_that_looks_ahead_is_refused(tmp_path) -> None:
    cues = tmp_path / "cues.json"
    raw = drug_extract.json.loads(drug_extract.CUES_PATH.read_text(encoding="utf-8"))
    raw["cues"][0]["pattern"] = "多次(?=贩卖)"
    cues.write_text(drug_extract.json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="looks ahead"):
        drug_extract.load_cues(load_rules(), cues)


SEARCH_PATTERNS = PATTERNS + [
    drug_extract._patterns(load_rules())[1],  # the weight pattern, with its (?![a-zA-Z]) lookahead
    re.compile("(?<!系)国家(?:工作)?人员[^，]{0,3}(?=[。；])"),
    re.compile("多人[^，。]{0,5}?次(?:[0-9]{1,2}克)?"),
]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET + "gkG公斤人员", max_size=120), st.sampled_from(SEARCH_PATTERNS),
       st.integers(0, 120), st.integers(0, 120))
def test_anchored_search_is_the_plain_search(text: str, pattern: re.Pattern[str], pos: int, endpos: int) -> None:
    search = plan_search(pattern)
    plain, anchored = pattern.search(text, pos, endpos), search(text, pos, endpos)
    assert (plain and (plain.span(), plain.groups())) == (anchored and (anchored.span(), anchored.groups()))


def test_plan_search_anchors_only_what_it_can_bound() -> None:
    weight = drug_extract._patterns(load_rules())[1]
    assert isinstance(plan_search(weight), AnchoredSearch)
    for unbounded in ("多次.*贩卖", r"贩卖\b", "贩卖$", r"(贩)卖\1", "(?i)贩卖g", "x?"):
        assert not isinstance(plan_search(re.compile(unbounded)), AnchoredSearch), unbounded
    assert plan_search(re.compile("(?=国家工作人员)国家")).reach == 2 + 6  # the lookahead reads past the match
    text = "是国家工作人员" + "，一次" * 50 + "共3次贩卖"  # more misses than MAX_MISSES: the plain search finishes
    pattern = re.compile("(?:共|先后)[0-9]次(?:贩卖|出售)")
    assert plan_search(pattern)(text, 0, len(text)).span() == pattern.search(text).span()


@pytest.mark.parametrize("pattern, text", [
    ("国家[^，]{0,3}(?=[。；])", "国家abc。"),  # the lookahead reads the character after the longest match
    ("国家[^，]{0,3}(?![a-z])", "国家abcd"),
    (r"[0-9]{1,6}(?:\.[0-9]{1,3})?\s{0,2}(?:克|g)(?![a-zA-Z])", "共计123456.789 克，另55g"),  # the match starts well before the anchor
    ("(?:共|先后)[0-9]次(?:贩卖|出售)", "一次" * 9 + "先后3次出售"),
])
def test_anchored_search_on_fixed_edges(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    search = plan_search(compiled)
    assert isinstance(search, AnchoredSearch)
    for pos in range(len(text) + 1):
        plain, anchored = compiled.search(text, pos), search(text, pos, len(text))
        assert (plain and plain.span()) == (anchored and anchored.span()), pos


OVERLAPPING = ["多次", "次贩卖", "贩卖", "卖给", "向多人", "多人", "先后", "先后分别", "后分", "国家工作人员", "工作", "次", "给"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="多次贩卖给向人先后分别国家工作员，。", max_size=80), st.integers(0, 20), st.integers(0, 80))
def test_literal_scan_finds_what_str_find_finds(text: str, start: int, end: int) -> None:
    scan = LiteralScan(OVERLAPPING)
    assert scan(text, start, end) == {w for w in OVERLAPPING if text.find(w, start, end) != -1}


def test_literal_scan_on_overlaps_and_the_cues() -> None:
    scan = LiteralScan(OVERLAPPING)
    # "多次贩卖": the pass consumes 多次, then 贩卖; 次贩卖 starts inside 多次 and is still found
    assert scan("多次贩卖", 0, 4) == {"多次", "次贩卖", "贩卖", "次"}
    assert scan("先后分别", 0, 4) == {"先后分别", "先后", "后分"}
    assert scan("先后分别", 1, 4) == {"后分"} and scan("多次贩卖", 0, 3) == {"多次", "次"}
    cues = drug_extract._patterns(load_rules())[2][0]
    words = [w for cue in cues for clause in cue.requires for w in clause]
    text = "被告人系国家工作人员，多次向多人贩卖毒品；在看守所内贩卖给在校学生"
    present = LiteralScan(words)(text, 0, len(text))
    for cue in cues:
        assert met(cue.requires, present) == may_match(text, 0, len(text), cue.requires)
