"""Parser throughput and memory: the judge set replicated to N documents, streamed line by line.

    .venv/bin/python benchmarks/parse_speed.py                 # sizes 10000 and 50000
    .venv/bin/python benchmarks/parse_speed.py --sizes 50000 100000 --tracemalloc

For each size the replicated JSONL is written to a temporary file (not timed); a fresh Python
process then streams it through toolkit.parser.parse_jsonl on one core and reports documents per
second and its peak resident memory (resource.getrusage; with --tracemalloc also the peak of the
Python heap, which slows parsing).  Memory should not grow with the number of documents.
Without ../shared/data the repository's synthetic fixtures are replicated instead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FALLBACK = REPO / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"


def default_source() -> Path:
    sys.path.insert(0, str(REPO))
    from toolkit.paths import shared_data_dir

    shared = shared_data_dir()
    if shared is not None and (shared / "judge" / "judgments.jsonl").is_file():
        return shared / "judge" / "judgments.jsonl"
    return FALLBACK


def replicate(source: Path, size: int, target: Path) -> int:
    """Write `size` documents cycling through `source`, each with a unique id; returns total characters."""
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    chars = 0
    with target.open("w", encoding="utf-8") as handle:
        for index in range(size):
            row = lines[index % len(lines)]
            handle.write(json.dumps({"id": f"{row['id']}#{index}", "text": row["text"]}, ensure_ascii=False) + "\n")
            chars += len(row["text"])
    return chars


def worker(path: Path, use_tracemalloc: bool) -> dict:
    """Runs in its own process so that ru_maxrss is this measurement's peak alone."""
    from toolkit.parser import parse_jsonl

    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    documents = records = 0
    started = time.perf_counter()
    last = None
    for record in parse_jsonl(path):
        records += 1
        if record["doc_id"] != last:
            documents += 1
            last = record["doc_id"]
    seconds = time.perf_counter() - started
    result = {
        "documents": documents,
        "records": records,
        "seconds": seconds,
        "docs_per_second": documents / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if use_tracemalloc:
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="JSONL with id/text (default: ../shared/data/judge/judgments.jsonl)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--tracemalloc", action="store_true", help="also report the Python heap peak (slower)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.tracemalloc)))
        return 0

    source = args.source or default_source()
    print(f"source: {source}")
    print(f"python: {sys.version.split()[0]}, one process per size, one core (no multiprocessing)")
    print(f"{'documents':>10} {'records':>9} {'seconds':>8} {'docs/s':>9} {'peak RSS MB':>12}" + ("  heap peak MB" if args.tracemalloc else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"replicated_{size}.jsonl"
            chars = replicate(source, size, path)
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(path)]
            if args.tracemalloc:
                command.append("--tracemalloc")
            env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
            output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
            result = json.loads(output.strip().splitlines()[-1])
            line = (
                f"{result['documents']:>10} {result['records']:>9} {result['seconds']:>8.2f} "
                f"{result['docs_per_second']:>9.0f} {result['peak_rss_mb']:>12.1f}"
            )
            if args.tracemalloc:
                line += f"  {result['tracemalloc_peak_mb']:>12.1f}"
            print(line + f"   (input {path.stat().st_size / 2**20:.0f} MB, {chars / size:.0f} chars/doc)")
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
