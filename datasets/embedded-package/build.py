"""Rebuild the embedded data package with `judgstat dataset`, from the per-defendant tables the repository
ships (derived facts only, no judgment texts):

    .venv/bin/python datasets/embedded-package/build.py

Inputs are given relative to the repository root so the provenance does not depend on where the clone
lives; tests/test_dataset.py rebuilds the package and fails if any committed file differs.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ["datasets/published-pi-cases/cases.csv", "datasets/judge-sample/defendants.csv"]
NAME = "embedded-package"


def build(out: Path) -> int:
    from toolkit.cli import main

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        return main(["dataset", *INPUTS, "-o", str(out), "--name", NAME, "--jobs", "1", "--no-progress"])
    finally:
        os.chdir(here)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    target = ROOT / "datasets" / NAME
    staging = ROOT / "datasets" / f".{NAME}.build"
    shutil.rmtree(staging, ignore_errors=True)
    code = build(staging)
    if code == 0:
        (staging / "README.md").write_text((target / "README.md").read_text(encoding="utf-8"), encoding="utf-8") if (target / "README.md").exists() else None
        for item in staging.iterdir():
            destination = target / item.relative_to(staging)
            if item.is_dir():
                shutil.rmtree(destination, ignore_errors=True)
                shutil.copytree(item, destination)
            else:
                shutil.copy2(item, destination)
        shutil.rmtree(staging)
    sys.exit(code)
