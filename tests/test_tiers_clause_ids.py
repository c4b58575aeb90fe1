"""Every clause id the personal-information engine emits is a clause of its rules.json (issue #13 item 1: clause
ids are data, not literals in code). Emitted means: the clauses, findings (clause, basis), ratios (group_clause),
Art. 10 and what-if entries (basis, clauses_after) of a result, and every Interpretation clause its English or
Chinese notes and texts cite."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from toolkit.crimes import get_crime
from toolkit.crimes.personal_information.rules import RULES_PATH, cite, cite_range, cite_zh, load_rules
from toolkit.tiers import CaseFacts, assess

CLAUSE_KEYS = ("clause", "basis", "group_clause")
# An Interpretation clause cited in English prose: Art. 5(1)(3), Art.12, Art. 5(1)(3)-(7) (a range's end is checked
# too). Statute articles are not the Interpretation's: Criminal Law Art. 12, Art. 253-1.
PROSE_CLAUSE = re.compile(r"(?<!Law )Art\. ?(?P<article>\d+)(?!-\d|\d)(?P<items>(?:\(\d+\))*)(?:-\((?P<end>\d+)\))?")
ZH_NUMBER = "一二三四五六七八九十"
ZH_CLAUSE = re.compile(rf"第[{ZH_NUMBER}]+条(?:第[{ZH_NUMBER}]+款)?(?:第[{ZH_NUMBER}]+项)?")

# Facts beyond the examples that reach every note: Art. 6 conduct with and without resale, profit, the duty rule,
# conduct before the Interpretation and before Art. 253-1, Art. 10 conditions, and no tier.
EXTRA_FACTS = (
    {"counts": {"other": 60000}, "purchased_for_lawful_business": True, "profit_yuan": 60000, "gains_yuan": 100},
    {"counts": {"trajectory": 30, "other": 100}, "purchased_for_lawful_business": True, "profit_yuan": 10},
    {"counts": {"other": 6000}, "purchased_for_lawful_business": True, "resold_or_provided": True},
    {"counts": {"trajectory": 30}, "duty_or_service": True, "gains_yuan": 3000},
    {"counts": {"trajectory": 10}, "conduct_date": "2016-01-01"},
    {"counts": {"trajectory": 10}, "conduct_date": "2005-01-01"},
    {"counts": {"trajectory": 100}, "gains_yuan": 2000, "first_offender": True, "gains_returned": True, "remorse": True},
    {"counts": {"trajectory": 600}},
    {"counts": {"trajectory": 3}},
)


def _rule_clauses(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("clause", "paragraph") and isinstance(value, str):
                yield value
            elif key == "applies_to" and isinstance(value, list):
                yield from value
            else:
                yield from _rule_clauses(value)
    elif isinstance(node, list):
        for value in node:
            yield from _rule_clauses(value)


RULE_CLAUSES = frozenset(c for c in _rule_clauses(load_rules().raw) if c.startswith("Art.") and " " not in c)


def known(clause: str) -> bool:
    """A clause of rules.json, or an article or paragraph that has clauses there (Art. 5, Art. 6(1))."""
    return clause in RULE_CLAUSES or any(c.startswith(clause + "(") for c in RULE_CLAUSES)


def _results() -> Iterator[tuple[str, dict[str, Any]]]:
    for example in get_crime("personal_information").examples():
        if "error" in example["expect"]:
            continue
        yield example["id"], assess(CaseFacts(**example["facts"])).to_dict()
    for i, facts in enumerate(EXTRA_FACTS):
        yield f"extra-{i}", assess(CaseFacts(**facts)).to_dict()


def _emitted(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(kind, value) pairs: ("id", clause id) for structured fields, ("en"/"zh", text) for prose."""
    if isinstance(node, dict):
        for k, value in node.items():
            if k in CLAUSE_KEYS and isinstance(value, str):
                yield "id", value
            elif k in ("clauses", "clauses_after", "tier_clauses") and isinstance(value, list):
                yield from (("id", v) for v in value)
            elif k == "facts":
                continue  # the input, not what the engine says
            else:
                yield from _emitted(value, k)
    elif isinstance(node, list):
        for value in node:
            yield from _emitted(value, key)
    elif isinstance(node, str) and re.search(r"_zh$|zh", key):
        yield "zh", node
    elif isinstance(node, str):
        yield "en", node


def unknown_clauses(result: dict[str, Any]) -> list[str]:
    zh_known = {cite_zh(c) for c in RULE_CLAUSES if re.fullmatch(r"Art\.\d+(?:\(\d+\)){0,2}", c)}
    bad = []
    for kind, value in _emitted(result):
        if kind == "id":
            if not known(value):
                bad.append(value)
        elif kind == "en":
            for m in PROSE_CLAUSE.finditer(value):
                clause = f"Art.{m['article']}{m['items']}"
                if not known(clause):
                    bad.append(f"{clause} in {value[:60]!r}")
                if m["end"] and not known(clause.rpartition("(")[0] + f"({m['end']})"):
                    bad.append(f"range end ({m['end']}) of {clause} in {value[:60]!r}")
        else:
            bad += [f"{m.group()} in {value[:40]!r}" for m in ZH_CLAUSE.finditer(value)
                    if not any(z.startswith(m.group()) for z in zh_known)]
    return bad


RESULTS = list(_results())


@pytest.mark.parametrize("name,result", RESULTS, ids=[name for name, _ in RESULTS])
def test_every_emitted_clause_id_is_in_rules_json(name: str, result: dict[str, Any]) -> None:
    assert unknown_clauses(result) == []


def test_the_check_sees_every_kind_of_reference() -> None:
    emitted = [kind for _, result in RESULTS for kind, value in _emitted(result)
               if kind == "id" or PROSE_CLAUSE.search(value) or ZH_CLAUSE.search(value)]
    assert {"id", "en", "zh"} <= set(emitted)
    stale = {"clauses": ["Art.5(1)(11)"], "notes": ["Art. 5(1)(3)-(12) is halved", "Criminal Law Art. 12 is fine"],
             "what_if": [{"basis": "Art.11(4)", "text_zh": "核减：第十一条第四款"}]}
    assert unknown_clauses(stale) == ["Art.5(1)(11)", "range end (12) of Art.5(1)(3) in 'Art. 5(1)(3)-(12) is halved'",
                                      "Art.11(4)", "第十一条第四款 in '核减：第十一条第四款'"]


def test_clause_ids_follow_the_data(tmp_path) -> None:
    """Renumber the deduction rule (Art. 11(3)) and the open standard (Art. 5(1)(10)) in a copy of rules.json:
    the what-if basis, its texts and the no-tier note follow."""
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    next(e for e in raw["art11"] if e["kind"] == "deduction")["clause"] = "Art.11(9)"
    next(e for e in raw["serious"]["items"] if e["kind"] == "open")["clause"] = "Art.5(1)(19)"
    changed = tmp_path / "rules.json"
    changed.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    rules = load_rules(str(changed))
    high = assess(CaseFacts(counts={"trajectory": 100}), rules=rules)
    deduct = [w for w in high.what_if if w["kind"] == "deduct"]
    assert deduct and all(w["basis"] == "Art.11(9)" for w in deduct)
    assert all("Art. 11(9)" in w["text_en"] and "第十一条第九款" in w["text_zh"] for w in deduct)
    low = assess(CaseFacts(counts={"trajectory": 3}), rules=rules)
    assert any("Art. 5(1)(19) (other serious" in note for note in low.notes)


def test_citation_forms() -> None:
    assert cite("Art.5(1)(8)") == "Art. 5(1)(8)"
    assert cite_range("Art.5(1)(3)", "Art.5(1)(7)") == "Art. 5(1)(3)-(7)"
    assert cite_zh("Art.5(1)(8)") == "第五条第一款第八项" and cite_zh("Art.11(3)") == "第十一条第三款"
    assert cite_zh("Art.12") == "第十二条" and cite_zh("Art.5(1)(10)") == "第五条第一款第十项"
    with pytest.raises(ValueError, match="not items of one paragraph"):
        cite_range("Art.5(1)(3)", "Art.5(2)(3)")
    with pytest.raises(ValueError, match="not a clause id"):
        cite_zh("Article 5")
