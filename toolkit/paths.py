"""Where the project's files are: repository root, embedded datasets, figures, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DATASETS_DIR = REPO_ROOT / "datasets"


def figures_dir() -> Path:
    """Directory figures are written to; JUDGSTAT_FIGURES_DIR overrides (tests use a temp dir)."""
    path = Path(os.environ.get("JUDGSTAT_FIGURES_DIR", REPO_ROOT / "figures"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared_data_dir() -> Path | None:
    """The read-only ../shared/data corpora, or None in a user's clone that has none."""
    override = os.environ.get("JUDGSTAT_SHARED_DATA")
    path = Path(override) if override else REPO_ROOT.parent / "shared" / "data"
    return path if path.is_dir() else None
