"""A `judgstat dataset` package reads back wherever a per-defendant table is accepted: `evaluate` (the package
folder or its defendants.parquet), `read_defendant_table`, and notebooks 05 and 08 — whose figures from a
user's package go to figures/<package name>/ and leave the committed figures untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit.analysis.table import read_defendant_table
from toolkit.cli import main
from toolkit.dataset import open_package
from toolkit.paths import REPO_ROOT
from toolkit.schema import DEFENDANT_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = FIXTURES / "evaluate" / "published_cases.jsonl"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("readback") / "published-fixture"
    code = main(["dataset", str(GOLD), "-o", str(out), "--format", "published_cases", "--jobs", "1", "--no-progress"])
    assert code == 0
    return out


def test_read_defendant_table_gives_the_package_rows(package):
    from_file = read_defendant_table(package / "defendants.parquet")
    from_reader = open_package(package).defendants()
    assert len(from_file) == len(from_reader) == 4
    pd.testing.assert_frame_equal(from_file[list(DEFENDANT_COLUMNS)].reset_index(drop=True),
                                  from_reader[list(DEFENDANT_COLUMNS)].reset_index(drop=True))


@pytest.mark.parametrize("target", ["folder", "defendants.parquet"])
def test_evaluate_reads_a_package(package, target, capsys):
    pred = package if target == "folder" else package / "defendants.parquet"
    assert main(["evaluate", str(pred), str(GOLD)]) == 0
    out = capsys.readouterr().out
    assert "matched: 4 of 4" in out


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.png"))}


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", ["05_outcomes_and_sentencing", "08_corpus_counts"])
def test_notebook_on_a_package_writes_its_own_figure_folder(package, notebook, tmp_path):
    from toolkit.run_notebooks import run_notebook

    committed = REPO_ROOT / "figures"
    figures = tmp_path / "figures"
    shutil.copytree(committed, figures)
    before = _digests(figures)
    assert any(name.startswith(notebook[:2]) for name in before), "the committed figures of this notebook are missing"
    executed = run_notebook(REPO_ROOT / "notebooks" / f"{notebook}.ipynb", tmp_path / "executed", figures,
                            parameters={"dataset_dir": str(package)})
    assert _digests(figures) == before, "a run on a user's package changed committed figures"
    own = figures / package.name
    assert sorted(own.glob("*.png")), f"no figure written to figures/{package.name}/"
    text = json.dumps(json.loads(executed.read_text(encoding="utf-8"))["cells"], ensure_ascii=False)
    assert "Traceback" not in text
