"""Modules imported on first use, for command-line paths that must start fast (`judgstat parse`).

`from toolkit.lazy import pandas as pd` gives a stand-in that imports pandas the first time one of its
attributes is read (pd.DataFrame, pd.NA, ...) and from then on behaves as the module. Nothing is put in
sys.modules until the real import happens, so `"pandas" in sys.modules` stays an honest test.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_name"] = name

    def _load(self) -> ModuleType:
        module = importlib.import_module(self.__dict__["_lazy_name"])
        # later reads find the module's names directly, without coming back through __getattr__
        self.__dict__.update(vars(module))
        return module

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._load(), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"


pandas = LazyModule("pandas")
