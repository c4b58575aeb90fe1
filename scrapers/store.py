"""Raw store: every accepted response body on disk, keyed by a hash of its request, plus a JSONL manifest.

Layout of an output folder:
    manifest.jsonl              one JSON object per stored response (see ManifestEntry fields below)
    raw/<k[:2]>/<k>.<ext>       the body exactly as received; k = request key (SHA-256 hex)
    rejected/                   block/captcha/login pages kept for diagnosis (never in the manifest)

Write order makes interruption harmless: the body goes to a temporary file, is fsynced and renamed
into place, and only then is its manifest line appended (and fsynced). A run killed at any point
leaves either no trace of a response or a complete body with or without its manifest line; a body
without a manifest line is deleted when the store is next opened (and fetched again when needed).
A torn last manifest line (killed mid-write) is cut off when the store is opened.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

MANIFEST_NAME = "manifest.jsonl"
RAW_DIR = "raw"
# A JSON request body travels as the single data pair (JSON_BODY_FIELD, text): part of the request key
# like any form field, and readable in the manifest.
JSON_BODY_FIELD = "__json_body__"
REJECTED_DIR = "rejected"
STORE_FORMAT_VERSION = 1


class StoreError(ValueError):
    """The manifest cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Request:
    """What identifies a request. Headers (and so cookies) are deliberately not part of it."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    data: tuple[tuple[str, str], ...] = ()

    @classmethod
    def get(cls, url: str, params: dict[str, Any] | None = None) -> "Request":
        return cls("GET", url, _pairs(params))

    @classmethod
    def post(cls, url: str, data: dict[str, Any] | None = None, params: dict[str, Any] | None = None) -> "Request":
        return cls("POST", url, _pairs(params), _pairs(data))

    @classmethod
    def post_json(cls, url: str, payload: dict[str, Any]) -> "Request":
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return cls("POST", url, (), ((JSON_BODY_FIELD, text),))

    @property
    def json_body(self) -> str | None:
        if len(self.data) == 1 and self.data[0][0] == JSON_BODY_FIELD:
            return self.data[0][1]
        return None

    @property
    def key(self) -> str:
        canonical = json.dumps(
            [self.method.upper(), self.url, sorted(self.params), sorted(self.data)],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _pairs(values: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (values or {}).items())


@dataclass
class StoredResponse:
    key: str
    body: bytes
    entry: dict[str, Any]


_EXTENSIONS = {"application/json": "json", "text/html": "html", "text/plain": "txt", "application/pdf": "pdf"}


def extension_for(content_type: str) -> str:
    mime = content_type.split(";")[0].strip().lower()
    return _EXTENSIONS.get(mime, "bin")


@dataclass
class RawStore:
    root: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, root: str | Path) -> "RawStore":
        root = Path(root)
        (root / RAW_DIR).mkdir(parents=True, exist_ok=True)
        store = cls(root)
        store._remove_temporaries()
        store._read_manifest()
        store._remove_orphans()
        return store

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    def _remove_temporaries(self) -> None:
        for tmp in (self.root / RAW_DIR).rglob("*.tmp"):
            tmp.unlink(missing_ok=True)

    def _remove_orphans(self) -> None:
        """Bodies renamed into place by a run killed before their manifest line: fetched again when needed."""
        referenced = {entry["path"] for entry in self.entries.values()}
        for body in (self.root / RAW_DIR).rglob("*"):
            if body.is_file() and body.relative_to(self.root).as_posix() not in referenced:
                body.unlink()

    def _read_manifest(self) -> None:
        path = self.manifest_path
        if not path.exists():
            return
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            # Killed while appending: drop the torn line so the manifest stays one object per line.
            cut = data.rfind(b"\n") + 1
            with path.open("r+b") as handle:
                handle.truncate(cut)
            data = data[:cut]
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise StoreError(f"{path}:{number}: manifest line is not JSON ({exc.msg}); fix or remove it") from None
            if self._body_intact(entry):
                self.entries[entry["key"]] = entry

    def _body_intact(self, entry: dict[str, Any]) -> bool:
        body_path = self.root / entry["path"]
        if not body_path.is_file():
            return False
        return hashlib.sha256(body_path.read_bytes()).hexdigest() == entry["sha256"]

    def has(self, key: str) -> bool:
        return key in self.entries

    def read(self, key: str) -> StoredResponse:
        entry = self.entries[key]
        return StoredResponse(key, (self.root / entry["path"]).read_bytes(), entry)

    def put(
        self,
        request: Request,
        *,
        status: int,
        content_type: str,
        body: bytes,
        source: str,
        kind: str,
        doc_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        key = request.key
        relative = Path(RAW_DIR) / key[:2] / f"{key}.{extension_for(content_type)}"
        _write_atomic(self.root / relative, body)
        entry = {
            "key": key,
            "source": source,
            "kind": kind,
            "doc_id": doc_id,
            "method": request.method,
            "url": request.url,
            "params": dict(request.params),
            "data": dict(request.data),
            "status": status,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(body).hexdigest(),
            "content_type": content_type,
            "path": relative.as_posix(),
            "store_version": STORE_FORMAT_VERSION,
        }
        if extra:
            entry["extra"] = extra
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self.manifest_path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self.entries[key] = entry
        return entry

    def reject(self, name: str, body: bytes) -> Path:
        """Keep a refused page (captcha, login, block) for the user to look at; not part of the store."""
        folder = self.root / REJECTED_DIR
        folder.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"{stamp}-{name}.html"
        _write_atomic(path, body)
        return path

    def documents(self) -> Iterator[dict[str, Any]]:
        return (e for e in self.entries.values() if e["kind"] == "document")


def _write_atomic(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
