"""Every notebook runs top to bottom on the embedded datasets and writes its figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.paths import REPO_ROOT
from toolkit.run_notebooks import notebook_paths, run_notebook

NOTEBOOKS = notebook_paths()
COMMITTED = REPO_ROOT / "figures"
# With svg.fonttype "path", matplotlib writes every text of a figure (titles, labels, n=, source line) as a comment
_SVG_TEXT = re.compile(r"<!-- (.*?) -->", re.S)


def svg_texts(path: Path) -> list[str]:
    return _SVG_TEXT.findall(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no NN_*.ipynb"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_writes_figures(path, tmp_path):
    figures = tmp_path / "figures"
    run_notebook(path, tmp_path / "executed", figures)
    pngs = sorted(figures.glob("*.png"))
    svgs = sorted(figures.glob("*.svg"))
    assert pngs, f"{path.name} wrote no PNG figure"
    assert {p.stem for p in pngs} == {p.stem for p in svgs}, "each figure needs both PNG and SVG"
    for svg in svgs:  # the committed figures show what the notebooks compute now (texts, not pixel positions)
        committed = COMMITTED / svg.name
        assert committed.is_file(), f"figures/{svg.name} is not committed: run make reproduce and commit figures/"
        new, old = svg_texts(svg), svg_texts(committed)
        if new != old:
            first = next((f"{o!r} -> {n!r}" for o, n in zip(old, new) if o != n), f"{len(old)} -> {len(new)} texts")
            pytest.fail(f"figures/{svg.name} is stale ({first}): run make reproduce and commit figures/")
