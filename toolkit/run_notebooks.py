"""Execute the project's notebooks with papermill (used by `make reproduce` and by the tests)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from toolkit.paths import REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(
    path: Path,
    output_dir: Path,
    figures: Path,
    parameters: dict[str, Any] | None = None,
    timeout: int = 1200,
) -> Path:
    """Execute one notebook (cwd = notebooks/), writing the executed copy to output_dir."""
    import papermill

    output_dir.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    out = output_dir / path.name
    previous = os.environ.get("JUDGSTAT_FIGURES_DIR")
    os.environ["JUDGSTAT_FIGURES_DIR"] = str(figures.resolve())
    try:
        papermill.execute_notebook(
            str(path),
            str(out),
            parameters=parameters or {},
            cwd=str(path.parent),
            kernel_name="python3",
            execution_timeout=timeout,
            progress_bar=False,
        )
    finally:
        if previous is None:
            os.environ.pop("JUDGSTAT_FIGURES_DIR", None)
        else:
            os.environ["JUDGSTAT_FIGURES_DIR"] = previous
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figures", type=Path, default=REPO_ROOT / "figures")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT / "build" / "notebooks")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN_*.ipynb")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths()
    if not paths:
        print("no notebooks found in notebooks/", file=sys.stderr)
        return 1
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        out = run_notebook(path, args.output_dir, args.figures)
        print(f"  executed copy: {out}")
    print(f"figures in {args.figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
