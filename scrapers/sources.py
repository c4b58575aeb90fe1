"""Which module handles which source name (CLI argument and manifest `source` field)."""

from __future__ import annotations

import importlib
from types import ModuleType

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


def default_base_url(name: str) -> str:
    module = source_module(name)
    if name in ("spc", "spp"):
        return module.SITES[name].default_base_url
    return module.DEFAULT_BASE_URL
