"""Crime plug-ins: one folder per crime, registered here, each behind the interface of toolkit.crimes.base.Crime.

    from toolkit.crimes import get_crime, crime_for_charge
    drugs = get_crime("drug_trafficking")
    drugs.assess(drugs.facts(quantities={"海洛因": "60g"}, conduct_date="2020-01-01"))
    crime_for_charge("贩卖毒品罪").id          # "drug_trafficking"

To add a crime, see toolkit/crimes/README.md: one folder plus one line below.
"""

from __future__ import annotations

import importlib
from datetime import date

from toolkit.crimes.base import ChargeName, Crime, ExampleOutcome, normalise_charge

# crime id -> module whose CRIME attribute implements toolkit.crimes.base.Crime. One line per crime.
REGISTRY: dict[str, str] = {
    "personal_information": "toolkit.crimes.personal_information",
    "drug_trafficking": "toolkit.crimes.drug_trafficking",
}

DEFAULT_CRIME = "personal_information"

_loaded: dict[str, Crime] = {}


def get_crime(crime_id: str) -> Crime:
    """The registered crime `crime_id`; KeyError naming the known ids otherwise."""
    if crime_id not in REGISTRY:
        raise KeyError(f"unknown crime {crime_id!r}; known crimes: {', '.join(REGISTRY)}")
    if crime_id not in _loaded:
        crime = importlib.import_module(REGISTRY[crime_id]).CRIME
        if not isinstance(crime, Crime) or crime.id != crime_id:
            raise TypeError(f"{REGISTRY[crime_id]}.CRIME does not implement toolkit.crimes.base.Crime as {crime_id!r}")
        _loaded[crime_id] = crime
    return _loaded[crime_id]


def all_crimes() -> list[Crime]:
    return [get_crime(crime_id) for crime_id in REGISTRY]


def crime_for_charge(charge: str, when: date | None = None) -> Crime | None:
    """The crime a charge name belongs to (historical names included; CAIL's names without 罪 too), else None.

    With `when`, only names in use on that date match.
    """
    for crime in all_crimes():
        if crime.matches_charge(charge, when):
            return crime
    return None


__all__ = ["REGISTRY", "DEFAULT_CRIME", "ChargeName", "Crime", "ExampleOutcome", "all_crimes", "crime_for_charge",
           "get_crime", "normalise_charge"]
