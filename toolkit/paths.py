"""Where the project's files are: repository root, embedded datasets, figures, ../shared."""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DATASETS_DIR = REPO_ROOT / "datasets"


def figures_dir() -> Path:
    """Directory figures are written to; JUDGSTAT_FIGURES_DIR overrides (tests use a temp dir)."""
    path = Path(os.environ.get("JUDGSTAT_FIGURES_DIR", REPO_ROOT / "figures"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_figures_dir(data_name: str, folder: str | Path | None = None) -> Path:
    """Where figures computed from a user's package or corpus go: `folder`, else figures/<data_name>/.

    Never the committed figures folder itself: those are written only from the embedded data.
    """
    if folder is not None:
        path = Path(folder)
    else:
        safe = re.sub(r"[^\w.-]+", "_", str(data_name)).strip("._") or "user-data"
        path = figures_dir() / safe
    if path.resolve() in {figures_dir().resolve(), (REPO_ROOT / "figures").resolve()}:
        raise ValueError(f"{path}: figures from a user's data may not be written over the committed figures; "
                         "name another folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


NO_SHARED_DATA = "JUDGSTAT_NO_SHARED_DATA"  # set to 1: act as a clone without ../shared (make reproduce)


def shared_data_dir() -> Path | None:
    """The read-only ../shared/data corpora, or None in a user's clone that has none (or with NO_SHARED_DATA=1)."""
    if os.environ.get(NO_SHARED_DATA) == "1":
        return None
    override = os.environ.get("JUDGSTAT_SHARED_DATA")
    path = Path(override) if override else REPO_ROOT.parent / "shared" / "data"
    return path if path.is_dir() else None
