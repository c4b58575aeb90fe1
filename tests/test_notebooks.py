"""Every notebook runs top to bottom on the embedded datasets and writes the figures committed in figures/."""

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
    run_notebook(path, tmp_path / "executed", figures, shared_data=False)  # as `make reproduce` runs it
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


@pytest.mark.notebook
def test_drug_notebook_rebuilt_from_shared_draws_the_committed_figures(tmp_path):
    """Notebook 06 rebuilds its table from ../shared when present: the same figures, only the source line differs."""
    from toolkit.paths import shared_data_dir

    shared = shared_data_dir()
    if shared is None or not (shared / "cail2018-sample").is_dir():
        pytest.skip("../shared/data/cail2018-sample is absent: the rebuild from it cannot run here")
    figures = tmp_path / "figures"
    executed = run_notebook(REPO_ROOT / "notebooks" / "06_drug_sentencing.ipynb", tmp_path / "executed", figures)
    assert "由../shared重建" in executed.read_text(encoding="utf-8")
    svgs = sorted(figures.glob("*.svg"))
    assert svgs
    for svg in svgs:
        new, old = svg_texts(svg), svg_texts(COMMITTED / svg.name)
        assert len(new) == len(old), svg.name
        differing = [(o, n) for o, n in zip(old, new) if o != n]
        assert all(o.startswith("数据来源") and "由../shared重建" in n for o, n in differing), (svg.name, differing[:1])
