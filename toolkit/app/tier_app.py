"""The interactive tier calculator: counts per category, gains, the duty flag and the conduct date in; the tier,
the clauses that trigger it, the statutory range and article, and the engine's what-if changes out.

    from toolkit.app.tier_app import TierCalculator
    TierCalculator()          # last expression of a notebook cell: the calculator is displayed

Everything here is presentation: the tier, ranges and what-if list come from the tier engine
(toolkit.tiers / toolkit.crimes.personal_information), every label and threshold from its rules data.
`read_form` and `calculate` are plain functions (tested without a browser); `TierCalculator` wires them to
ipywidgets. The same page runs stand-alone with Voilà: `judgstat app` (toolkit/app/cli.py).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from toolkit.categories import CATEGORIES, chinese_name
from toolkit.numerals import APPROX_MARKERS, parse_number
from toolkit.tiers import TIER_EN, TIER_ZH, CaseFacts, TierResult, assess, load_rules
from toolkit.tiers.whatif import TIER_EN_SHORT

_PLAIN_INTEGER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
_PLAIN_AMOUNT = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# DOM classes the page's elements carry (the browser test finds them by these).
CSS_PREFIX = "judgstat"


def category_label(code: str) -> str:
    """How a category is named on the page: Chinese name and code, e.g. "行踪轨迹 trajectory"."""
    return f"{chinese_name(code)} {code.replace('_', ' ')}"


@dataclass
class TierForm:
    """What a user typed, as text and ticks (the widgets' values), before any checking."""

    counts: dict[str, str] = field(default_factory=dict)  # category code -> text typed
    gains: str = ""
    duty: bool = False
    conduct_date: str = ""
    flags: dict[str, bool] = field(default_factory=dict)  # CaseFacts circumstance fields (Art. 5(1)(1),(2),(9), 5(2)(1),(2))
    art10: dict[str, bool] = field(default_factory=dict)  # Art. 10 conditions: first_offender, gains_returned, remorse
    deduct_category: str | None = None  # what-if explorer: deduct items of this category ...
    deduct_items: str = ""  # ... this many


@dataclass
class ReadForm:
    facts: CaseFacts | None  # None when nothing was entered or an entry is unreadable
    errors: list[str]  # one line per unreadable entry, naming the field
    notes: list[str]  # readable, but worth saying (approximate counts, a date in the future)


def _read_count(label: str, text: str, errors: list[str], notes: list[str]) -> int | None:
    text = text.strip().replace("，", ",")
    if not text:
        return None
    if _PLAIN_INTEGER.match(text):
        return int(text.replace(",", ""))
    value = parse_number(text)
    if value is None or value < 0 or value != int(value):
        errors.append(f"{label}: {text!r} is not a whole number of items (e.g. 1000, 1,000 or 一千)")
        return None
    if any(marker in text for marker in APPROX_MARKERS):
        notes.append(f"{label}: {text!r} is approximate; {int(value):,} is used as a lower bound")
    return int(value)


def _read_amount(label: str, text: str, errors: list[str], notes: list[str]) -> str | None:
    text = text.strip().replace("，", ",").removesuffix("元").strip()
    if not text:
        return None
    if _PLAIN_AMOUNT.match(text):
        return text.replace(",", "")
    value = parse_number(text)
    if value is None or value < 0:
        errors.append(f"{label}: {text!r} is not an amount in yuan (e.g. 5000, 5,150.50 or 五千)")
        return None
    if any(marker in text for marker in APPROX_MARKERS):
        notes.append(f"{label}: {text!r} is approximate; {value:,.2f} yuan is used")
    return repr(round(value, 2))


def _read_date(text: str, errors: list[str], notes: list[str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        when = date.fromisoformat(text)
    except ValueError:
        errors.append(f"conduct date: {text!r} is not a calendar date YYYY-MM-DD (e.g. 2022-03-01)")
        return None
    if when > date.today():
        notes.append(f"conduct date {when.isoformat()} is in the future (today is {date.today().isoformat()}); check it")
    return when


def read_form(form: TierForm) -> ReadForm:
    """The form's entries as CaseFacts, with one error line per entry that cannot be read."""
    errors: list[str] = []
    notes: list[str] = []
    counts: dict[str, int] = {}
    for code, text in form.counts.items():
        value = _read_count(category_label(code), text, errors, notes)
        if value is not None:
            counts[code] = value
    gains = _read_amount("illegal gains 违法所得", form.gains, errors, notes)
    conduct = _read_date(form.conduct_date, errors, notes)
    flags = {name: bool(on) for name, on in form.flags.items()}
    if errors:
        return ReadForm(None, errors, notes)
    if not counts and gains is None and not any(flags.values()):
        return ReadForm(None, [], notes)
    prior = flags.pop("prior_punishment", False) or None
    facts = CaseFacts(
        counts=counts, gains_yuan=gains, duty_or_service=form.duty, conduct_date=conduct, prior_punishment=prior,
        **flags,
        **{name: True if on else None for name, on in form.art10.items()},
    )
    return ReadForm(facts, [], notes)


@dataclass
class Calculation:
    """What the page shows, computed from a form; each part is plain data or text."""

    errors: list[str]
    notes: list[str]
    result: TierResult | None
    headline_zh: str  # e.g. 情节特别严重
    headline_en: str
    triggers: list[tuple[str, str, str]]  # (clause, Chinese text, English text) of the findings
    range_zh: str
    range_en: str
    article: str  # the Art. 253-1 clause and version applied, and the Interpretation clauses
    art10_en: str
    what_if: list[dict[str, Any]]  # the engine's what-if entries
    explorer: tuple[str, str] | None  # (tier code, sentence) for the user's own deduction


def _months_en(low: int, high: int, rules_raw: Mapping[str, Any]) -> str:
    penalties = rules_raw["custodial_penalties"]
    detention_low, detention_high = penalties["criminal_detention_months"]
    if low <= detention_high:
        return (f"{low}–{high} months: criminal detention ({detention_low}–{detention_high} months, "
                f"{penalties['criminal_detention_clause']}) or fixed-term imprisonment of up to {high} months")
    return f"fixed-term imprisonment of {low}–{high} months ({low / 12:g}–{high / 12:g} years)"


def _headline(result: TierResult, facts: CaseFacts) -> tuple[str, str]:
    rules = load_rules()
    tier = result.tier
    if facts.conduct_date is not None and result.statute_version is None:
        first = rules.first_statute_date.isoformat()
        return ("不构成本罪（行为时刑法第二百五十三条之一尚未施行）",
                f"no offence at the conduct date (Art. 253-1 is in force from {first}); "
                f"the 2017 standards would give {TIER_EN[tier]}, for comparison only")
    if result.statutory_tier is not None and result.statutory_tier != tier:
        version = rules.statute_version(facts.conduct_date)
        return (f"{TIER_ZH[result.statutory_tier]}（{version['label_zh']}仅设一档）",
                f"one tier only under {version['label_en']} (in force at the conduct date); "
                f"the 2017 standards would give {TIER_EN[tier]}, for comparison only")
    return TIER_ZH[tier], TIER_EN[tier]


def _range_and_article(result: TierResult, facts: CaseFacts) -> tuple[str, str, str]:
    rules = load_rules()
    if not result.range_months:
        if result.tier == "none":
            return "—", "no range: no standard of the Interpretation is met", "—"
        return "—", "no range (see the notes)", "—"
    version = (rules.statute_version(facts.conduct_date) if facts.conduct_date is not None
               else rules.current_statute_version())
    spec = version["tiers"][result.statutory_tier]
    low, high = result.range_months
    fine = ("fine mandatory (并处罚金)" if result.fine_mandatory
            else "fine optional, or a fine alone (并处或者单处罚金)")
    range_en = f"{_months_en(low, high, rules.raw)}; {fine}"
    article = f"{spec['clause']} — {version['label_zh']} {version['label_en']}"
    if facts.duty_or_service and version.get("duty_aggravation"):
        aggravation = version["duty_aggravation"]
        article += f"; {aggravation['clause']} {aggravation['label_zh']}"
    if result.tier_clauses:
        article += f"; 法释〔2017〕10号 {', '.join(result.tier_clauses)}"
        if result.interpretation_in_force is False:
            article += " (not in force at the conduct date: for comparison only)"
    return spec["label_zh"], range_en, article


def _explorer(form: TierForm, facts: CaseFacts | None, errors: list[str]) -> tuple[str, str] | None:
    if facts is None or not form.deduct_category or not form.deduct_items.strip():
        return None
    code = form.deduct_category
    label = category_label(code)
    have = facts.counts.get(code)
    if have is None:
        errors.append(f"what-if: no {label} items are entered above, so none can be deducted")
        return None
    deduct = _read_count("what-if deduction", form.deduct_items, errors, [])
    if deduct is None:
        return None
    if deduct > have:
        errors.append(f"what-if: cannot deduct {deduct:,} {label} items, only {have:,} are entered")
        return None
    after = assess(facts.with_counts({**facts.counts, code: have - deduct}), what_if=False)
    return after.tier, (f"扣除{deduct:,}条{chinese_name(code)}信息（{have:,}→{have - deduct:,}条）：{TIER_ZH[after.tier]} · "
                        f"deducting {deduct:,} {code} items ({have:,} → {have - deduct:,}): {TIER_EN_SHORT[after.tier]}")


def calculate(form: TierForm) -> Calculation:
    """Read the form and run the engine (with its what-if changes); never raises on what a user types."""
    read = read_form(form)
    empty = Calculation(read.errors, read.notes, None, "—", "", [], "—", "", "—", "", [], None)
    if read.facts is None:
        if not read.errors:
            empty.headline_en = "enter item counts, illegal gains or a circumstance"
        return empty
    facts = read.facts
    try:
        result = assess(facts)
    except ValueError as exc:  # CaseFacts validation the form did not foresee: say it, do not crash the page
        empty.errors.append(str(exc))
        return empty
    errors = list(read.errors)
    explorer = _explorer(form, facts, errors)
    headline_zh, headline_en = _headline(result, facts)
    range_zh, range_en, article = _range_and_article(result, facts)
    art10 = result.art10
    return Calculation(
        errors=errors, notes=read.notes + list(result.notes), result=result,
        headline_zh=headline_zh, headline_en=headline_en,
        triggers=[(f.clause, f.text_zh, f.text_en) for f in result.findings],
        range_zh=range_zh, range_en=range_en, article=article,
        art10_en=f"{art10['clause']}: {art10['status']} — {art10['reason_en']}",
        what_if=list(result.what_if), explorer=explorer,
    )


# ---- HTML for each output element (escaped; the widgets show them) ----

def _e(text: str) -> str:
    return html.escape(str(text))


def tier_html(calc: Calculation) -> str:
    tier = calc.result.tier if calc.result else ""
    return (f'<div class="{CSS_PREFIX}-tier-box" data-tier="{_e(tier)}">'
            f'<span style="font-size:1.6em;font-weight:bold">{_e(calc.headline_zh)}</span><br>'
            f'<span>{_e(calc.headline_en)}</span></div>')


def triggers_html(calc: Calculation) -> str:
    if not calc.result:
        return ""
    if not calc.triggers:
        return "<b>Triggered by 触发条款:</b> none — no numeric or listed standard is met"
    items = "".join(f"<li><code>{_e(clause)}</code> {_e(zh)}<br><small>{_e(en)}</small></li>"
                    for clause, zh, en in calc.triggers)
    return f"<b>Triggered by 触发条款:</b><ul>{items}</ul>"


def range_html(calc: Calculation) -> str:
    if not calc.result:
        return ""
    return (f"<b>Statutory range 法定刑:</b> {_e(calc.range_zh)}<br><small>{_e(calc.range_en)}</small><br>"
            f"<b>Article 条文:</b> {_e(calc.article)}<br><small>{_e(calc.art10_en)}</small>")


def what_if_html(calc: Calculation) -> str:
    if not calc.result:
        return ""
    if not calc.what_if:
        return "<b>What would change the tier 档次变化:</b> no single change of the kinds the engine tries"
    items = "".join(
        f'<li class="{CSS_PREFIX}-whatif-item" data-kind="{_e(c["kind"])}" data-to-tier="{_e(c["to_tier"])}">'
        f'{_e(c["text_zh"])}<br><small>{_e(c["text_en"])}</small></li>' for c in calc.what_if)
    return f"<b>What would change the tier 档次变化:</b><ul>{items}</ul>"


def explorer_html(calc: Calculation) -> str:
    if calc.explorer is None:
        return ""
    tier, sentence = calc.explorer
    return f'<span data-tier="{_e(tier)}">{_e(sentence)}</span>'


def messages_html(calc: Calculation) -> str:
    return "".join(f'<div style="color:#b00020">⚠ {_e(error)}</div>' for error in calc.errors)


def notes_html(calc: Calculation) -> str:
    if not calc.notes:
        return ""
    return ("<details><summary>Notes 说明 (" + str(len(calc.notes)) + ")</summary><ul>"
            + "".join(f"<li><small>{_e(note)}</small></li>" for note in calc.notes) + "</ul></details>")


class TierCalculator:
    """The calculator as ipywidgets; displaying the object (or `.widget`) shows it in a notebook or Voilà page."""

    def __init__(self) -> None:
        import ipywidgets as w

        rules = load_rules()
        wide = {"description_width": "initial"}
        self._counts: dict[str, Any] = {}
        count_rows = []
        for group in rules.groups:
            count_rows.append(w.HTML(f"<b>{_e(group.clause)}</b> {_e(group.label_zh)} "
                                     f"<small>(情节严重 from {group.threshold_items:,} items)</small>"))
            boxes = []
            for code in group.categories:
                box = w.Text(description=category_label(code), placeholder="items 条",
                             style={"description_width": "190px"}, layout=w.Layout(width="340px"),
                             continuous_update=True)
                box.add_class(f"{CSS_PREFIX}-count-{code}")
                self._counts[code] = box
                boxes.append(box)
            count_rows.append(w.HBox(boxes, layout=w.Layout(flex_flow="row wrap")))
        gains_clause = rules.item("Art.5(1)(7)")
        self._gains = w.Text(description="违法所得 illegal gains (yuan)", placeholder=f"{gains_clause['clause']}",
                             style=wide, layout=w.Layout(width="340px"))
        self._gains.add_class(f"{CSS_PREFIX}-gains")
        duty = rules.item("Art.5(1)(8)")
        self._duty = w.Checkbox(description=f"履职/服务中获取 — {duty['label_zh']} ({duty['clause']})", indent=False,
                                layout=w.Layout(width="auto"))
        self._duty.add_class(f"{CSS_PREFIX}-duty")
        self._date = w.Text(description="行为时间 conduct date", placeholder="YYYY-MM-DD (blank: current law)",
                            style=wide, layout=w.Layout(width="340px"))
        self._date.add_class(f"{CSS_PREFIX}-date")

        self._flags: dict[str, Any] = {}
        for section in ("serious", "especially_serious"):
            for entry in rules.raw[section]["items"]:
                if entry["kind"] == "flag" and entry["flag"] not in self._flags:
                    box = w.Checkbox(description=f"{entry['clause']} {entry['label_zh']}", indent=False,
                                     layout=w.Layout(width="auto"))
                    box.add_class(f"{CSS_PREFIX}-flag-{entry['flag']}")
                    self._flags[entry["flag"]] = box
        self._art10: dict[str, Any] = {}
        for condition in rules.raw["art10"]["conditions"]:
            box = w.Checkbox(description=f"{rules.raw['art10']['clause']} {condition['label_zh']} {condition['label_en']}",
                             indent=False, layout=w.Layout(width="auto"))
            self._art10[condition["id"]] = box
        more = w.Accordion([w.VBox(list(self._flags.values()) + list(self._art10.values()))])
        more.set_title(0, "其他情节 other circumstances and Art. 10 conditions")
        more.selected_index = None

        self._deduct_category = w.Dropdown(description="what-if: deduct from", options=[], style=wide,
                                           layout=w.Layout(width="300px"))
        self._deduct_category.add_class(f"{CSS_PREFIX}-deduct-category")
        self._deduct_items = w.Text(description="items 条", placeholder="e.g. 501", style=wide,
                                    layout=w.Layout(width="200px"))
        self._deduct_items.add_class(f"{CSS_PREFIX}-deduct-items")

        self._messages = w.HTML()
        self._messages.add_class(f"{CSS_PREFIX}-messages")
        self._tier = w.HTML()
        self._tier.add_class(f"{CSS_PREFIX}-tier")
        self._triggers = w.HTML()
        self._triggers.add_class(f"{CSS_PREFIX}-triggers")
        self._range = w.HTML()
        self._range.add_class(f"{CSS_PREFIX}-range")
        self._what_if = w.HTML()
        self._what_if.add_class(f"{CSS_PREFIX}-whatif")
        self._explorer = w.HTML()
        self._explorer.add_class(f"{CSS_PREFIX}-deduct-result")
        self._notes = w.HTML()
        self._notes.add_class(f"{CSS_PREFIX}-notes")

        header = w.HTML(
            "<h3>侵犯公民个人信息罪 tier calculator · 量刑档次计算</h3>"
            f"<small>Criminal Law Art. 253-1 and 法释〔2017〕10号 (rules {_e(rules.version)}). The engine decides only what "
            "the numbers decide; 'other serious circumstances' (Art. 5(1)(10), 5(2)(4)) stay with the court.</small>")
        inputs = w.VBox([*count_rows, self._gains, self._duty, self._date, more])
        explorer = w.HBox([self._deduct_category, self._deduct_items])
        outputs = w.VBox([self._messages, self._tier, self._triggers, self._range, self._what_if, explorer,
                          self._explorer, self._notes])
        self.widget = w.VBox([header, inputs, w.HTML("<hr>"), outputs])
        self.widget.add_class(f"{CSS_PREFIX}-tier-calculator")

        self._refreshing = False
        for source in [*self._counts.values(), self._gains, self._duty, self._date, *self._flags.values(),
                       *self._art10.values(), self._deduct_category, self._deduct_items]:
            source.observe(self._changed, names="value")
        self.calculation = self.refresh()

    def form(self) -> TierForm:
        return TierForm(
            counts={code: box.value for code, box in self._counts.items() if box.value.strip()},
            gains=self._gains.value, duty=self._duty.value, conduct_date=self._date.value,
            flags={name: box.value for name, box in self._flags.items()},
            art10={name: box.value for name, box in self._art10.items()},
            deduct_category=self._deduct_category.value, deduct_items=self._deduct_items.value,
        )

    def set(self, counts: Mapping[str, Any] | None = None, gains: Any = None, duty: bool | None = None,
            conduct_date: str | None = None) -> "TierCalculator":
        """Fill the form from Python (a notebook cell can preset a case); category names in Chinese or code."""
        from toolkit.categories import normalise_category

        for name, value in (counts or {}).items():
            self._counts[normalise_category(str(name))].value = str(value)
        if gains is not None:
            self._gains.value = str(gains)
        if duty is not None:
            self._duty.value = duty
        if conduct_date is not None:
            self._date.value = conduct_date
        return self

    def _changed(self, _change: Mapping[str, Any]) -> None:
        if not self._refreshing:
            self.calculation = self.refresh()

    def refresh(self) -> Calculation:
        """Recompute every output from the form (called on each change of an input)."""
        present = [code for code, box in self._counts.items() if box.value.strip()]
        options = [(category_label(code), code) for code in present]
        if list(self._deduct_category.options) != options:
            keep = self._deduct_category.value if self._deduct_category.value in present else None
            self._refreshing = True  # the dropdown's own change events would otherwise recompute mid-update
            try:
                self._deduct_category.options = options
                self._deduct_category.value = keep or (present[0] if present else None)
            finally:
                self._refreshing = False
        calc = calculate(self.form())
        self._messages.value = messages_html(calc)
        self._tier.value = tier_html(calc)
        self._triggers.value = triggers_html(calc)
        self._range.value = range_html(calc)
        self._what_if.value = what_if_html(calc)
        self._explorer.value = explorer_html(calc)
        self._notes.value = notes_html(calc)
        return calc

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
