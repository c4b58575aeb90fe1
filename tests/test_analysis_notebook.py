"""Notebook 05 on a user's corpus (the papermill `corpus_path` parameter), not only on the embedded tables."""

from __future__ import annotations

import json

import pytest

from toolkit.analysis.statements import content_hash
from toolkit.analysis.synthetic import synthetic_defendants
from toolkit.analysis.table import read_defendant_table
from toolkit.run_notebooks import NOTEBOOKS_DIR, run_notebook
from toolkit.schema import write_table

NOTEBOOK = NOTEBOOKS_DIR / "05_outcomes_and_sentencing.ipynb"


@pytest.mark.notebook
def test_notebook_05_on_a_parser_output_table(tmp_path):
    table = tmp_path / "corpus.jsonl"
    write_table(synthetic_defendants(160, seed=12, start_year=2014, end_year=2021), table)
    version = content_hash(read_defendant_table(table))
    figures = tmp_path / "figures"
    executed = run_notebook(NOTEBOOK, tmp_path / "executed", figures, parameters={
        "corpus_path": str(table), "corpus_name": "synthetic-corpus", "today": "2026-11-28",
        "filter_query": "procedure == 'first_instance'",
    })
    outputs = []
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            outputs.append(output.get("text", "") if isinstance(output.get("text"), str) else "".join(output.get("text", [])))
    text = "\n".join(outputs)
    assert f"版本 {version.split(':')[0]}:{version.split(':')[1][:12]}" in text
    assert "synthetic-corpus" in text and "pandas query procedure == 'first_instance'" in text
    assert "2026-11-28" in text
    # The synthetic series has events in every year: the segmented model is estimated.
    assert "level change rate ratio" in text
    for stem in ("05_probation_by_group", "05_before_after_reform", "05_term_vs_items", "05_term_by_tier"):
        assert (figures / f"{stem}.png").exists() and (figures / f"{stem}.svg").exists()
