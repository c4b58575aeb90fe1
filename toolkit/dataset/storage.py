"""Where `judgstat dataset` reads and writes: local paths, or fsspec URLs (file://, s3://, gs://, memory://...).

A plain path is used as it is. A URL (anything with "scheme://") goes through fsspec, so that the
workers of a Dask cluster on other machines write their parts where the scheduler's client reads them:
- inputs given as URLs are copied into a local staging folder first (the loaders read local files; the
  copy is made by the process that reads the inputs), and every path they name in the package
  (source_ref, the errors table, the provenance) is written back as the URL;
- the checkpointed parts (DIR/.partial) are uploaded by the worker that made them: written locally, put
  under a temporary name and moved into place, so a part is whole or absent, as with local files;
- the package is built in a local staging folder and uploaded file by file at the end, datapackage.json
  last, so DIR holds a package only when it is complete.
s3:// needs s3fs (gs:// gcsfs, ...) on the client and on every worker; they are not judgstat dependencies.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and "://" in location


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for a URL; a clear error when its protocol is not installed."""
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise RuntimeError(f"{url}: {exc}") from None


def join(location: str, name: str) -> str:
    return location.rstrip("/") + "/" + name


class PartStore:
    """The folder of checkpointed parts: local, or an fsspec URL every worker can reach."""

    def __init__(self, location: str | Path) -> None:
        self.location = str(location)
        self.remote = is_url(location)
        if self.remote:
            self.fs, self.root = filesystem(self.location)
        else:
            self.root = self.location

    def _path(self, name: str) -> str:
        return join(self.root, name) if self.remote else os.path.join(self.root, name)

    def exists(self, name: str = "") -> bool:
        path = self._path(name) if name else self.root
        return self.fs.exists(path) if self.remote else os.path.exists(path)

    def makedirs(self) -> None:
        if self.remote:
            self.fs.makedirs(self.root, exist_ok=True)
        else:
            os.makedirs(self.root, exist_ok=True)

    def clear(self) -> None:
        if self.remote:
            if self.fs.exists(self.root):
                self.fs.rm(self.root, recursive=True)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def read_text(self, name: str) -> str:
        if self.remote:
            with self.fs.open(self._path(name), "r", encoding="utf-8") as handle:
                return handle.read()
        return Path(self._path(name)).read_text(encoding="utf-8")

    def write_text(self, name: str, text: str) -> None:
        with self.writing(name) as local:
            local.write_text(text, encoding="utf-8")

    @contextmanager
    def writing(self, name: str) -> Iterator[Path]:
        """A local path to write part `name` to; it is published (renamed or uploaded) on leaving the block.

        Locally the caller's writer may itself write to a temporary name (TableWriter does); remotely the
        file is put under a temporary name and moved, so readers never see half a part.
        """
        if not self.remote:
            yield Path(self._path(name))
            return
        folder = Path(tempfile.mkdtemp(prefix="judgstat-part-"))
        try:
            local = folder / name
            yield local
            if local.exists():
                final = self._path(name)
                partial = f"{final}.{uuid.uuid4().hex}.tmp"
                self.fs.put_file(str(local), partial)
                self.fs.mv(partial, final)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def reading(self, name: str) -> Iterator[Path | None]:
        """A local copy of part `name` for the block (None when there is no such part)."""
        if not self.remote:
            path = Path(self._path(name))
            yield path if path.exists() else None
            return
        if not self.fs.exists(self._path(name)):
            yield None
            return
        folder = Path(tempfile.mkdtemp(prefix="judgstat-part-"))
        try:
            local = folder / name
            self.fs.get_file(self._path(name), str(local))
            yield local
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def stage_input(url: str, staging: Path, number: int) -> Path:
    """Copy an input URL (file or folder) into `staging`/<number>/<its name>; returns the local path."""
    fs, path = filesystem(url)
    if not fs.exists(path):
        raise FileNotFoundError(url)
    target = staging / f"{number:04d}" / (path.rstrip("/").rsplit("/", 1)[-1] or "input")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fs.isdir(path):
        for remote in sorted(fs.find(path)):
            relative = remote[len(path.rstrip("/")) + 1:]
            local = target / relative
            local.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(remote, str(local))
    else:
        fs.get_file(path, str(target))
    return target


def upload_package(local: Path, url: str) -> None:
    """Every file of a package built in `local` to the folder `url`, datapackage.json last."""
    fs, root = filesystem(url)
    fs.makedirs(root, exist_ok=True)
    files = sorted(p for p in local.rglob("*") if p.is_file() and not p.relative_to(local).parts[0].startswith("."))
    files.sort(key=lambda p: p.name == "datapackage.json")
    for file in files:
        final = join(root, file.relative_to(local).as_posix())
        fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        partial = f"{final}.{uuid.uuid4().hex}.tmp"
        fs.put_file(str(file), partial)
        fs.mv(partial, final)
