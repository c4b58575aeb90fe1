"""Peak memory of `judgstat load` as the input grows, streamed against the in-memory path, same run.

    .venv/bin/python benchmarks/load_memory.py                     # 5,000 and 20,000 documents
    .venv/bin/python benchmarks/load_memory.py --sizes 10000 100000

For each size a JSONL corpus of real texts (../shared/data/judge, else the repository's fixtures) is
written with unique ids and case numbers (not timed). Then, each in a fresh process: `judgstat load
corpus.jsonl -o store.parquet --jobs 1` (streamed: toolkit.loaders.store.stream_into_store) and the
in-memory path (load_into_store + write_store, as `judgstat load` worked before). It prints wall time
and peak RSS of each, and the ratio of the largest size's peak RSS to the smallest's: about 1 for a
store whose memory does not grow with the input.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FALLBACK = REPO / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"
IN_MEMORY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from toolkit.loaders import expand_sources\n"
    "from toolkit.loaders.store import load_into_store, write_store\n"
    "result = load_into_store(expand_sources([Path(sys.argv[1])]))\n"
    "write_store(result.documents_frame(), sys.argv[2])\n"
)


def source_texts() -> list[str]:
    sys.path.insert(0, str(REPO))
    from toolkit.paths import shared_data_dir

    shared = shared_data_dir()
    path = shared / "judge" / "judgments.jsonl" if shared is not None else None
    path = path if path is not None and path.is_file() else FALLBACK
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_corpus(texts: list[str], size: int, target: Path) -> None:
    with target.open("w", encoding="utf-8") as handle:
        for i in range(size):
            # a unique case number first in the header, so that no copy is a duplicate of another
            text = f"（2019）测0101刑初{i}号\n" + texts[i % len(texts)]
            handle.write(json.dumps({"id": f"doc-{i}", "text": text}, ensure_ascii=False) + "\n")


def measure(command: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    args = parser.parse_args()
    texts = source_texts()
    judgstat = Path(sys.executable).parent / "judgstat"
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            corpus = Path(folder) / f"corpus-{size}.jsonl"
            write_corpus(texts, size, corpus)
            streamed = measure([str(judgstat), "load", str(corpus), "-o", str(Path(folder) / "s.parquet"),
                                "--jobs", "1", "--no-progress"])
            in_memory = measure([sys.executable, "-c", IN_MEMORY, str(corpus), str(Path(folder) / "m.parquet")])
            rows.append((size, corpus.stat().st_size / 1e6, streamed, in_memory))
            corpus.unlink()
    print(f"{'documents':>10} {'input MB':>9} {'streamed s':>11} {'peak MB':>8} {'in-memory s':>12} {'peak MB':>8}")
    for size, megabytes, (s_time, s_rss), (m_time, m_rss) in rows:
        print(f"{size:>10} {megabytes:9.1f} {s_time:11.1f} {s_rss:8.1f} {m_time:12.1f} {m_rss:8.1f}")
    first, last = rows[0], rows[-1]
    print(f"peak RSS x{last[0] / first[0]:.0f} documents: streamed {last[2][1] / first[2][1]:.2f}x, "
          f"in-memory {last[3][1] / first[3][1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
