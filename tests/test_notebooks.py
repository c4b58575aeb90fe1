"""Every notebook runs top to bottom on the embedded datasets and writes its figures."""

from __future__ import annotations

import pytest

from toolkit.run_notebooks import notebook_paths, run_notebook

NOTEBOOKS = notebook_paths()


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
