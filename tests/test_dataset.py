"""`judgstat dataset`: packages valid (Frictionless and toolkit.datasets), counts reproduced by the
descriptor's pandas expressions, --jobs / dask identical to one process, reruns and resumes byte-identical,
the embedded package equal to what the code builds."""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.dataset import open_package
from toolkit.datasets import validate_package
from toolkit.paths import DATASETS_DIR, REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = [FIXTURES / "loaders" / "mixed", FIXTURES / "judgments" / "hard_cases.jsonl",
         DATASETS_DIR / "published-pi-cases" / "cases.csv"]
TABLES = ("defendants.parquet", "documents.parquet", "coverage.csv", "errors.csv", "duplicates.csv")


def build(out: Path, *extra: str, inputs=MIXED) -> Path:
    code = main(["dataset", *map(str, inputs), "-o", str(out), "--no-progress", "--chunk-size", "7", *extra])
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        errors = sum(1 for _ in csv.DictReader(handle))
    assert code == (3 if errors else 0), (code, errors)  # as judgstat load: 3 when errors.csv is not empty
    return out


def same_tables(a: Path, b: Path) -> None:
    names = [n for n in TABLES if (a / n).exists()] + [f"counts/{p.name}" for p in sorted((a / "counts").iterdir())]
    assert names
    for name in names:
        assert filecmp.cmp(a / name, b / name, shallow=False), name


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pkg") / "mixed", "--jobs", "1")


def test_package_is_valid_for_frictionless_and_toolkit(package):
    import frictionless

    report = frictionless.validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert validate_package(package) == []


def test_every_count_is_reproduced_by_its_expression_and_sums_to_the_total(package):
    pkg = open_package(package)
    df = pd.read_parquet(package / "defendants.parquet")
    counted = 0
    for resource in pkg.descriptor["resources"]:
        if not resource["name"].startswith("counts-"):
            continue
        dimension = resource["schema"]["fields"][0]["name"]
        table = pkg.counts(dimension)
        for unit, text in resource["judgstat"]["expressions"].items():
            rows = table[table["unit"] == unit]
            assert rows["count"].sum() == resource["judgstat"]["totals"][unit] == (
                df["doc_id"].nunique() if unit == "documents" else len(df))
            expected = eval(text, {"pd": pd, "np": np}, {"df": df})  # noqa: S307 - the descriptor's own expression
            got = rows[rows["count"] > 0].set_index(dimension)["count"]
            assert got.sort_index().to_dict() == {str(k): int(v) for k, v in expected.sort_index().items()}, (dimension, unit)
            assert "unknown" in set(rows[dimension])
            counted += 1
    assert counted == 15


def test_package_reads_back_and_records_provenance(package):
    pkg = open_package(package)
    defendants = pkg.defendants()
    assert {"month", "tier", "charge_set"} <= set(defendants.columns)
    assert defendants["confiscation"].dtype == "boolean"
    info = pkg.descriptor["judgstat"]
    assert all(len(entry["sha256"]) == 64 and entry["bytes"] >= 0 for entry in info["inputs"])
    assert info["counts"]["defendants"] == len(defendants)
    assert info["counts"]["errors"] == len(pkg.errors())
    for resource in pkg.descriptor["resources"]:
        assert resource["hash"].startswith("sha256:")
    # the published cases carry personal-information charges: tiers are classified
    assert defendants["tier"].notna().any()


def test_jobs_rerun_and_resume_give_identical_tables(package, tmp_path):
    parallel = build(tmp_path / "jobs2", "--jobs", "2")
    same_tables(package, parallel)
    build(parallel, "--jobs", "2")  # rerun over an existing package
    same_tables(package, parallel)
    # a killed run leaves whole parts only: drop the package, keep some parts, resume
    resumed = tmp_path / "resumed"
    from toolkit.dataset import pipeline

    original = pipeline._assemble

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    pipeline._assemble = killed
    try:
        with pytest.raises(KeyboardInterrupt):
            build(resumed, "--jobs", "1")
    finally:
        pipeline._assemble = original
    parts = sorted((resumed / ".partial").glob("part-*.defendants.parquet"))
    assert len(parts) > 2
    parts[-1].unlink()  # as if killed while that part was being written
    build(resumed, "--jobs", "1")
    same_tables(package, resumed)
    assert not (resumed / ".partial").exists()


def test_dask_engine_gives_the_local_tables(package, tmp_path):
    pytest.importorskip("dask.distributed")
    from toolkit.dataset.cli import add_arguments, build as build_package

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([*map(str, MIXED), "-o", str(tmp_path / "dask"), "--engine", "dask", "--jobs", "2",
                              "--no-progress", "--chunk-size", "7"])
    build_package(args, processes=False)
    same_tables(package, tmp_path / "dask")


def test_charge_and_date_filter(tmp_path):
    out = build(tmp_path / "pi", "--jobs", "1", "--charge", "personal-information", "--since", "2017-06-01")
    df = pd.read_parquet(out / "defendants.parquet")
    assert len(df) > 0 and df["pi_charge"].all() and (df["judgment_date"] >= "2017-06-01").all()
    filter_ = open_package(out).descriptor["judgstat"]["filter"]
    assert "侵犯公民个人信息罪" in filter_["charges"] and filter_["since"] == "2017-06-01"


def test_embedded_package_is_what_the_code_builds(tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "datasets" / "embedded-package"))
    try:
        import build as embedded
    finally:
        sys.path.pop(0)
    assert embedded.build(tmp_path / "embedded") == 0
    committed = DATASETS_DIR / "embedded-package"
    same_tables(committed, tmp_path / "embedded")
    assert json.loads((committed / "datapackage.json").read_text()) == json.loads(
        (tmp_path / "embedded" / "datapackage.json").read_text())
    assert not (committed / "documents.parquet").exists()  # derived tables only, no texts
    assert validate_package(committed) == []


def test_bad_options_are_one_line_errors(tmp_path, capsys):
    assert main(["dataset", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "out")]) == 2
    assert main(["dataset", str(MIXED[1]), "-o", str(tmp_path / "o"), "--since", "2017-13-01"]) == 2
    assert "expected YYYY-MM-DD" in capsys.readouterr().err


def _without_scheme(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].str.replace("file://", "", regex=False)
    return frame


def test_dask_engine_reads_and_writes_fsspec_urls(package, tmp_path):
    """file:// URLs for every input and for DIR go through fsspec (inputs staged, parts put by the
    workers, the package uploaded when complete): the tables are the local engine's, paths named as given."""
    pytest.importorskip("dask.distributed")
    from toolkit.dataset.cli import add_arguments, build as build_package

    target = tmp_path / "remote" / "pkg"
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([*(p.as_uri() for p in MIXED), "-o", target.as_uri(), "--engine", "dask", "--jobs", "2",
                              "--no-progress", "--chunk-size", "7"])
    build_package(args, processes=False)
    assert not (target / ".partial").exists() and not list(target.rglob("*.tmp"))
    for name in ("defendants.parquet", "coverage.csv", *(f"counts/{p.name}" for p in (package / "counts").iterdir())):
        assert filecmp.cmp(package / name, target / name, shallow=False), name
    docs = [_without_scheme(pd.read_parquet(p / "documents.parquet"), ["source_ref"]) for p in (package, target)]
    pd.testing.assert_frame_equal(*docs)
    assert pd.read_parquet(target / "documents.parquet")["source_ref"].str.startswith("file:///").all()
    errors = [_without_scheme(pd.read_csv(p / "errors.csv"), ["file"]) for p in (package, target)]
    pd.testing.assert_frame_equal(*errors)
    duplicates = [_without_scheme(pd.read_csv(p / "duplicates.csv"), ["duplicate_source_ref", "kept_source_ref"])
                  for p in (package, target)]
    pd.testing.assert_frame_equal(*duplicates)
    inputs = open_package(target).descriptor["judgstat"]["inputs"]
    assert inputs and all(entry["path"].startswith("file:///") for entry in inputs)
    local_inputs = open_package(package).descriptor["judgstat"]["inputs"]
    assert [e["sha256"] for e in inputs] == [e["sha256"] for e in local_inputs]


def test_memory_urls_with_the_local_engine(tmp_path):
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    source = FIXTURES / "judgments" / "hard_cases.jsonl"
    memory.pipe("/judgstat-test/in/hard_cases.jsonl", source.read_bytes())
    try:
        assert main(["dataset", "memory://judgstat-test/in", "-o", "memory://judgstat-test/pkg", "--jobs", "1",
                     "--no-progress", "--chunk-size", "7"]) == 0
        local = build(tmp_path / "pkg", "--jobs", "1", inputs=[source])
        for name in ("defendants.parquet", "counts/month.csv", "datapackage.json"):
            assert memory.exists(f"/judgstat-test/pkg/{name}"), name
        assert memory.cat(f"/judgstat-test/pkg/defendants.parquet") == (local / "defendants.parquet").read_bytes()
        assert not memory.exists("/judgstat-test/pkg/.partial")
    finally:
        memory.rm("/judgstat-test", recursive=True)


def _package_text(folder: Path) -> str:
    """Every cell of every table in a package, and every text file, as one string to search."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            parts += [str(v) for column in frame.columns for v in frame[column].tolist()]
        elif path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _names_by_document(package: Path) -> dict[str, set[str]]:
    frame = pd.read_parquet(package / "defendants.parquet", columns=["doc_id", "defendant"]).dropna()
    return {doc: {n for n in group["defendant"] if len(n) >= 2} for doc, group in frame.groupby("doc_id")}


def _texts_by_document(package: Path) -> dict[str, str]:
    """Everything the package holds about each document: its defendant rows and its document row."""
    out: dict[str, list[str]] = {}
    for name, key in (("defendants.parquet", "doc_id"), ("documents.parquet", "id")):
        if (package / name).exists():
            for row in pd.read_parquet(package / name).to_dict(orient="records"):
                out.setdefault(row[key], []).append(" ".join(map(str, row.values())))
    return {doc: "\n".join(texts) for doc, texts in out.items()}


def test_pseudonymised_package_holds_no_defendant_name_and_same_key_same_pseudonyms(package, tmp_path):
    """Each document's defendants' names (including co-defendants named in notes) appear nowhere in what
    the package holds about that document; names of judges and clerks are not removed (toolkit.pseudonymise)."""
    names = _names_by_document(package)
    assert sum(map(len, names.values())) > 20
    plain = _texts_by_document(package)
    assert all(name in plain[doc] for doc, group in names.items() for name in group)  # the check below can fail

    first = build(tmp_path / "first", "--jobs", "1", "--pseudonymise")
    key = tmp_path / "first.pseudonym-key"
    assert key.is_file() and not list(first.rglob("*key*"))  # beside the package, never in it
    masked = _texts_by_document(first)
    assert masked.keys() == plain.keys()
    assert [(doc, name) for doc, group in names.items() for name in group if name in masked[doc]] == []
    assert key.read_text(encoding="ascii").strip() not in _package_text(first)
    defendants = pd.read_parquet(first / "defendants.parquet")
    assert defendants["defendant"].dropna().str.fullmatch(r"P[0-9A-F]{10}").all()
    assert open_package(first).descriptor["judgstat"]["pseudonymised"]["key"].startswith("kept beside")
    for counts in sorted((package / "counts").iterdir()):  # pseudonyms change no count
        assert filecmp.cmp(counts, first / "counts" / counts.name, shallow=False), counts.name

    again = build(tmp_path / "again", "--jobs", "2", "--pseudonymise", "--pseudonym-key", str(key))
    for name in ("defendants.parquet", "documents.parquet"):
        assert filecmp.cmp(first / name, again / name, shallow=False), name
    other_key = tmp_path / "other.key"
    other_key.write_text("o" * 64, encoding="ascii")
    other = build(tmp_path / "other", "--jobs", "1", "--pseudonymise", "--pseudonym-key", str(other_key))
    theirs = pd.read_parquet(other / "defendants.parquet")["defendant"]
    assert set(theirs.dropna()).isdisjoint(set(defendants["defendant"].dropna()))


def test_pseudonym_key_inside_the_package_is_refused(tmp_path, capsys):
    out = tmp_path / "pkg"
    assert main(["dataset", str(MIXED[1]), "-o", str(out), "--pseudonymise", "--pseudonym-key", str(out / "k")]) == 2
    assert "must not be inside the package folder" in capsys.readouterr().err


def test_errors_are_summarised_by_kind_with_their_table_and_exit_3(tmp_path, capsys):
    capsys.readouterr()
    out = build(tmp_path / "pkg", "--jobs", "1")  # MIXED holds broken files on purpose
    printed = capsys.readouterr().out
    assert "truncated JSON line" in printed and "empty file" in printed
    assert printed.rstrip().endswith(f"-> {out}/errors.csv (exit 3)")
    clean = build(tmp_path / "clean", "--jobs", "1", inputs=[FIXTURES / "judgments" / "hard_cases.jsonl"])
    assert "NOT EVERYTHING WAS LOADED" not in capsys.readouterr().out and (clean / "errors.csv").is_file()
