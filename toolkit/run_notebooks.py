"""Execute the project's notebooks with papermill (used by `make reproduce` and by the tests)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Any

from toolkit.paths import NO_SHARED_DATA, REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(
    path: Path,
    output_dir: Path,
    figures: Path,
    parameters: dict[str, Any] | None = None,
    timeout: int = 1200,
    shared_data: bool = True,
) -> Path:
    """Execute one notebook (cwd = notebooks/), writing the executed copy to output_dir.

    With shared_data=False the kernel acts as a clone without ../shared: only the repository's own data are read."""
    import papermill

    output_dir.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    out = output_dir / path.name
    settings = {"JUDGSTAT_FIGURES_DIR": str(figures.resolve()), **({} if shared_data else {NO_SHARED_DATA: "1"})}
    previous = {name: os.environ.get(name) for name in settings}
    for name, value in settings.items():
        _set_environment(name, value)
    try:
        with _kernel_stderr_to(output_dir / f"{path.stem}.kernel.log"):
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
        for name, value in previous.items():
            _set_environment(name, value)
    return out


def _set_environment(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@contextlib.contextmanager
def _kernel_stderr_to(log_path: Path):
    """Send what the kernel process writes to stderr (its start-up notices about the TCP transport, the
    KeyboardInterrupt it logs when shut down) to a log beside the executed copy instead of the user's terminal.

    The kernel is a child process that inherits file descriptor 2, so the descriptor itself is redirected.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _figure_states(folder: Path) -> dict[Path, tuple[int, str]]:
    """Every PNG under `folder` with its modification time and content hash."""
    if not folder.is_dir():
        return {}
    return {p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(folder.rglob("*.png"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figures", type=Path, default=REPO_ROOT / "figures")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT / "build" / "notebooks")
    parser.add_argument("--with-shared", action="store_true",
                        help="let notebooks read ../shared/data where present (default: the repository's own data "
                             "only, so that figures/ is what a fresh clone draws)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN_*.ipynb")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths()
    if not paths:
        print("no notebooks found in notebooks/", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        before = _figure_states(args.figures)
        started = time.perf_counter()
        try:
            run_notebook(path, args.output_dir, args.figures, shared_data=args.with_shared)
        except Exception as exc:  # papermill's execution error names the cell; the executed copy shows it
            failed += 1
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            print(f"{path.name}: FAILED ({reason}); see {args.output_dir / path.name} and "
                  f"{args.output_dir / (path.stem + '.kernel.log')}", flush=True)
            continue
        after = _figure_states(args.figures)
        written = [p for p, state in after.items() if before.get(p) != state]
        changed = [p for p in written if p not in before or before[p][1] != after[p][1]]
        listed = ", ".join(p.relative_to(args.figures).as_posix() for p in written) or "none"
        print(f"{path.name}: ok in {time.perf_counter() - started:.0f} s; figures written: {listed}"
              + (f" ({len(changed)} with new content)" if written else ""), flush=True)
    print(f"{len(paths) - failed} of {len(paths)} notebooks ran; figures in {args.figures}; executed copies in {args.output_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
