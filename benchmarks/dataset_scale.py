"""`judgstat dataset` end to end at growing corpus sizes: wall time, documents/s, peak memory.

    .venv/bin/python benchmarks/dataset_scale.py                          # 10000 and 100000 documents
    .venv/bin/python benchmarks/dataset_scale.py --sizes 10000 100000 1000000
    .venv/bin/python benchmarks/dataset_scale.py --sizes 10000 --configs jobs1 jobs2
    .venv/bin/python benchmarks/dataset_scale.py --rounds 3              # each configuration 3 times, alternating

The corpus is the JuDGE judgments in ../shared/data/judge (real full texts; without them the repository's
synthetic fixtures) replicated to N documents, each with a unique id, written once per size (not timed).
A copy's case-number serial is replaced by its index, so that no copy is a duplicate of another and every
document is parsed, stored and counted (the run checks this: the package must hold N documents). Every configuration runs `judgstat dataset CORPUS -o DIR --no-progress` in a fresh process:

    jobs1   --jobs 1                       (one parse process)
    jobs2   --jobs 2                       (two parse processes)
    dask2   --engine dask --jobs 2         (a LocalCluster of 2 single-threaded worker processes)

Peak memory is sampled every 0.1 s with psutil over the whole process tree (the command, its parse
processes, dask's scheduler and workers): "peak tree RSS" is the largest sum seen, "peak process RSS" the
largest single process.  The run also checks that every configuration wrote byte-identical count tables
and prints, measured in this run: the speed-up of jobs2 over jobs1 (target >= 1.7 on 2 cores), and the
peak tree RSS at the largest size over the smallest (flat memory: close to 1; target: every peak < 1 GB).
With --rounds R every configuration runs R times, the configurations alternating; a configuration's time
is its fastest round (on a shared virtual machine the same run varies by 10-20%, and load from elsewhere
only ever slows it), its memory the highest peak of any round, and every round's time is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
FALLBACK = REPO / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"
CONFIGS = {
    "jobs1": ["--jobs", "1"],
    "jobs2": ["--jobs", "2"],
    "dask2": ["--engine", "dask", "--jobs", "2"],
}
RSS_TARGET_MB = 1024
SPEEDUP_TARGET = 1.7


def default_source() -> Path:
    sys.path.insert(0, str(REPO))
    from toolkit.paths import shared_data_dir

    shared = shared_data_dir()
    if shared is not None and (shared / "judge" / "judgments.jsonl").is_file():
        return shared / "judge" / "judgments.jsonl"
    return FALLBACK


# Every case number's serial (（2017）沪0120刑初684号): followed by the copy's index at a fixed width, so that no
# copy is a duplicate of another (`judgstat dataset` keeps one document per case number, else per text) and every
# copy is parsed and counted; the fixed width keeps distinct numbers distinct.
CASE_SERIAL = re.compile(r"([（(]\d{4}[)）][^，。\s（）()]{0,20}?)(\d{1,6})(号)")


def replicate(source: Path, size: int, target: Path) -> None:
    """`size` documents cycling through `source`, each a distinct document: a unique id (id#index) and case number
    (the serial replaced by the index; a text without one gets a line naming the copy)."""
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    with target.open("w", encoding="utf-8") as handle:
        for index in range(size):
            row = lines[index % len(lines)]
            text, found = CASE_SERIAL.subn(rf"\g<1>\g<2>{index:07d}\g<3>", row["text"])
            if not found:
                text += f"\n（基准测试副本{index + 1}）"
            handle.write(json.dumps({"id": f"{row['id']}#{index}", "text": text}, ensure_ascii=False) + "\n")


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """(sum, max) resident bytes over a process and all its descendants."""
    total = largest = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for member in members:
        try:
            rss = member.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        largest = max(largest, rss)
    return total, largest


def run_config(corpus: Path, out_dir: Path, options: list[str]) -> dict:
    judgstat = Path(sys.executable).with_name("judgstat")
    command = [str(judgstat), "dataset", str(corpus), "-o", str(out_dir), "--no-progress", *options]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(child.pid)
    peak_tree = peak_process = 0
    while child.poll() is None:
        total, largest = tree_rss(watched)
        peak_tree, peak_process = max(peak_tree, total), max(peak_process, largest)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode not in (0, 3):  # 3: the package was written and its errors table is not empty
        raise SystemExit(f"{' '.join(command)} failed with exit {child.returncode}:\n{stderr[-2000:]}")
    held = json.loads((out_dir / "datapackage.json").read_text(encoding="utf-8"))["judgstat"]["counts"]["documents"]
    return {
        "documents_held": held,
        "seconds": seconds,
        "peak_tree_mb": peak_tree / 2**20,
        "peak_process_mb": peak_process / 2**20,
        "tables": tables_digest(out_dir),
        # 1-minute load average before and after: above ~2 on 2 cores, other jobs shared the machine
        "load": (load_before, os.getloadavg()[0]),
    }


def tables_digest(package: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((package / "counts").glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def summarise(runs: list[dict]) -> dict:
    """One configuration's rounds at one size: the fastest wall time (the run least slowed by other load on a
    shared machine), the highest peak memory of any round, and every round's time; the tables of every round
    must be the same."""
    fastest = min(runs, key=lambda r: r["seconds"])
    if len({r["tables"] for r in runs}) != 1:
        raise SystemExit(f"{fastest['config']} at {fastest['size']:,}: the rounds wrote different count tables")
    return {**fastest, "round_seconds": [r["seconds"] for r in runs],
            "peak_tree_mb": max(r["peak_tree_mb"] for r in runs),
            "peak_process_mb": max(r["peak_process_mb"] for r in runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--source", type=Path, default=None, help="JSONL with id and text (default: the JuDGE set)")
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora and packages go (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every configuration this many times, alternating; the fastest round counts")
    args = parser.parse_args(argv)
    source = args.source or default_source()
    workdir = Path(tempfile.mkdtemp(prefix="judgstat-bench-", dir=args.workdir))
    print(f"source: {source}  (cores: {os.cpu_count()}, python {sys.version.split()[0]})")
    results: list[dict] = []
    try:
        for size in args.sizes:
            corpus = workdir / f"corpus-{size}.jsonl"
            replicate(source, size, corpus)
            rounds: dict[str, list[dict]] = {name: [] for name in args.configs}
            for round_number in range(1, args.rounds + 1):
                for name in args.configs:  # the configurations alternate, so a burst of load hits them alike
                    out_dir = workdir / f"package-{size}-{name}"
                    measured = run_config(corpus, out_dir, CONFIGS[name])
                    measured.update(size=size, config=name, docs_per_second=size / measured["seconds"])
                    if measured["documents_held"] != size:
                        raise SystemExit(f"{name} at {size:,}: the package holds {measured['documents_held']:,} documents, "
                                         f"not {size:,} (copies deduplicated?): the measurement would not be of {size:,}")
                    rounds[name].append(measured)
                    print(f"  {size:>9,} {name:<6} round {round_number}  {measured['seconds']:8.1f} s  "
                          f"{measured['docs_per_second']:8.0f} docs/s  peak tree {measured['peak_tree_mb']:7.0f} MB  "
                          f"peak process {measured['peak_process_mb']:6.0f} MB  "
                          f"load {measured['load'][0]:.1f}->{measured['load'][1]:.1f}", flush=True)
                    shutil.rmtree(out_dir)
            for name, runs in rounds.items():
                results.append(summarise(runs))
            corpus.unlink()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print("| documents | configuration | wall time (s) | documents/s | peak tree RSS (MB) | peak process RSS (MB) "
          "| load average before → after | every round (s) |")
    print("|---:|---|---:|---:|---:|---:|---|---|")
    for r in results:
        print(f"| {r['size']:,} | {r['config']} | {r['seconds']:.1f} | {r['docs_per_second']:,.0f} | "
              f"{r['peak_tree_mb']:,.0f} | {r['peak_process_mb']:,.0f} | {r['load'][0]:.1f} → {r['load'][1]:.1f} | "
              f"{', '.join(f'{t:.1f}' for t in r['round_seconds'])} |")
    print()
    failures = []
    for size in args.sizes:
        digests = {r["config"]: r["tables"] for r in results if r["size"] == size}
        same = len(set(digests.values())) == 1
        print(f"{size:,} documents: count tables identical across {', '.join(digests)}: {'yes' if same else 'NO'}")
        if not same:
            failures.append(f"tables differ at {size}")
        by_config = {r["config"]: r for r in results if r["size"] == size}
        if "jobs1" in by_config and "jobs2" in by_config:
            speedup = by_config["jobs1"]["seconds"] / by_config["jobs2"]["seconds"]
            paired = sorted(a / b for a, b in zip(by_config["jobs1"]["round_seconds"], by_config["jobs2"]["round_seconds"]))
            print(f"{size:,} documents: jobs2 / jobs1 speed-up {speedup:.2f}x, fastest round of each "
                  f"(target >= {SPEEDUP_TARGET}); round by round {', '.join(f'{x:.2f}' for x in paired)}")
            if speedup < SPEEDUP_TARGET:
                failures.append(f"speed-up {speedup:.2f} at {size}")
    for name in args.configs:
        runs = sorted((r for r in results if r["config"] == name), key=lambda r: r["size"])
        if len(runs) > 1:
            ratio = runs[-1]["peak_tree_mb"] / runs[0]["peak_tree_mb"]
            print(f"{name}: peak tree RSS at {runs[-1]['size']:,} / at {runs[0]['size']:,} = {ratio:.2f} (flat: about 1)")
    over = [r for r in results if r["peak_tree_mb"] >= RSS_TARGET_MB]
    for r in over:
        failures.append(f"{r['config']} at {r['size']:,}: {r['peak_tree_mb']:.0f} MB >= {RSS_TARGET_MB} MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("targets met" if not failures else "targets missed: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
