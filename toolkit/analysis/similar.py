"""Comparable cases: the defendants of a data package whose facts put them where a given case is.

A case is described by its facts (for 侵犯公民个人信息罪: item counts per category, gains, date). The
crime's tier engine (toolkit.crimes, `get_crime(id).assess`) gives its tier; a defendant in the package
is comparable when

- one of its charges is the crime's (any historical name),
- the same engine, run on the facts the record states (`classify_record`), gives the same tier,
- its quantity is of the same kind (for this crime: the same category group of Art. 5(1)(3)-(5)) and
  within the band: a factor (default 3) either side of the case's quantity, or an explicit range,
- and, when asked, the same province, court level, judgment years or role (主犯 / 从犯 / 胁从犯).

Every defendant that is not comparable is counted under the first criterion it fails, so the report
says what was left out. The outcome distribution (acquitted, exempted, convicted with probation,
custodial, other penalty) is reported with exact Clopper–Pearson intervals and a one-sided bound when
nothing was observed (toolkit.analysis.outcomes), the term and fine distributions with median,
quartiles and range, the list of cases with their case numbers, and a statement in Chinese and
English with the population caveat and the data citation (toolkit.analysis.statements).

How a crime's cases compare is a `ComparisonKeys` object: one per crime in KEYS, or the crime plug-in's
own `comparison_keys()` when it provides one (so a new crime needs no change here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Protocol

import pandas as pd

from toolkit.analysis import outcomes, statements
from toolkit.analysis.outcomes import ADJUDICATED, CUSTODIAL_PENALTIES, OutcomeMeasure, Rate

DEFAULT_BAND = 3.0
ROLES = {  # role -> (column, words meaning it, words that must not be read as it)
    "principal": ("aggravating", ("主犯",), ()),
    "accessory": ("mitigating", ("从犯",), ("胁从犯",)),
    "coerced": ("mitigating", ("胁从犯",), ()),
}
ROLE_NAMES = {"principal": ("主犯", "principal"), "accessory": ("从犯", "accessory"), "coerced": ("胁从犯", "coerced accomplice")}
SENTENCED_PENALTIES = CUSTODIAL_PENALTIES + ("life", "death", "death_suspended")
OTHER_PENALTIES = ("public_surveillance", "fine_only")


# ---------------------------------------------------------------------------- outcome classes


def _outcome(frame: pd.DataFrame) -> pd.Series:
    return frame["outcome"].astype("string")


def _penalty(frame: pd.DataFrame) -> pd.Series:
    return frame["penalty_type"].astype("string")


def _probation(frame: pd.DataFrame) -> pd.Series:
    return (pd.to_numeric(frame["probation_months"], errors="coerce") > 0).fillna(False).astype(bool)


def _is(series: pd.Series, values: tuple[str, ...]) -> pd.Series:
    return series.isin(list(values)).fillna(False).astype(bool)


def _class_known(frame: pd.DataFrame) -> pd.Series:
    """Decided on the merits, and for a conviction the principal penalty is stated."""
    convicted = _is(_outcome(frame), ("convicted",))
    penalty_known = _is(_penalty(frame), SENTENCED_PENALTIES + OTHER_PENALTIES)
    return (_is(_outcome(frame), ADJUDICATED) & (~convicted | penalty_known)).astype(bool)


def _class_unknown(frame: pd.DataFrame) -> pd.Series:
    return ~_class_known(frame) & ~_is(_outcome(frame), ("not_prosecuted",))


def _measure(name: str, zh: str, en: str, definition: str, numerator) -> OutcomeMeasure:
    return OutcomeMeasure(name, zh, en, "名被告人", "defendants", definition + ", among defendants decided on the "
                          "merits whose outcome (and for a conviction, principal penalty) is stated",
                          numerator, _class_known, unknown=_class_unknown)


OUTCOME_CLASSES: tuple[OutcomeMeasure, ...] = (
    replace(outcomes.MEASURES["acquittal"], denominator=_class_known, unknown=_class_unknown),
    _measure("exemption", "免予刑事处罚", "exempted from criminal punishment", "outcome = exempted",
             lambda f: _is(_outcome(f), ("exempted",))),
    _measure("probation", "被判处缓刑", "sentenced with probation",
             "convicted, fixed-term imprisonment or criminal detention, suspended (probation > 0)",
             lambda f: _is(_outcome(f), ("convicted",)) & _is(_penalty(f), CUSTODIAL_PENALTIES) & _probation(f)),
    _measure("custodial", "被判处实刑", "given a custodial sentence (not suspended)",
             "convicted, imprisonment or detention (or a heavier penalty), not suspended",
             lambda f: _is(_outcome(f), ("convicted",)) & _is(_penalty(f), SENTENCED_PENALTIES) & ~_probation(f)),
    _measure("other_penalty", "被判处管制或单处罚金", "given public surveillance or a fine only",
             "convicted, principal penalty public surveillance or fine only",
             lambda f: _is(_outcome(f), ("convicted",)) & _is(_penalty(f), OTHER_PENALTIES)),
    _measure("not_criminally_responsible", "不负刑事责任", "found not criminally responsible",
             "outcome = not_criminally_responsible", lambda f: _is(_outcome(f), ("not_criminally_responsible",))),
)


# ---------------------------------------------------------------------------- how cases compare


@dataclass(frozen=True)
class Key:
    """Where a case (or a record) sits for comparison: its tier and the kind and size of its quantity."""

    tier: str | None
    group: str | None  # kind of quantity, e.g. the category group "item3"; None when not stated
    quantity: float | None
    unit_zh: str = "条"
    unit_en: str = "items"
    group_zh: str = ""
    group_en: str = ""
    tier_zh: str = ""
    tier_en: str = ""
    missing: str | None = None  # why the record has no key (count not stated ...)


class ComparisonKeys(Protocol):
    def case_key(self, facts: Any) -> Key: ...

    def record_key(self, record: Mapping[str, Any]) -> Key: ...

    def facts(self, options: Mapping[str, Any]) -> Any: ...


class PersonalInformationKeys:
    """侵犯公民个人信息罪: tier by the engine; quantity = items of the category group that weighs most
    against its threshold (Art. 5(1)(3)-(5)); a case with no items compares by illegal gains."""

    def __init__(self, crime: Any) -> None:
        self.crime = crime

    def facts(self, options: Mapping[str, Any]) -> Any:
        if options.get("quantities"):
            raise ValueError(f"{self.crime.id} is described by --count CATEGORY=N, not --quantity")
        return self.crime.facts(counts=options.get("counts") or {}, gains_yuan=options.get("gains"),
                                conduct_date=options.get("date"))

    def _rules(self):
        from toolkit.crimes.personal_information.rules import load_rules

        return load_rules()

    def _tier_names(self, tier: str | None) -> tuple[str, str]:
        from toolkit.crimes.personal_information.standards import TIER_EN, TIER_ZH

        return (TIER_ZH.get(tier, "未定"), TIER_EN.get(tier, "undecided")) if tier else ("未定", "undecided")

    def case_key(self, facts: Any) -> Key:
        result = self.crime.assess(facts, what_if=False)
        tier_zh, tier_en = self._tier_names(result.tier)
        rules = self._rules()
        if facts.counts:
            weights: dict[str, tuple[float, int]] = {}
            for category, count in facts.counts.items():
                group = rules.group_of(category)
                ratio, items = weights.get(group.id, (0.0, 0))
                weights[group.id] = (ratio + count / group.threshold_items, items + count)
            group_id = max(weights, key=lambda g: weights[g][0])
            group = next(g for g in rules.groups if g.id == group_id)
            return Key(result.tier, group.id, float(weights[group_id][1]), "条", "items",
                       f"{group.clause}类信息（{group.label_zh}）", f"{group.clause} information ({group.label_en})",
                       tier_zh, tier_en)
        if facts.gains_yuan is not None:
            return Key(result.tier, "gains", float(facts.gains_yuan), "元", "yuan", "违法所得", "illegal gains",
                       tier_zh, tier_en)
        raise ValueError("describe the case by at least one --count CATEGORY=N (or --gains): nothing to compare by")

    def record_key(self, record: Mapping[str, Any]) -> Key:
        result = self.crime.classify_record(record)
        tier_zh, tier_en = self._tier_names(result.tier)
        count, category, gains = (_plain(record.get(k)) for k in ("info_count", "info_category", "illegal_gains_yuan"))
        group = None
        if category is not None:
            try:
                group = self._rules().group_of(str(category)).id
            except KeyError:
                group = None
        key = Key(result.tier, group, float(count) if count is not None else None, tier_zh=tier_zh, tier_en=tier_en)
        if result.tier is None:
            return replace(key, missing="count or category not stated (tier undecided)")
        return key

    def record_gains_key(self, record: Mapping[str, Any]) -> float | None:
        gains = _plain(record.get("illegal_gains_yuan"))
        return float(gains) if gains is not None else None


class DrugTraffickingKeys:
    """Drug crimes: tier by the engine; quantity = grams of the main drug (the one largest against its 数量较大
    threshold), compared with records of the same main drug (toolkit.schema `drug`, `drug_grams`)."""

    def __init__(self, crime: Any) -> None:
        self.crime = crime

    def facts(self, options: Mapping[str, Any]) -> Any:
        if options.get("counts"):
            raise ValueError(f"{self.crime.id} is described by --quantity DRUG=WEIGHT, not --count")
        if not options.get("quantities"):
            raise ValueError("describe the case by at least one --quantity DRUG=WEIGHT (e.g. 海洛因=60g)")
        return self.crime.facts(quantities=dict(options["quantities"]), conduct_date=options.get("date"))

    def _key(self, result: Any, drug: str, grams: float) -> Key:
        from toolkit.crimes.drug_trafficking.rules import load_rules

        name_zh = load_rules().drug(drug).name_zh
        tier_zh, tier_en = result.tier_zh or "未定", result.tier or "undecided"
        if result.verification:  # the tier rests on a rule the reference marks unverified: the flag travels with it
            items = "; ".join(f"{v.item} ({v.flag})" for v in result.verification)
            tier_zh, tier_en = f"{tier_zh}（所依规则未经核实 UNVERIFIED：{items}）", f"{tier_en} (rests on {items})"
        return Key(result.tier, drug, grams, "克", "g", name_zh, drug, tier_zh, tier_en)

    def case_key(self, facts: Any) -> Key:
        from toolkit.crimes.drug_trafficking.rules import load_rules

        result = self.crime.assess(facts, what_if=False)
        if not result.per_drug:
            raise ValueError("no drug of the case has a threshold in the data: nothing to compare by")
        rules = load_rules()
        main = max(result.per_drug.values(),
                   key=lambda q: q.grams / rules.drug(q.drug).thresholds["relatively_large"].grams)
        return self._key(result, main.drug, float(main.grams))

    def record_key(self, record: Mapping[str, Any]) -> Key:
        drug, grams = _plain(record.get("drug")), _plain(record.get("drug_grams"))
        if drug is None or grams is None:
            return Key(None, None, None, missing="drug quantity not stated")
        result = self.crime.classify_record({**record, "drug": drug, "grams": grams})
        if result is None or result.tier is None:
            return Key(None, None, None, missing="drug quantity not placeable (tier undecided)")
        return self._key(result, str(drug), float(grams))


KEYS: dict[str, type] = {"personal_information": PersonalInformationKeys, "drug_trafficking": DrugTraffickingKeys}


def comparison_keys(crime: Any) -> ComparisonKeys:
    """The crime's ComparisonKeys: its own `comparison_keys()` if it has one, else KEYS[crime.id]."""
    own = getattr(crime, "comparison_keys", None)
    if callable(own):
        return own()
    if crime.id in KEYS:
        return KEYS[crime.id](crime)
    raise ValueError(f"crime {crime.id!r} does not say how its cases compare: give it a comparison_keys() method "
                     f"(see toolkit.analysis.similar.ComparisonKeys) or add it to toolkit.analysis.similar.KEYS")


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# ---------------------------------------------------------------------------- the search


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    factor: float | None = None  # None when given as an explicit range

    @classmethod
    def parse(cls, text: str | float | None, quantity: float) -> "Band":
        """'3' (a factor either side of the quantity), '500-3000' (a range); None gives the default factor."""
        if text is None:
            text = DEFAULT_BAND
        if isinstance(text, (int, float)):
            factor = float(text)
        else:
            value = str(text).strip().replace(",", "")
            if "-" in value.lstrip("-"):
                low_text, _, high_text = value.partition("-")
                try:
                    low, high = float(low_text), float(high_text)
                except ValueError:
                    raise ValueError(f"band {text!r}: expected a factor (e.g. 3) or a range LOW-HIGH (e.g. 500-3000)") from None
                if not 0 <= low <= high:
                    raise ValueError(f"band {text!r}: the range must satisfy 0 <= LOW <= HIGH")
                return cls(low, high)
            try:
                factor = float(value)
            except ValueError:
                raise ValueError(f"band {text!r}: expected a factor (e.g. 3) or a range LOW-HIGH (e.g. 500-3000)") from None
        if not math.isfinite(factor) or factor < 1:
            raise ValueError(f"band {text!r}: the factor must be a number ≥ 1")
        return cls(quantity / factor, quantity * factor, factor)

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Criteria:
    province: str | None = None
    court_level: str | None = None
    years: tuple[int, int] | None = None
    role: str | None = None


@dataclass
class SimilarResult:
    crime_id: str
    case: Key
    band: Band
    criteria: Criteria
    comparable: pd.DataFrame
    excluded: dict[str, int]
    candidates: int  # defendants with the crime's charge
    rates: list[Rate]
    term: dict[str, Any]
    fine: dict[str, Any]
    source: statements.DataSource
    statement: statements.Statement | None = None
    case_description: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.comparable)


def parse_years(text: str | None) -> tuple[int, int] | None:
    """'2019' or '2018-2023' -> (first, last)."""
    if text is None:
        return None
    value = str(text).strip()
    first, _, last = value.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError:
        raise ValueError(f"years {text!r}: expected YYYY or YYYY-YYYY, e.g. 2018-2023") from None
    if span[0] > span[1] or not 1979 <= span[0] <= 2100:
        raise ValueError(f"years {text!r}: expected YYYY or YYYY-YYYY with the first year not after the last")
    return span


def _charges(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if hasattr(value, "tolist"):
        return [str(v) for v in value.tolist()]
    return []


def _has_role(record: Mapping[str, Any], role: str) -> bool | None:
    column, words, not_words = ROLES[role]
    values = record.get(column)
    if not isinstance(values, (list, tuple)) and not hasattr(values, "tolist"):
        return None
    texts = [str(v) for v in (values.tolist() if hasattr(values, "tolist") else values)]
    hit = any(any(w in t for w in words) and not any(n in t for n in not_words) for t in texts)
    return hit


def find_similar(
    frame: pd.DataFrame, crime: Any, facts: Any, band: str | float | None = None,
    criteria: Criteria = Criteria(), source: statements.DataSource | None = None,
    descriptor: Mapping[str, Any] | None = None,
) -> SimilarResult:
    """The comparable defendants of `frame` (a per-defendant table) for a case with these `facts`."""
    keys = comparison_keys(crime)
    case = keys.case_key(facts)
    if case.tier is None:
        raise ValueError("the case's tier cannot be decided from these facts")
    if case.quantity is None:
        raise ValueError("the case has no quantity to compare by")
    the_band = Band.parse(band, case.quantity)
    if criteria.role is not None and criteria.role not in ROLES:
        raise ValueError(f"role {criteria.role!r}: choose one of {', '.join(ROLES)}")
    needed = ["charges", "outcome", "penalty_type", "term_months", "probation_months", "fine_yuan"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"the table lacks column(s) {missing}: not a per-defendant table (toolkit.schema)")
    years = outcomes.judgment_years(frame)
    excluded: dict[str, int] = {}
    keep: list[Any] = []
    searched_rows: list[Any] = []
    candidates = 0

    def drop(reason: str) -> None:
        excluded[reason] = excluded.get(reason, 0) + 1

    for index, record in zip(frame.index, frame.to_dict("records")):
        if not any(crime.matches_charge(c) for c in _charges(record.get("charges"))):
            continue
        candidates += 1
        searched_rows.append(index)
        key = keys.record_key(record)
        if key.missing:
            drop(key.missing)
            continue
        if case.group == "gains":
            gains = getattr(keys, "record_gains_key", lambda r: None)(record)
            key = replace(key, group="gains", quantity=gains)
        if key.tier != case.tier:
            drop("another tier")
            continue
        if key.quantity is None:
            drop("quantity not stated")
            continue
        if key.group != case.group:
            drop("another kind of quantity (category group)")
            continue
        if not the_band.contains(key.quantity):
            drop("quantity outside the band")
            continue
        if criteria.province is not None and str(_plain(record.get("province"))) != criteria.province:
            drop("another province" if _plain(record.get("province")) is not None else "province not stated")
            continue
        if criteria.court_level is not None and str(_plain(record.get("court_level"))) != criteria.court_level:
            drop("another court level" if _plain(record.get("court_level")) is not None else "court level not stated")
            continue
        if criteria.years is not None:
            year = _plain(years.loc[index])
            if year is None:
                drop("judgment year not stated")
                continue
            if not criteria.years[0] <= int(year) <= criteria.years[1]:
                drop("judged in other years")
                continue
        if criteria.role is not None:
            has = _has_role(record, criteria.role)
            if has is None:
                drop("role not recorded")
                continue
            if not has:
                drop("another or unstated role")
                continue
        keep.append(index)
    comparable = frame.loc[keep].copy()
    searched = frame.loc[searched_rows]
    rates = [outcomes.outcome_rate(comparable, m) for m in OUTCOME_CLASSES] if len(comparable) else []
    result = SimilarResult(crime.id, case, the_band, criteria, comparable, excluded, candidates, rates,
                           distribution(comparable, "term_months"), distribution(comparable, "fine_yuan"),
                           source or statements.describe_source(frame, "table", "所给数据", "the given table"))
    result.source = _comparable_source(result, descriptor, searched)
    result.statement = similar_statement(result)
    return result


def distribution(frame: pd.DataFrame, column: str) -> dict[str, Any]:
    """n, median, quartiles (linear interpolation) and range of a numeric column, nulls left out."""
    values = pd.to_numeric(frame[column], errors="coerce").dropna().astype(float) if column in frame.columns else pd.Series(dtype=float)
    if values.empty:
        return {"n": 0, "median": None, "q1": None, "q3": None, "min": None, "max": None, "missing": len(frame)}
    return {"n": int(len(values)), "median": float(values.median()), "q1": float(values.quantile(0.25)),
            "q3": float(values.quantile(0.75)), "min": float(values.min()), "max": float(values.max()),
            "missing": int(len(frame) - len(values))}


# ---------------------------------------------------------------------------- the statement


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"


def _band_text(result: SimilarResult) -> tuple[str, str]:
    case, band = result.case, result.band
    low = math.ceil(band.low) if case.unit_en == "items" else band.low  # whole items from the lower bound
    high = math.floor(band.high) if case.unit_en == "items" else band.high
    zh = f"数量{_number(low)}–{_number(high)}{case.unit_zh}"
    en = f"{_number(low)}–{_number(high)} {case.unit_en}"
    if band.factor:
        zh += f"（本案{_number(case.quantity)}{case.unit_zh}的{_number(band.factor)}倍范围内）"
        en += f" (within a factor of {_number(band.factor)} of this case's {_number(case.quantity)})"
    return zh, en


def criteria_text(result: SimilarResult) -> tuple[str, str]:
    case, c = result.case, result.criteria
    band_zh, band_en = _band_text(result)
    zh = [f"同为{case.tier_zh}", f"同为{case.group_zh}", band_zh]
    en = [f"same tier: {case.tier_en}", f"same kind of quantity: {case.group_en}", band_en]
    if c.province:
        zh.append(f"{c.province}法院")
        en.append(f"courts in {c.province}")
    if c.court_level:
        zh.append(f"{c.court_level}级法院")
        en.append(f"{c.court_level} courts")
    if c.years:
        span = f"{c.years[0]}" if c.years[0] == c.years[1] else f"{c.years[0]}–{c.years[1]}"
        zh.append(f"{span}年裁判")
        en.append(f"decided in {span}")
    if c.role:
        zh.append(f"同为{ROLE_NAMES[c.role][0]}")
        en.append(f"also {ROLE_NAMES[c.role][1]}")
    return "；".join(zh), "; ".join(en)


def _comparable_source(result: SimilarResult, descriptor: Mapping[str, Any] | None,
                       searched: pd.DataFrame) -> statements.DataSource:
    """The package's DataSource, its filter being the comparability criteria and its population that of
    the comparable rows (of the rows searched, when none is comparable)."""
    zh, en = criteria_text(result)
    source = replace(result.source, filter_zh=f"与本案可比（{zh}）", filter_en=f"comparable to this case ({en})")
    rows_used = result.comparable if len(result.comparable) else searched
    if descriptor is not None and "source" in rows_used.columns and len(rows_used):
        rows = statements.rows_population(rows_used, dict(descriptor))
        if rows is not None:
            source = replace(source, population_text=rows)
    return source


def similar_statement(result: SimilarResult, today: str | None = None) -> statements.Statement:
    source = result.source
    crit_zh, crit_en = criteria_text(result)
    tail = statements.provenance(source, today)
    if result.n == 0:
        zh = (f"在{source.description_zh}中，没有与本案可比的被告人（{crit_zh}），因此不计算任何比例。")
        en = (f"There is no defendant in {source.description_en} comparable to this case ({crit_en}), "
              f"so no rate is computed.")
        return statements.Statement(zh + tail.zh, f"{en} {tail.en}")
    first = result.rates[0]
    n_known = first.n
    parts_zh, parts_en = [], []
    for rate in result.rates:
        if rate.n == 0 or (rate.k == 0 and rate.measure.name in ("other_penalty", "not_criminally_responsible")):
            continue
        iv_zh, iv_en = statements.proportion_text(rate.interval)
        text_zh = f"{rate.measure.zh}{rate.k}人（{iv_zh}"
        text_en = f"{rate.k} {rate.measure.en} ({iv_en}"
        conf = f"{round(100 * (1 - rate.alpha), 1):g}%"
        if rate.k == 0 and rate.one_sided_bound is not None:
            text_zh += f"；未观察到，单侧{conf}置信上限为{statements.format_percent(rate.one_sided_bound)}"
            text_en += f"; none observed, one-sided {conf} upper bound {statements.format_percent(rate.one_sided_bound)}"
        elif rate.k == rate.n and rate.one_sided_bound is not None:
            text_zh += f"；全部如此，单侧{conf}置信下限为{statements.format_percent(rate.one_sided_bound)}"
            text_en += f"; all of them, one-sided {conf} lower bound {statements.format_percent(rate.one_sided_bound)}"
        parts_zh.append(text_zh + "）")
        parts_en.append(text_en + ")")
    lead_zh = f"在{source.description_zh}中，与本案可比的被告人共{result.n}名（{crit_zh}）"
    lead_en = (f"Of the {statements.people(result.n)} in {source.description_en} comparable to this case ({crit_en})")
    if n_known == 0:
        body_zh = lead_zh + "，但其中无人载明裁判结果及主刑，无法计算结果分布"
        body_en = lead_en + ", none has a stated outcome and principal penalty: no outcome distribution can be computed"
    else:
        unknown_zh = f"（另有{first.excluded_unknown}人结果或主刑不明，未计入）" if first.excluded_unknown else ""
        unknown_en = (f" ({first.excluded_unknown} more with unknown outcome or penalty not counted)"
                      if first.excluded_unknown else "")
        body_zh = f"{lead_zh}。在其中结果可知的{n_known}人中{unknown_zh}，" + "；".join(parts_zh)
        body_en = (f"{lead_en}, {n_known} {'has' if n_known == 1 else 'have'} a known outcome{unknown_en}: "
                   + "; ".join(parts_en))
    term = result.term
    if term["n"]:
        body_zh += (f"。载明刑期的{term['n']}人，刑期中位数{_number(term['median'])}个月（四分位数{_number(term['q1'])}–"
                    f"{_number(term['q3'])}个月，范围{_number(term['min'])}–{_number(term['max'])}个月）")
        body_en += (f". Term for the {term['n']} with a stated term: median {_number(term['median'])} months (quartiles "
                    f"{_number(term['q1'])}–{_number(term['q3'])}, range {_number(term['min'])}–{_number(term['max'])})")
    fine = result.fine
    if fine["n"]:
        body_zh += (f"；载明罚金的{fine['n']}人，罚金中位数{_number(fine['median'])}元（四分位数{_number(fine['q1'])}–"
                    f"{_number(fine['q3'])}元，范围{_number(fine['min'])}–{_number(fine['max'])}元）")
        body_en += (f"; fine for the {fine['n']} with a stated fine: median {_number(fine['median'])} yuan (quartiles "
                    f"{_number(fine['q1'])}–{_number(fine['q3'])}, range {_number(fine['min'])}–{_number(fine['max'])})")
    if result.n < 10:
        body_zh += f"。可比被告人仅{result.n}名，区间很宽，只能说明数据排除了什么"
        body_en += f". With only {result.n} comparable, the intervals are wide: they say what the data rule out, little more"
    return statements.Statement(body_zh + "。" + tail.zh, body_en + ". " + tail.en)


def similar_in_package(
    package: str | Path, crime: Any, facts: Any, band: str | float | None = None, criteria: Criteria = Criteria(),
) -> SimilarResult:
    """find_similar on a data package (embedded name or `judgstat dataset` directory), cited as statements cite it."""
    from toolkit.datasets import load_package

    frame, source = statements.package_table(package)
    return find_similar(frame, crime, facts, band, criteria, source, load_package(package))


def case_rows(result: SimilarResult) -> list[dict[str, Any]]:
    """One dict per comparable defendant: ids, case number, court, date, quantity, outcome and penalty."""
    columns = ["doc_id", "case_number", "defendant", "court", "province", "court_level", "judgment_date",
               "info_category", "info_count", "illegal_gains_yuan", "outcome", "penalty_type", "term_months",
               "probation_months", "fine_yuan", "source"]
    rows = []
    for record in result.comparable.to_dict("records"):
        row = {c: _json(record.get(c)) for c in columns if c in result.comparable.columns}
        rows.append(row)
    return rows


def _json(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def to_dict(result: SimilarResult) -> dict[str, Any]:
    case = result.case
    return {
        "crime": result.crime_id,
        "case": {"tier": case.tier, "tier_zh": case.tier_zh, "group": case.group, "group_zh": case.group_zh,
                 "quantity": case.quantity, "unit": case.unit_en, **result.case_description},
        "band": {"low": result.band.low, "high": result.band.high, "factor": result.band.factor},
        "criteria": {"province": result.criteria.province, "court_level": result.criteria.court_level,
                     "years": list(result.criteria.years) if result.criteria.years else None, "role": result.criteria.role},
        "dataset": {"name": result.source.name, "rows": result.source.rows, "version": result.source.version,
                    "citation": (result.source.citation.reference()[1] if result.source.citation else None),
                    "population": result.source.population_statement()[1],
                    "defendants_with_the_charge": result.candidates},
        "excluded": result.excluded,
        "n": result.n,
        "outcomes": [{"class": r.measure.name, "label_zh": r.measure.zh, "label_en": r.measure.en, "k": r.k, "n": r.n,
                      "estimate": r.interval.estimate if r.interval else None,
                      "low": r.interval.low if r.interval else None, "high": r.interval.high if r.interval else None,
                      "method": r.interval.method if r.interval else None, "confidence": 1 - r.alpha,
                      "one_sided_bound": r.one_sided_bound,
                      "one_sided_bound_kind": ("upper" if r.k == 0 else "lower") if r.one_sided_bound is not None else None,
                      "excluded_unknown": r.excluded_unknown} for r in result.rates],
        "term_months": result.term,
        "fine_yuan": result.fine,
        "cases": case_rows(result),
        "statement": {"zh": result.statement.zh, "en": result.statement.en} if result.statement else None,
    }
