"""Drug quantities in grams: a written quantity ("60g", "1.5千克", "五十克", "500毫克") -> exact grams.

Unit factors come from rules.json ("units"); numbers are read by toolkit.numerals. A count of tablets or
packets (粒, 片 …) is not a weight and is refused: the weight must be stated (rules.json "count_units").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from toolkit.crimes.drug_trafficking.rules import Rules, load_rules
from toolkit.numerals import NUMBER_CHARS, parse_number

_ARABIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class QuantityError(ValueError):
    """A quantity that cannot be read as a weight; the message says why in one line."""


@dataclass(frozen=True)
class Weight:
    grams: Fraction
    value: Fraction
    unit: str  # the unit's name in rules.json (克, 千克, 公斤, 毫克)
    unit_flag: str

    def to_dict(self) -> dict[str, Any]:
        return {"grams": float(self.grams), "value": float(self.value), "unit": self.unit, "unit_flag": self.unit_flag}


def exact_number(text: str) -> Fraction | None:
    """An exact number from Arabic digits (Decimal, so 0.1 stays 0.1) or from Chinese numerals (toolkit.numerals)."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if _ARABIC.fullmatch(cleaned):
        try:
            return Fraction(Decimal(cleaned))
        except InvalidOperation:
            return None
    if cleaned.startswith("-"):
        inner = exact_number(cleaned[1:])
        return -inner if inner is not None else None
    value = parse_number(cleaned)
    if value is None or not math.isfinite(value):
        return None
    return Fraction(repr(value))


def split_unit(text: str, rules: Rules) -> tuple[str, str]:
    """(number part, unit part) of a written quantity. Known unit symbols are matched first, longest first
    (千克 is a unit, not 千 + 克); otherwise the unit part is the trailing text that is not part of a number."""
    stripped = text.strip()
    symbols = sorted({s for u in rules.units for s in u.symbols} | set(rules.count_units), key=len, reverse=True)
    for symbol in symbols:
        if stripped.endswith(symbol):
            return stripped[: -len(symbol)].strip(), symbol
    i = len(stripped)
    while i > 0 and stripped[i - 1] not in NUMBER_CHARS + "+-":
        i -= 1
    return stripped[:i].strip(), stripped[i:].strip()


def parse_weight(text: Any, rules: Rules | None = None) -> Weight:
    """The weight written in `text` ("60g", "1.5千克", "五十克"); a bare number is refused (the unit must be given)."""
    rules = rules or load_rules()
    if isinstance(text, bool):
        raise QuantityError(f"quantity {text!r} is not a weight")
    if isinstance(text, (int, float, Fraction, Decimal)):
        raise QuantityError(f"quantity {text!r} has no unit; write it with one of {', '.join(u.unit for u in rules.units)}")
    number_part, unit_part = split_unit(str(text), rules)
    units = ", ".join("/".join(u.symbols) for u in rules.units)
    if not number_part:
        raise QuantityError(f"quantity {text!r}: no number (expected e.g. 60g or 1.5千克)")
    value = exact_number(number_part)
    if value is None:
        raise QuantityError(f"quantity {text!r}: {number_part!r} is not a number")
    if value < 0:
        raise QuantityError(f"quantity {text!r}: a quantity must not be negative")
    if not unit_part:
        raise QuantityError(f"quantity {text!r} has no unit; use one of {units}")
    if unit_part in rules.count_units:
        raise QuantityError(f"quantity {text!r}: {unit_part} counts tablets or packets, not weight; give the weight "
                            f"the judgment states (e.g. 3.2g)")
    try:
        unit = rules.unit(unit_part)
    except KeyError:
        raise QuantityError(f"quantity {text!r}: unknown unit {unit_part!r}; use one of {units}") from None
    return Weight(value * unit.grams, value, unit.unit, unit.flag)


def grams_text(grams: Fraction) -> str:
    """Grams for display: up to 4 decimals, no trailing zeros."""
    if grams.denominator == 1:
        return f"{int(grams):,}"
    return f"{float(grams):,.4f}".rstrip("0").rstrip(".")
