"""A citation record for a dataset, as BibTeX and as CSL-JSON (for Zotero, pandoc, CSL styles).

The record carries the content hash of the data as its version, so a reader can check that
the table they hold is the one cited.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import toolkit

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                   "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class DatasetCitation:
    name: str
    title: str
    version: str  # "sha256:<hex>"
    authors: tuple[str, ...] = ()
    year: int | None = None
    publisher: str = "judgstat"
    url: str | None = None
    license: str | None = None
    note: str | None = None
    accessed: str | None = None  # ISO date
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "_", self.name).strip("_").lower() or "dataset"
        digest = self.version.partition(":")[2][:8]
        return f"judgstat_{slug}_{digest}" if digest else f"judgstat_{slug}"

    def bibtex(self) -> str:
        fields = [("title", "{" + bibtex_escape(self.title) + "}")]
        if self.authors:
            fields.append(("author", " and ".join("{" + bibtex_escape(a) + "}" for a in self.authors)))
        if self.year:
            fields.append(("year", str(self.year)))
        fields.append(("version", bibtex_escape(self.version)))
        fields.append(("publisher", bibtex_escape(self.publisher)))
        if self.url:
            fields.append(("url", self.url))
        if self.accessed:
            fields.append(("urldate", self.accessed))
        note = "; ".join(part for part in (self.note, f"content hash {self.version}",
                                            f"license {self.license}" if self.license else None,
                                            f"judgstat {toolkit.__version__}") if part)
        fields.append(("note", bibtex_escape(note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def csl_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.key,
            "type": "dataset",
            "title": self.title,
            "version": self.version,
            "publisher": self.publisher,
        }
        if self.authors:
            item["author"] = [{"literal": a} for a in self.authors]
        if self.year:
            item["issued"] = {"date-parts": [[self.year]]}
        if self.url:
            item["URL"] = self.url
        if self.accessed:
            y, m, d = (int(x) for x in self.accessed.split("-"))
            item["accessed"] = {"date-parts": [[y, m, d]]}
        notes = [n for n in (self.note, f"content hash {self.version}",
                             f"license {self.license}" if self.license else None) if n]
        item["note"] = "; ".join(notes)
        item.update(self.extra)
        return item

    def csl_json_text(self) -> str:
        return json.dumps([self.csl_json()], ensure_ascii=False, indent=2)


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in str(text))


def dataset_citation(
    name: str, version: str, title: str | None = None, authors: tuple[str, ...] | list[str] = (),
    year: int | None = None, url: str | None = None, license: str | None = None,
    note: str | None = None, accessed: date | str | None = None, publisher: str = "judgstat",
) -> DatasetCitation:
    """Citation record for a dataset; `version` is its content hash (statements.content_hash)."""
    if not version or ":" not in version:
        raise ValueError(f"version must be a content hash like 'sha256:<hex>', got {version!r}")
    day = accessed.isoformat() if isinstance(accessed, date) else accessed
    return DatasetCitation(
        name, title or name, version, tuple(authors), year or date.today().year, publisher,
        url, license, note, day,
    )


def citation_from_metadata(metadata: dict[str, Any] | str | Path, version: str, **overrides: Any) -> DatasetCitation:
    """Citation from a Frictionless-style datapackage.json (name, title, licenses, contributors, homepage)."""
    if not isinstance(metadata, dict):
        path = Path(metadata)
        try:
            metadata = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: cannot read dataset metadata ({error})") from error
    licenses = metadata.get("licenses") or []
    license = ", ".join(str(l.get("name") or l.get("title") or l) if isinstance(l, dict) else str(l) for l in licenses) or None
    authors = [c.get("title") or c.get("name") for c in metadata.get("contributors", []) if isinstance(c, dict)]
    values = dict(
        name=metadata.get("name", "dataset"), version=version, title=metadata.get("title"),
        authors=[a for a in authors if a], url=metadata.get("homepage"), license=license,
        note=metadata.get("description"),
    )
    values.update(overrides)
    return dataset_citation(**values)
