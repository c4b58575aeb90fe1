"""The toolkit at another git revision, unpacked for a benchmark to import (parse_ab.py, parse_instructions.py)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from contextlib import AbstractContextManager, contextmanager
from io import BytesIO
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]


class RevisionError(Exception):
    """`git archive` could not give the revision (unknown name, not a git checkout)."""


def unpacked_toolkit(revision: str, prefix: str) -> AbstractContextManager[Path]:
    """A context giving a temporary directory that holds `toolkit/` as it is at `revision` (`git archive`; the
    checkout is not touched). Raises RevisionError at once, before the context is entered, for a bad revision."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision, "toolkit"],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        raise RevisionError(f"git archive {revision}: {archive.stderr.decode(errors='replace').strip()}")
    return _unpacked(archive.stdout, prefix)


def unpacked_toolkit_or_exit(revision: str, prefix: str) -> AbstractContextManager[Path]:
    """unpacked_toolkit(), or the git error on one line and exit status 1 (for a benchmark's command line)."""
    try:
        return unpacked_toolkit(revision, prefix)
    except RevisionError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None


@contextmanager
def _unpacked(tar_bytes: bytes, prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        with tarfile.open(fileobj=BytesIO(tar_bytes)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)
