"""The parser at two git revisions, timed in alternating fresh processes over the same judgments.

    .venv/bin/python benchmarks/parse_ab.py --base 4319b64 [--rounds 5] [--passes 3] [--source FILE.jsonl]

The base revision's tree is unpacked with `git archive` into a temporary directory (the repository itself is not
touched); the working tree is the other side. Each round runs one process per side, base first, and each process
parses every document `--passes` times after one warm-up pass, timing with time.process_time. The fastest round
of each side is kept, so that a burst of load from other jobs, which slows single rounds, affects both sides alike.
Each process also prints a digest of all its records; the script says whether the two sides' records are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def worker(root: Path, source: Path, passes: int) -> None:
    sys.path.insert(0, str(root))
    from toolkit.parser import parse_document

    documents = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    digest = hashlib.sha256()
    for doc in documents:  # warm-up pass: compiled patterns and caches, as in a long run
        for record in parse_document(doc["id"], doc["text"]):
            digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    started = time.process_time()
    for _ in range(passes):
        for doc in documents:
            parse_document(doc["id"], doc["text"])
    seconds = time.process_time() - started
    print(json.dumps({"us_per_doc": seconds / (passes * len(documents)) * 1e6, "documents": len(documents),
                      "digest": digest.hexdigest()}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="git revision to compare the working tree with (required)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--source", type=Path, help="JSONL with id/text (default: ../shared/data/judge/judgments.jsonl)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "benchmarks"))
    from parse_speed import default_source

    source = (args.source or default_source()).resolve()
    if args.worker:
        worker(args.worker, source, args.passes)
        return 0
    if not args.base:
        parser.error("--base is required")
    from revisions import unpacked_toolkit_or_exit

    with unpacked_toolkit_or_exit(args.base, "parse-ab-") as tmp:
        sides = {f"base ({args.base})": Path(tmp), "working tree": REPO}
        best = {label: float("inf") for label in sides}
        digests: dict[str, str] = {}
        documents = 0
        for _ in range(args.rounds):
            for label, root in sides.items():
                run = subprocess.run([sys.executable, __file__, "--worker", str(root), "--passes", str(args.passes),
                                      "--source", str(source)], capture_output=True, text=True, check=False)
                if run.returncode != 0:
                    print(f"{label}: worker failed: {run.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                    return 1
                result = json.loads(run.stdout.strip().splitlines()[-1])
                best[label] = min(best[label], result["us_per_doc"])
                digests[label] = result["digest"]
                documents = result["documents"]
    print(f"source: {source}; {documents} documents x {args.passes} passes, {args.rounds} alternating rounds (fastest each)")
    for label, us in best.items():
        print(f"{label:24s} {us:7.1f} us per document ({1e6 / us:,.0f} documents/s, CPU)")
    base_label, work_label = list(sides)
    print(f"base / working tree: {best[base_label] / best[work_label]:.3f}")
    print("records identical" if len(set(digests.values())) == 1 else "records DIFFER between the two revisions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
