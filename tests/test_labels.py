"""Every coded value of the schema has a Chinese display name (figures never show a code)."""

from __future__ import annotations

import pytest

from toolkit.labels import UNKNOWN_ZH, VALUE_ZH, zh
from toolkit.schema import DEFENDANT_FIELDS


@pytest.mark.parametrize("field", [f for f in DEFENDANT_FIELDS if f.name in VALUE_ZH], ids=lambda f: f.name)
def test_every_schema_value_has_a_name(field):
    missing = [v for v in field.enum or () if v not in VALUE_ZH[field.name] and v != "unknown"]
    assert not missing, f"{field.name}: no Chinese name for {missing}"


def test_missing_and_unnamed_values():
    assert zh("outcome", None) == zh("outcome", float("nan")) == zh("court_level", "unknown") == UNKNOWN_ZH
    assert zh("penalty_type", "fixed_term") == "有期徒刑"
    assert zh("province", "上海") == "上海"
