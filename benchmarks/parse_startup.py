"""Start-up time of `judgstat parse`, against a bare interpreter measured in the same run.

    .venv/bin/python benchmarks/parse_startup.py            # 9 rounds
    .venv/bin/python benchmarks/parse_startup.py --rounds 21

Each round runs, in a fresh process each and in turn (so machine load affects all alike):
`python -c pass`, `python -c 'import toolkit.parse_cli'`, `judgstat parse --help`, and
`python -c 'import toolkit.parser'` (everything a parse needs before its first document), plus
`python -c 'import pandas'` for scale. It prints the median wall time of each in seconds and its ratio
to the bare interpreter. Target: `judgstat parse --help` under 0.2 s; pandas and pyarrow are imported
only when a table is written (toolkit.lazy), so none of the lines above imports them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
JUDGSTAT = Path(PYTHON).parent / "judgstat"  # the installed entry point (else python -m toolkit.cli)
COMMANDS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import toolkit.parse_cli": [PYTHON, "-c", "import toolkit.parse_cli"],
    "judgstat parse --help": [str(JUDGSTAT) if JUDGSTAT.is_file() else PYTHON, *([] if JUDGSTAT.is_file() else ["-m", "toolkit.cli"]),
                              "parse", "--help"],
    "import toolkit.parser": [PYTHON, "-c", "import toolkit.parser"],
    "import pandas (for scale)": [PYTHON, "-c", "import pandas"],
}
TARGET_SECONDS = 0.2


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        wall_time(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.rounds):
        for name, command in COMMANDS.items():
            times[name].append(wall_time(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    bare = medians["python -c pass"]
    print(f"median of {args.rounds} rounds ({PYTHON})")
    print(f"{'command':<28} {'seconds':>8} {'x bare':>7}")
    for name, seconds in medians.items():
        print(f"{name:<28} {seconds:8.3f} {seconds / bare:7.2f}")
    help_time = medians["judgstat parse --help"]
    verdict = "meets" if help_time < TARGET_SECONDS else "MISSES"
    print(f"judgstat parse --help: {help_time:.3f} s, {verdict} the {TARGET_SECONDS} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
