"""Parser throughput and memory: the judge set replicated to N documents, streamed line by line.

    .venv/bin/python benchmarks/parse_speed.py                 # sizes 10000 and 50000
    .venv/bin/python benchmarks/parse_speed.py --sizes 50000 100000 --tracemalloc

For each size the replicated JSONL is written to a temporary file (not timed); a fresh Python
process then streams it through toolkit.parser.parse_jsonl on one core and reports documents per
second and its peak resident memory (resource.getrusage; with --tracemalloc also the peak of the
Python heap, which slows parsing).  Memory should not grow with the number of documents.

The same process also times a floor: the same file read line by line, each line decoded with
json.loads and six simple compiled regexes (term, fine, probation, charge, case number, court; FLOOR)
searched in its text.  The floor runs before and after the parser and its rate is the mean of the
two, so that a change in the machine's load during the run shows as a gap between them; the ratio
floor rate / parser rate is the number to compare across machines (target: at most 2).  Rates are
given by wall-clock time and by this process's CPU time (time.process_time), which other jobs on a
shared machine disturb less.
Without ../shared/data the repository's synthetic fixtures are replicated instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FALLBACK = REPO / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"

# Six simple regexes, one per field, each led by a literal or a small class (what a careful
# one-pattern-per-field extractor would write); the first match of each is taken.
FLOOR = {
    "term": r"(?:有期徒刑|拘役|管制)[零一二两三四五六七八九十0-9]{1,4}(?:年|个月)",
    "fine": r"罚金(?:人民币)?[0-9零一二两三四五六七八九十百千万,，.]{1,12}元",
    "probation": r"缓刑[零一二两三四五六七八九十0-9]{1,4}(?:年|个月)",
    "charge": r"犯([\u4e00-\u9fff、]{2,20}?)罪",
    "case_number": r"[（(][0-9]{4}[）)][^号\n]{2,20}?号",
    "court": r"(?m)^\s*([^\s，。]{2,20}?人民法院)",
}


def floor_pass(path: Path) -> tuple[int, float, float]:
    """(documents, seconds, CPU seconds) of the floor over the file: json.loads per line, then the six searches."""
    patterns = [re.compile(p) for p in FLOOR.values()]
    documents = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            text = json.loads(line)["text"]
            for pattern in patterns:
                pattern.search(text)
            documents += 1
    return documents, time.perf_counter() - started, time.process_time() - cpu_started


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
    floor_documents, floor_before, floor_cpu_before = floor_pass(path)
    documents = records = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    last = None
    for record in parse_jsonl(path):
        records += 1
        if record["doc_id"] != last:
            documents += 1
            last = record["doc_id"]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    _, floor_after, floor_cpu_after = floor_pass(path)
    floor_rate = 2 * floor_documents / (floor_before + floor_after)
    floor_cpu_rate = 2 * floor_documents / (floor_cpu_before + floor_cpu_after)
    result = {
        "floor_docs_per_second": floor_rate,
        "floor_before_docs_per_second": floor_documents / floor_before,
        "floor_after_docs_per_second": floor_documents / floor_after,
        "floor_ratio": floor_rate / (documents / seconds),
        # CPU time of this process only: less sensitive to other jobs on a shared machine
        "cpu_docs_per_second": documents / cpu_seconds,
        "floor_cpu_docs_per_second": floor_cpu_rate,
        "floor_cpu_ratio": floor_cpu_rate / (documents / cpu_seconds),
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
    print(
        f"{'documents':>10} {'records':>9} {'seconds':>8} {'docs/s':>9} {'floor docs/s':>13} {'ratio':>6} "
        f"{'CPU docs/s':>11} {'CPU floor':>10} {'CPU ratio':>9} {'peak RSS MB':>12}"
        + ("  heap peak MB" if args.tracemalloc else "")
    )
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
                f"{result['docs_per_second']:>9.0f} {result['floor_docs_per_second']:>13.0f} {result['floor_ratio']:>6.2f} "
                f"{result['cpu_docs_per_second']:>11.0f} {result['floor_cpu_docs_per_second']:>10.0f} {result['floor_cpu_ratio']:>9.2f} "
                f"{result['peak_rss_mb']:>12.1f}"
            )
            if args.tracemalloc:
                line += f"  {result['tracemalloc_peak_mb']:>12.1f}"
            print(
                line + f"   (input {path.stat().st_size / 2**20:.0f} MB, {chars / size:.0f} chars/doc; floor before/after "
                f"{result['floor_before_docs_per_second']:.0f}/{result['floor_after_docs_per_second']:.0f} docs/s)"
            )
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
