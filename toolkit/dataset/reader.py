"""Read a data package written by `judgstat dataset`: `open_package(DIR)`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd


class Package:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        descriptor = self.path / "datapackage.json" if self.path.is_dir() else self.path
        if not descriptor.is_file():
            raise FileNotFoundError(f"{self.path}: no datapackage.json (not a judgstat dataset package)")
        self.path = descriptor.parent
        self.descriptor: dict[str, Any] = json.loads(descriptor.read_text(encoding="utf-8"))
        self.name: str = self.descriptor.get("name", self.path.name)

    def resource(self, name: str) -> dict[str, Any]:
        for entry in self.descriptor.get("resources", []):
            if entry["name"] == name:
                return entry
        raise KeyError(f"{self.path}: no resource {name!r}")

    def defendants(self, columns: list[str] | None = None) -> pd.DataFrame:
        """defendants.parquet normalised as toolkit.analysis.table.read_defendant_table does (derived columns kept)."""
        from toolkit.analysis.table import as_defendant_table
        from toolkit.dataset.columns import PACKAGE_DEFENDANT_FIELDS
        from toolkit.schema import read_table

        frame = read_table(self.path / "defendants.parquet", PACKAGE_DEFENDANT_FIELDS)
        frame = as_defendant_table(frame)
        return frame[columns] if columns else frame

    def documents(self) -> pd.DataFrame:
        from toolkit.schema import DOCUMENT_FIELDS, read_table

        path = self.path / "documents.parquet"
        if not path.exists():
            note = self.descriptor.get("judgstat", {}).get("documents_note", "the package has no documents table")
            raise FileNotFoundError(f"{path}: {note}")
        return read_table(path, DOCUMENT_FIELDS)

    def _csv(self, relative: str, dtype: dict | None = None) -> pd.DataFrame:
        return pd.read_csv(self.path / relative, dtype=dtype or str, keep_default_na=False, na_values=[""])

    def counts(self, dimension: str) -> pd.DataFrame:
        frame = pd.read_csv(self.path / "counts" / f"{dimension}.csv", dtype={dimension: str, "unit": str, "measure": str},
                            keep_default_na=False)
        frame["count"] = frame["count"].astype("int64")
        return frame

    def coverage(self) -> pd.DataFrame:
        return pd.read_csv(self.path / "coverage.csv")

    def errors(self) -> pd.DataFrame:
        return self._csv("errors.csv")

    def duplicates(self) -> pd.DataFrame:
        return self._csv("duplicates.csv")

    def __repr__(self) -> str:
        return f"Package({self.name!r}, {self.path})"


def open_package(path: str | Path) -> Package:
    return Package(path)
