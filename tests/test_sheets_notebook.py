"""Notebook 07 on a user's coding sheets: the analysis runs and its figure goes to figures/<name>/, never
over the committed figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.paths import REPO_ROOT
from toolkit.run_notebooks import run_notebook

from test_sheets_loop import fill_sheet, synthetic_defendants

NOTEBOOK = REPO_ROOT / "notebooks" / "07_reliability.ipynb"


@pytest.mark.notebook
def test_notebook_07_on_user_sheets_writes_its_figure_to_a_user_folder(tmp_path):
    source = synthetic_defendants(tmp_path / "d.jsonl", 12)
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank)]) == 0
    sheets = []
    for k, coder in enumerate(("ann", "ben")):
        path = tmp_path / f"{coder}.xlsx"
        fill_sheet(blank, path, coder, lambda row, field, parser, k=k: parser + k if (row, field) == (3, "term_months") else parser)
        sheets.append(str(path))
    figures = tmp_path / "figures"
    executed = run_notebook(NOTEBOOK, tmp_path / "executed", figures,
                            parameters={"coder_sheets": sheets, "data_name": "my study", "bootstrap": 100})
    assert (figures / "my_study" / "07_agreement_by_field.png").is_file()
    assert (figures / "my_study" / "07_agreement_by_field.svg").is_file()
    assert not list(figures.glob("*.png"))  # nothing at the top level, where the committed figures live
    text = executed.read_text(encoding="utf-8")
    assert "coders: ann, ben" in text and "no adjudicated sheet" in text
