"""Which module handles which source name (CLI argument and manifest `source` field)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

SOURCE_MODULES = {
    "wenshu": "scrapers.wenshu",
    "12309": "scrapers.procuratorate_12309",
    "spc": "scrapers.releases",
    "spp": "scrapers.releases",
}


def source_module(name: str) -> ModuleType:
    if name not in SOURCE_MODULES:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCE_MODULES)}")
    return importlib.import_module(SOURCE_MODULES[name])


def declared(name: str, attribute: str, default: Any = None) -> Any:
    """What the module of source `name` declares as `attribute`.

    A module serving several sources (releases: spc and spp) may declare a mapping keyed by source name.
    """
    value = getattr(source_module(name), attribute, default)
    if isinstance(value, Mapping):
        return value.get(name, default)
    return value


def default_base_url(name: str) -> str:
    module = source_module(name)
    if name in ("spc", "spp"):
        return module.SITES[name].default_base_url
    return module.DEFAULT_BASE_URL
