"""--jobs N on `judgstat load` and `judgstat parse`: byte-identical outputs to --jobs 1 for every store
and output format (same rows, same order), bad-line messages naming the same lines, and the ordered
bounded pool (toolkit.parallel) itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_stream_load import make_corpus
from toolkit.cli import main
from toolkit.parallel import OrderedPool

FIXTURES = Path(__file__).parent / "fixtures"
HARD_CASES = FIXTURES / "judgments" / "hard_cases.jsonl"


def _square(x: int) -> int:
    return x * x


def test_ordered_pool_keeps_order_and_bounds_what_is_in_flight():
    taken = []

    def tasks():
        for i in range(50):
            taken.append(i)
            yield i

    with OrderedPool(2) as pool:
        out = []
        for result in pool.map(_square, tasks()):
            out.append(result)
            assert len(taken) - len(out) <= 4  # at most 2 x jobs submitted and not yet taken back
    assert out == [i * i for i in range(50)]
    assert list(OrderedPool(1).map(_square, range(5))) == [0, 1, 4, 9, 16]


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
def test_load_jobs_2_is_byte_identical_to_jobs_1(tmp_path, suffix, capsys):
    corpus = make_corpus(tmp_path / "corpus", files=6, per_file=7)
    sources = [str(corpus), str(FIXTURES / "loaders" / "mixed"), str(FIXTURES / "loaders" / "cail_gb18030.json")]
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}" / f"store{suffix}"
        out.parent.mkdir()
        assert main(["load", *sources, "-o", str(out), "--no-progress", "--jobs", jobs]) == 3
        outputs[jobs] = capsys.readouterr().out.replace(str(out.parent), "DIR")
        for name in (out.name, "store.errors.csv", "store.duplicates.csv"):
            assert (out.parent / name).exists(), name
    one, two = tmp_path / "jobs1", tmp_path / "jobs2"
    for name in (f"store{suffix}", "store.errors.csv", "store.duplicates.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert outputs["1"] == outputs["2"] and "stored" in outputs["1"]


def _parse_input(path: Path) -> Path:
    """hard_cases replicated with unique ids to span several chunks, with a bad line and a blank line."""
    lines = HARD_CASES.read_text(encoding="utf-8").splitlines()
    out = []
    for copy in range(12):
        for line in lines:
            obj = json.loads(line)
            obj["id"] = f"{obj['id']}-{copy}"
            out.append(json.dumps(obj, ensure_ascii=False))
    out.insert(70, '{"id": "cut", "text": "判决如下')
    out.insert(100, "")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix, pseudonymise", [
    (".jsonl", False), (".csv", False), (".parquet", False), (None, False),  # None: JSONL on stdout
    (".jsonl", True), (".csv", True), (".parquet", True),  # --pseudonymise needs -o
])
def test_parse_jobs_2_is_byte_identical_to_jobs_1(tmp_path, suffix, pseudonymise, capsys):
    source = _parse_input(tmp_path / "in.jsonl")
    key = tmp_path / "key"
    key.write_text("k" * 64, encoding="ascii")
    results = {}
    for jobs in ("1", "2"):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        args = ["parse", str(source), "--skip-bad-lines", "--jobs", jobs]
        if suffix is not None:
            args += ["-o", str(folder / f"out{suffix}")]
        if pseudonymise:
            args += ["--pseudonymise", "--pseudonym-key", str(key)]
        assert main(args) == 0
        captured = capsys.readouterr()
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        results[jobs] = (captured.out, captured.err.replace(str(folder), "DIR"), files)
    assert results["1"] == results["2"]
    out, err, files = results["1"]
    assert f"{source}:71: " in err  # the bad line is named by its line number in the whole input
    if suffix is None:
        assert len(out.splitlines()) > 2 * 64
    else:
        assert files[f"out{suffix}"] and (("out.texts.jsonl" in files) == pseudonymise)


def test_parse_jobs_stops_at_the_first_bad_line_like_jobs_1(tmp_path, capsys):
    source = _parse_input(tmp_path / "in.jsonl")
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.parquet"
        assert main(["parse", str(source), "-o", str(out), "--jobs", jobs]) == 1
        assert f"{source}:71: not valid JSON" in capsys.readouterr().err
        assert not out.exists() and not list(tmp_path.glob(".out*"))
