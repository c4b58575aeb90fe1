"""Machine instructions per document of the parser at two git revisions, counted by valgrind (callgrind).

    .venv/bin/python benchmarks/parse_instructions.py --base 173a954 [--passes 2] [--source FILE.jsonl]

A count of instructions does not depend on the load of a shared machine, which moves parse_ab.py's timings by a few
per cent from run to run: it shows a change of 1 % that timings cannot. It is not a time, though: an instruction of a
str.find scan costs less than one of the bytecode loop, so a change that trades Python calls for scans gains more time
than instructions (and the reverse).

Each side runs parse_ab.py's worker under `valgrind --tool=callgrind` twice, parsing the documents once (warm-up)
and then 1 or 1 + `--passes` more times, with PYTHONHASHSEED=0 so that both counts take the same paths; the
difference, divided by passes x documents, is the count per document, without the imports and the warm-up. Each run takes about
50 times as long as the parse itself (some 40 s on the judge set). Needs valgrind (apt-get install valgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def instructions(root: Path, source: Path, passes: int) -> int:
    """Instructions of one worker process (imports, warm-up and `passes` passes over the documents)."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
               str(REPO / "benchmarks" / "parse_ab.py"), "--worker", str(root), "--passes", str(passes),
               "--source", str(source)]
    run = subprocess.run(command, capture_output=True, text=True, check=False,
                         env={**os.environ, "PYTHONHASHSEED": "0"})
    found = _COLLECTED.search(run.stderr)
    if run.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind on {root}: {run.stderr.strip().splitlines()[-1:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git revision to compare the working tree with")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--source", type=Path, help="JSONL with id/text (default: ../shared/data/judge/judgments.jsonl)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("parse_instructions.py needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(REPO / "benchmarks"))
    from parse_speed import default_source

    source = (args.source or default_source()).resolve()
    documents = sum(1 for line in source.read_text(encoding="utf-8").splitlines() if line.strip())
    from revisions import unpacked_toolkit_or_exit

    with unpacked_toolkit_or_exit(args.base, "parse-instructions-") as tmp:
        per_document = {}
        for label, root in ((f"base ({args.base})", Path(tmp)), ("working tree", REPO)):
            extra = instructions(root, source, 1 + args.passes) - instructions(root, source, 1)
            per_document[label] = extra / (args.passes * documents)
    print(f"source: {source}; {documents} documents x {args.passes} passes (callgrind, PYTHONHASHSEED=0)")
    for label, count in per_document.items():
        print(f"{label:24s} {count:12,.0f} instructions per document")
    base, work = per_document.values()
    print(f"base / working tree: {base / work:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
