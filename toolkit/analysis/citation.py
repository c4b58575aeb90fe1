"""A citation record for a dataset, as BibTeX and as CSL-JSON (for Zotero, pandoc, CSL styles).

The record carries the content hash of the data as its version, so a reader can check that
the table they hold is the one cited, and what a reader needs to find the data: the package's
release (its descriptor's `version`), a URL or DOI where the package has one, its path in the
repository and the git commit that last changed it (`package_citation`).
"""

from __future__ import annotations

import json
import re
import subprocess
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
    release: str | None = None  # the package's own version (descriptor "version"), e.g. "1.0.0"
    doi: str | None = None
    path: str | None = None  # where the package lives in its repository, e.g. "datasets/published-pi-cases"
    commit: str | None = None  # git commit that last changed the package ("<sha>+local changes" when edited since)

    def locators(self) -> list[str]:
        """What lets a reader find the data, most durable first: DOI, URL, repository path and commit."""
        found = []
        if self.doi:
            found.append(f"https://doi.org/{self.doi}" if not self.doi.startswith("http") else self.doi)
        if self.url:
            found.append(self.url)
        if self.path:
            found.append(self.path)
        return found

    def reference(self) -> tuple[str, str]:
        """One line naming the data (Chinese, English): name and release, content hash, DOI/URL, path, commit."""
        name = f"{self.name} {self.release}" if self.release else self.name
        short = _short_hash(self.version)
        zh = [f"内容哈希 {short}", *self.locators()]
        en = [f"content hash {short}", *self.locators()]
        if self.commit:
            zh.append(f"提交 {_short_commit(self.commit)}")
            en.append(f"commit {_short_commit(self.commit)}")
        return f"{name}（{'；'.join(zh)}）", f"{name} ({'; '.join(en)})"

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
        if self.doi:
            fields.append(("doi", bibtex_escape(self.doi)))
        if self.url:
            fields.append(("url", self.url))
        if self.accessed:
            fields.append(("urldate", self.accessed))
        note = "; ".join(part for part in (self.note, f"release {self.release}" if self.release else None,
                                            f"repository path {self.path}" if self.path else None,
                                            f"commit {self.commit}" if self.commit else None,
                                            f"content hash {self.version}",
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
        if self.doi:
            item["DOI"] = self.doi
        if self.accessed:
            y, m, d = (int(x) for x in self.accessed.split("-"))
            item["accessed"] = {"date-parts": [[y, m, d]]}
        notes = [n for n in (self.note, f"release {self.release}" if self.release else None,
                             f"repository path {self.path}" if self.path else None,
                             f"commit {self.commit}" if self.commit else None, f"content hash {self.version}",
                             f"license {self.license}" if self.license else None) if n]
        item["note"] = "; ".join(notes)
        item.update(self.extra)
        return item

    def csl_json_text(self) -> str:
        return json.dumps([self.csl_json()], ensure_ascii=False, indent=2)


# ---------------------------------------------------------------- where a published figure can be found

# A web address that names a page (host and path), not only a site.
_URL_WITH_PATH = re.compile(r"(?<![\w@/-])(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/[^\s,;，；)）]+", re.IGNORECASE)
# A host without a path ("cpspew.com", "e.mzyfz.org.cn"): a site, in which nobody can find the figure.
_BARE_DOMAIN = re.compile(r"(?<![\w@/-])(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?!/)", re.IGNORECASE)
# The project's own reference notes: never a publication (a reader of the data does not have them).
_PROJECT_NOTES = re.compile(r"\(?(?:as cited in )?statistics\.md[^);]*\)?")
# A titled or named official publication, which with a year or issue a reader can look up.
_NAMED_PUBLICATION = re.compile(
    r"《[^》]+》|work report|工作报告|white paper|白皮书|gazette|公报|发展报告|新闻通报会|press conference|主要办案数据",
    re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A report of a given day (outlet and full date), which a reader can look up in the outlet's archive.
_FULL_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}-\d{2}-\d{2}(?!\d)")


def publication_is_findable(source_ref: str | None) -> bool:
    """Whether a figure's source reference names something a reader can find: the address of a page
    (host and path), a named publication (a 《title》, a work report, white paper, gazette, …) with its
    year or issue, or a report of a given date. A bare site ("spp.gov.cn") or the project's own notes
    (statistics.md) alone is not enough."""
    if source_ref is None:
        return False
    text = _PROJECT_NOTES.sub(" ", str(source_ref))
    if _URL_WITH_PATH.search(text):
        return True
    text = _BARE_DOMAIN.sub(" ", text)
    return bool(_FULL_DATE.search(text) or (_NAMED_PUBLICATION.search(text) and _YEAR.search(text)))


def _short_hash(version: str) -> str:
    algorithm, _, digest = version.partition(":")
    return f"{algorithm}:{digest[:12]}" if digest else version


def _short_commit(commit: str) -> str:
    sha, plus, rest = commit.partition("+")
    return sha[:12] + plus + rest


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in str(text))


def dataset_citation(
    name: str, version: str, title: str | None = None, authors: tuple[str, ...] | list[str] = (),
    year: int | None = None, url: str | None = None, license: str | None = None,
    note: str | None = None, accessed: date | str | None = None, publisher: str = "judgstat",
    release: str | None = None, doi: str | None = None, path: str | None = None, commit: str | None = None,
) -> DatasetCitation:
    """Citation record for a dataset; `version` is its content hash (statements.content_hash)."""
    if not version or ":" not in version:
        raise ValueError(f"version must be a content hash like 'sha256:<hex>', got {version!r}")
    day = accessed.isoformat() if isinstance(accessed, date) else accessed
    return DatasetCitation(
        name, title or name, version, tuple(authors), year or date.today().year, publisher,
        url, license, note, day, release=release, doi=doi, path=path, commit=commit,
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
        authors=[a for a in authors if a], url=metadata.get("homepage") or _upstream_url(metadata),
        license=license, note=metadata.get("description"),
        release=str(metadata["version"]) if metadata.get("version") else None, doi=_doi(metadata),
    )
    values.update(overrides)
    return dataset_citation(**values)


def _doi(metadata: dict[str, Any]) -> str | None:
    for key in ("doi", "id"):
        value = str(metadata.get(key) or "")
        match = re.search(r"10\.\d{4,9}/\S+", value)
        if match:
            return match.group(0)
    return None


def _upstream_url(metadata: dict[str, Any]) -> str | None:
    """The first source given as a web address (e.g. the benchmark a derived table comes from)."""
    for source in metadata.get("sources") or []:
        if isinstance(source, dict):
            for key in ("path", "url"):
                value = str(source.get(key) or "")
                if value.startswith(("https://", "http://")):
                    return value
    return None


def git_commit(path: str | Path) -> tuple[str | None, str | None]:
    """(commit, path in the repository) of the last commit that changed `path`, or (None, None) outside git.

    The commit gets "+local changes" when files under `path` differ from it.
    """
    folder = Path(path)
    folder = folder if folder.is_dir() else folder.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if not top:
        return None, None
    try:
        relative = folder.resolve().relative_to(Path(top).resolve()).as_posix() or "."
    except ValueError:
        return None, None
    commit = git("log", "-1", "--format=%H", "--", ".")
    if not commit:  # never committed: a path without a commit cannot be followed
        return None, relative
    if git("status", "--porcelain", "--", "."):
        commit += "+local changes"
    return commit, relative


def package_citation(package: str | Path, version: str, **overrides: Any) -> DatasetCitation:
    """Citation for a data package (an embedded package name or a directory holding datapackage.json):
    its descriptor's name, title, release, licence, URL or DOI, plus its repository path and commit."""
    from toolkit.datasets import package_dir

    folder = package_dir(package)
    commit, relative = git_commit(folder)
    values: dict[str, Any] = {"commit": commit, "path": relative or str(folder)}
    values.update(overrides)
    return citation_from_metadata(folder / "datapackage.json", version, **values)
