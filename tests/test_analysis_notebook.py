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
    # A user's corpus: figures go to figures/<corpus name>/, never over the committed figures.
    for stem in ("05_probation_by_group", "05_before_after_reform", "05_term_vs_items", "05_term_by_tier"):
        assert (figures / "synthetic-corpus" / f"{stem}.png").exists()
        assert (figures / "synthetic-corpus" / f"{stem}.svg").exists()
    assert not list(figures.glob("*.png")), "a user's corpus must not write the top-level figures"


@pytest.mark.shared
@pytest.mark.notebook
def test_parser_output_from_real_judgments_feeds_the_analyses(shared_data, tmp_path):
    """judgstat parse on 25 real JuDGE judgments -> per-defendant table -> rates, tiers, notebook 05."""
    import itertools
    import subprocess
    import sys

    from toolkit.analysis import outcomes, sentencing

    source = shared_data / "judge" / "judgments.jsonl"
    sample = tmp_path / "judgments25.jsonl"
    with source.open(encoding="utf-8") as handle:
        sample.write_text("".join(itertools.islice(handle, 25)), encoding="utf-8")
    table = tmp_path / "defendants.jsonl"
    subprocess.run([sys.executable, "-m", "toolkit.cli", "parse", str(sample), "--output", str(table)],
                   check=True, capture_output=True, text=True)
    frame = read_defendant_table(table)
    assert len(frame) >= 25
    rate = outcomes.outcome_rate(frame, "probation")
    assert 0 < rate.n <= len(frame) and rate.interval is not None
    tiers = sentencing.add_tiers(frame)
    # JuDGE is all charges: a defendant gets a tier only when charged under Art. 253-1.
    charged = sentencing.is_art_253_1(tiers)
    assert tiers.loc[~charged, "tier"].isna().all()
    figures = tmp_path / "figures"
    run_notebook(NOTEBOOK, tmp_path / "executed", figures, parameters={"corpus_path": str(table)})
    assert list(figures.glob("*/05_term_vs_items.png")) and not list(figures.glob("*.png"))
