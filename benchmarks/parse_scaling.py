"""How well the parser itself scales to two processes on this machine (the ceiling of `--jobs 2`).

    .venv/bin/python benchmarks/parse_scaling.py [--documents 3000]

Parses the same documents (the JuDGE judgments in ../shared/data/judge, cycled; without them the repository's
fixtures) once in this process, then in two forked processes at the same time, and prints the per-process
slowdown (1.0: perfect scaling; 2.0: no gain from the second core). No input is read or written while timing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dataset_scale import default_source  # noqa: E402  (same corpus as the dataset benchmark)

_DOCUMENTS: list[tuple[str, str]] = []


def parse_all(_: int = 0) -> tuple[float, float]:
    """(wall, CPU) seconds to parse every document."""
    from toolkit.parser import parse_document

    wall, cpu = time.perf_counter(), time.process_time()
    for doc_id, text in _DOCUMENTS:
        parse_document(doc_id, text)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=3000)
    args = parser.parse_args(argv)
    source = default_source()
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    _DOCUMENTS.extend((f"{rows[i % len(rows)]['id']}#{i}", rows[i % len(rows)]["text"]) for i in range(args.documents))
    from toolkit.parser import parse_document  # imported and warmed before forking, as for `--jobs 2`

    for doc_id, text in _DOCUMENTS[:len(rows)]:
        parse_document(doc_id, text)
    alone = parse_all()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        together = pool.map(parse_all, [0, 1])
    print(f"source: {source}; {args.documents} documents")
    print(f"one process: {alone[0]:.2f} s wall, {alone[1]:.2f} s CPU; two at once: "
          + ", ".join(f"{wall:.2f} s wall / {cpu:.2f} s CPU" for wall, cpu in together))
    print(f"per-process slowdown with two at once: {max(w for w, _ in together) / alone[0]:.2f} wall, "
          f"{max(c for _, c in together) / alone[1]:.2f} CPU (1.0 = perfect scaling; wall is only meaningful "
          f"when nothing else runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
