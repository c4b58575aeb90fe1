"""What-if changes: the smallest change of each kind that moves a case to another tier.

Kinds: deduct / add items of a category (Art. 11(3) deductions of untrue or duplicated items),
recharacterise items of one category as another group's, the duty flag of Art. 5(1)(8) on/off,
and illegal gains (or Art. 6 profit) across their thresholds. Every tier test is monotone in each
of these quantities, so the smallest change is found by bisection on exact numbers.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any, Callable

from toolkit.crimes.personal_information.categories import chinese_name
from toolkit.crimes.personal_information.standards import TIER_ZH, TIERS, CaseFacts, evaluate_standards, fmt_number, tier_rank
from toolkit.crimes.personal_information.rules import Rules, cite, cite_zh

CENT = Fraction(1, 100)
TIER_EN_SHORT = {"none": "no tier (below 情节严重)", "serious": "情节严重 (serious)",
                 "especially_serious": "情节特别严重 (especially serious)"}


def _smallest(low: int, high: int, ok: Callable[[int], bool]) -> int | None:
    """Smallest n in [low, high] with ok(n), given ok is monotone (False...False True...True)."""
    if high < low or not ok(high):
        return None
    while low < high:
        mid = (low + high) // 2
        if ok(mid):
            high = mid
        else:
            low = mid + 1
    return low


def _items(n: int) -> str:
    return "item" if n == 1 else "items"


def _cat(code: str) -> tuple[str, str]:
    return code, chinese_name(code)


def what_if_changes(facts: CaseFacts, tier: str, rules: Rules) -> list[dict[str, Any]]:
    def tier_of(changed: CaseFacts) -> tuple[str, list[str]]:
        t, findings, *_ = evaluate_standards(changed, rules)
        return t, list(dict.fromkeys(f.clause for f in findings if f.tier == t))

    current = tier_rank(tier)
    lower = [t for t in reversed(TIERS) if tier_rank(t) < current]  # nearest first
    higher = [t for t in TIERS if tier_rank(t) > current]
    changes: list[dict[str, Any]] = []
    ids = rules.clauses

    def entry(kind: str, target: str, after: CaseFacts, en: str, zh: str, **extra: Any) -> dict[str, Any]:
        reached, clauses = tier_of(after)
        return {"kind": kind, "direction": "down" if tier_rank(target) < current else "up", "from_tier": tier,
                "to_tier": reached, "nearest": abs(tier_rank(reached) - current) == 1, **extra,
                "clauses_after": clauses, "text_en": en, "text_zh": zh}

    # 1. Deduct / add items of each category present.
    for category, count in facts.counts.items():
        code, zh = _cat(category)
        for target in lower:
            goal = tier_rank(target)

            def lowered(n: int, category: str = category, count: int = count, goal: int = goal) -> bool:
                return tier_rank(tier_of(facts.with_counts({**facts.counts, category: count - n}))[0]) <= goal

            n = _smallest(1, count, lowered)
            if n is None:
                continue
            after = facts.with_counts({**facts.counts, category: count - n})
            changes.append(entry(
                "deduct", target, after,
                f"deduct at least {fmt_number(n)} {code} {_items(n)} ({fmt_number(count)} → {fmt_number(count - n)}) "
                f"to fall to {TIER_EN_SHORT[tier_of(after)[0]]} (deductions of untrue or duplicated items: {cite(ids.deduction)})",
                f"核减{zh}信息至少{fmt_number(n)}条（{fmt_number(count)}→{fmt_number(count - n)}条），"
                f"档次降为{TIER_ZH[tier_of(after)[0]]}（不真实或重复信息的核减：{cite_zh(ids.deduction)}）",
                category=code, items=n, from_count=count, to_count=count - n, basis=ids.deduction))
        bound = rules.group_of(category).threshold_items * int(rules.especially_serious_multiplier)
        for target in higher:
            goal = tier_rank(target)

            def raised(n: int, category: str = category, count: int = count, goal: int = goal) -> bool:
                return tier_rank(tier_of(facts.with_counts({**facts.counts, category: count + n}))[0]) >= goal

            n = _smallest(1, bound, raised)
            if n is None:
                continue
            after = facts.with_counts({**facts.counts, category: count + n})
            changes.append(entry(
                "add", target, after,
                f"{fmt_number(n)} more {code} {_items(n)} ({fmt_number(count)} → {fmt_number(count + n)}) "
                f"would reach {TIER_EN_SHORT[tier_of(after)[0]]}",
                f"{zh}信息再增加{fmt_number(n)}条（{fmt_number(count)}→{fmt_number(count + n)}条）即达到"
                f"{TIER_ZH[tier_of(after)[0]]}",
                category=code, items=n, from_count=count, to_count=count + n))

    # 2. Recharacterise a category's items as another group's information (all, then the fewest that suffice).
    for category, count in facts.counts.items():
        if count == 0:
            continue
        code, zh = _cat(category)
        own = rules.group_of(category)
        for group in rules.groups:
            if group.id == own.id:
                continue
            target_code = group.categories[0]
            as_label_en = "other information" if target_code == "other" else f"{group.clause} information (e.g. {target_code})"
            as_label_zh = "其他公民个人信息" if target_code == "other" else f"{cite_zh(group.clause)}信息（如{chinese_name(target_code)}）"

            def moved(n: int, category: str = category, target_code: str = target_code) -> CaseFacts:
                counts = dict(facts.counts)
                counts[category] -= n
                counts[target_code] = counts.get(target_code, 0) + n
                return facts.with_counts(counts)

            full_after = moved(count)
            full_tier = tier_of(full_after)[0]
            if full_tier == tier:
                continue
            changes.append(entry(
                "recharacterise", full_tier, full_after,
                f"characterised as {as_label_en}, the {fmt_number(count)} {code} items give {TIER_EN_SHORT[full_tier]}",
                f"如将{fmt_number(count)}条{zh}信息认定为{as_label_zh}，档次为{TIER_ZH[full_tier]}",
                category=code, to_category=target_code, items=count, from_count=count))
            going_down = tier_rank(full_tier) < current
            steps = [t for t in TIERS if (tier_rank(full_tier) <= tier_rank(t) < current if going_down
                                          else current < tier_rank(t) <= tier_rank(full_tier))]
            for step in sorted(steps, key=lambda t: abs(tier_rank(t) - current)):  # nearest first
                goal = tier_rank(step)

                def crossed(n: int, goal: int = goal, moved: Callable[[int], CaseFacts] = moved) -> bool:
                    reached = tier_rank(tier_of(moved(n))[0])
                    return reached <= goal if going_down else reached >= goal

                n = _smallest(1, count, crossed)
                if n is None or n == count:
                    continue
                after = moved(n)
                reached = tier_of(after)[0]
                changes.append(entry(
                    "recharacterise", step, after,
                    f"recharacterising at least {fmt_number(n)} of the {fmt_number(count)} {code} items as "
                    f"{as_label_en} gives {TIER_EN_SHORT[reached]}",
                    f"{fmt_number(count)}条{zh}信息中至少{fmt_number(n)}条改认定为{as_label_zh}，档次为{TIER_ZH[reached]}",
                    category=code, to_category=target_code, items=n, from_count=count))

    # 3. Duty flag (Art. 5(1)(8)) on / off.
    toggled = replace(facts, duty_or_service=not facts.duty_or_service)
    toggled_tier, _ = tier_of(toggled)
    if toggled_tier != tier:
        if facts.duty_or_service:
            en = (f"if the information was not obtained while performing duties or providing services "
                  f"({cite(ids.duty)} not applicable): {TIER_EN_SHORT[toggled_tier]}")
            zh_text = f"如信息并非在履行职责或提供服务过程中获得（不适用{cite_zh(ids.duty)}），档次为{TIER_ZH[toggled_tier]}"
        else:
            en = (f"if the information was obtained while performing duties or providing services and sold or provided "
                  f"({cite(ids.duty)}, half standards): {TIER_EN_SHORT[toggled_tier]}")
            zh_text = f"如系将履行职责或提供服务过程中获得的信息出售或提供（{cite_zh(ids.duty)}，标准减半），档次为{TIER_ZH[toggled_tier]}"
        changes.append(entry("duty", toggled_tier, toggled, en, zh_text, duty_or_service=not facts.duty_or_service))

    # 4. Money: illegal gains (Art. 5(1)(7)/(8)/(2)(3)) and Art. 6 profit.
    changes.extend(_money_changes(facts, tier, rules, "gains_yuan", tier_of, entry, lower, higher))
    if facts.purchased_for_lawful_business and not facts.resold_or_provided:
        changes.extend(_money_changes(facts, tier, rules, "profit_yuan", tier_of, entry, lower, higher))
    # Two targets can be crossed by one and the same change (a drop of two tiers at once): list it once.
    return list({change["text_en"]: change for change in changes}.values())


def _money_changes(facts, tier, rules, attribute, tier_of, entry, lower, higher) -> list[dict[str, Any]]:
    value = getattr(facts, attribute)
    present = value or Fraction(0)
    if attribute == "gains_yuan":
        base = rules.gains_threshold * (rules.duty_multiplier if facts.duty_or_service else 1)
        thresholds = sorted({base, base * rules.especially_serious_multiplier})
        en_name, zh_name = "illegal gains", "违法所得"
    else:
        thresholds = [rules.art6_profit_threshold]
        en_name, zh_name = "profit", "获利"
    out: list[dict[str, Any]] = []
    for target in lower:
        goal = tier_rank(target)
        for threshold in sorted((t for t in thresholds if t <= present), reverse=True):
            new_value = threshold - CENT
            after = replace(facts, **{attribute: new_value})
            reached = tier_of(after)[0]
            if tier_rank(reached) <= goal:
                excess = present - threshold
                en_change = (f"a reduction of more than {fmt_number(excess)} yuan" if excess else "any reduction")
                zh_change = (f"减少超过{fmt_number(excess)}元" if excess else "任何减少")
                out.append(entry(
                    attribute.replace("_yuan", ""), target, after,
                    f"{en_name} below {fmt_number(threshold)} yuan ({en_change} from {fmt_number(present)}) "
                    f"gives {TIER_EN_SHORT[reached]}",
                    f"{zh_name}低于{fmt_number(threshold)}元（自{fmt_number(present)}元{zh_change}），档次为{TIER_ZH[reached]}",
                    from_value=float(present), below=float(threshold)))
                break
    for target in higher:
        goal = tier_rank(target)
        for threshold in (t for t in thresholds if t > present):
            after = replace(facts, **{attribute: threshold})
            reached = tier_of(after)[0]
            if tier_rank(reached) >= goal:
                change = (f"an increase of at least {fmt_number(threshold - present)} yuan" if value is not None
                          else "none stated now")
                out.append(entry(
                    attribute.replace("_yuan", ""), target, after,
                    f"{en_name} of at least {fmt_number(threshold)} yuan ({change}) gives {TIER_EN_SHORT[reached]}",
                    f"{zh_name}达到{fmt_number(threshold)}元以上（{'增加至少' + fmt_number(threshold - present) + '元' if value is not None else '目前未认定'}），"
                    f"档次为{TIER_ZH[reached]}",
                    from_value=float(present) if value is not None else None, to_value=float(threshold)))
                break
    # Only distinct outcomes (two targets may be met by the same threshold).
    unique: list[dict[str, Any]] = []
    for item in out:
        if not any(u["to_tier"] == item["to_tier"] and u["text_en"] == item["text_en"] for u in unique):
            unique.append(item)
    return unique
