"""Properties that must hold for any facts: monotonicity in counts, gains and the duty flag, and
what-if answers that are both sufficient and minimal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.categories import CATEGORY_CODES
from toolkit.tiers import CaseFacts, assess, tier_rank

counts = st.dictionaries(st.sampled_from(CATEGORY_CODES), st.integers(min_value=0, max_value=80000), max_size=4)
gains = st.one_of(st.none(), st.integers(min_value=0, max_value=120000))


def rank(facts: CaseFacts) -> int:
    return tier_rank(assess(facts, what_if=False).tier)


@settings(max_examples=150, deadline=None)
@given(counts=counts, gains=gains, category=st.sampled_from(CATEGORY_CODES), extra=st.integers(0, 5000), duty=st.booleans())
def test_more_items_or_duty_never_lower_the_tier(counts, gains, category, extra, duty):
    base = CaseFacts(counts=counts, gains_yuan=gains, duty_or_service=duty)
    more = CaseFacts(counts={**counts, category: counts.get(category, 0) + extra}, gains_yuan=gains, duty_or_service=duty)
    assert rank(more) >= rank(base)
    assert rank(CaseFacts(counts=counts, gains_yuan=gains, duty_or_service=True)) >= rank(
        CaseFacts(counts=counts, gains_yuan=gains, duty_or_service=False))


@settings(max_examples=60, deadline=None)
@given(counts=counts, gains=gains, duty=st.booleans())
def test_deductions_and_additions_are_sufficient_and_minimal(counts, gains, duty):
    facts = CaseFacts(counts=counts, gains_yuan=gains, duty_or_service=duty)
    result = assess(facts)
    for change in result.what_if:
        if change["kind"] not in ("deduct", "add"):
            continue
        sign = -1 if change["kind"] == "deduct" else 1
        category, n = change["category"], change["items"]
        after = CaseFacts(counts={**facts.counts, category: facts.counts[category] + sign * n}, gains_yuan=gains, duty_or_service=duty)
        one_less = CaseFacts(counts={**facts.counts, category: facts.counts[category] + sign * (n - 1)}, gains_yuan=gains, duty_or_service=duty)
        assert assess(after, what_if=False).tier == change["to_tier"]
        if change["kind"] == "deduct":
            assert rank(one_less) > tier_rank(change["to_tier"])
        else:
            assert rank(one_less) < tier_rank(change["to_tier"])
