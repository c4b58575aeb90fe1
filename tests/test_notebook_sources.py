"""Numbers from datasets/official-statistics shown in a notebook carry the publication they come from."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from toolkit.analysis.statements import SourceNotes, official_citation
from toolkit.datasets import load_table
from toolkit.run_notebooks import NOTEBOOKS_DIR, run_notebook

MARK = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return load_table("official-statistics", "national_adjudication")


def test_source_notes_number_each_publication_once_across_tables(national):
    non_prosecution = load_table("official-statistics", "non_prosecution")
    notes = SourceNotes()
    assert notes.mark(national, "spc-2015-acquitted-public") == "[1]"
    assert notes.mark(national, ["spc-2015-acquitted-private", "spc-2015-convicted"]) == "[1]"  # same report
    assert notes.mark(national, ["sec-2008-2012-defendants", "spc-2015-convicted"]) == "[2][1]"
    assert notes.mark(non_prosecution, "np-2020q1q3-rate") == "[3]"
    listed = notes.notes(["[3]", "[2][1]"]).splitlines()
    assert [line[:4] for line in listed] == ["[1] ", "[2] ", "[3] "]
    assert listed[2] == "[3] " + official_citation(non_prosecution, "np-2020q1q3-rate")
    assert "www.cpspew.com/news/1004143.html" in listed[2]
    with pytest.raises(ValueError, match="no row 'nope'"):
        notes.mark(national, ["spc-2015-convicted", "nope"])


def _outputs(executed) -> list[tuple[int, dict]]:
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    return [(i, o) for i, c in enumerate(cells) if c["cell_type"] == "code" for o in c.get("outputs", [])]


# the notebooks that show figures from datasets/official-statistics, and how many tables each shows
OFFICIAL_NOTEBOOKS = {"01_judgment_counts": 7, "02_national_outcomes": 8}


@pytest.mark.notebook
@pytest.mark.parametrize("stem", OFFICIAL_NOTEBOOKS)
def test_every_table_of_official_figures_marks_and_lists_its_sources(stem, tmp_path):
    executed = run_notebook(NOTEBOOKS_DIR / f"{stem}.ipynb", tmp_path / "executed", tmp_path / "figures")
    outputs = _outputs(executed)
    tables = [(i, o) for i, o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= OFFICIAL_NOTEBOOKS[stem]
    for cell, output in tables:
        html = "".join(output["data"]["text/html"])
        assert "<th>source</th>" in html, f"cell {cell}: a table of official figures without a source column"
        marks = set(MARK.findall(html))
        printed = "".join("".join(o.get("text", "")) for i, o in outputs if i == cell and o.get("output_type") == "stream")
        for mark in marks:
            assert re.search(rf"^\[{mark}\] \S", printed, re.MULTILINE), f"cell {cell}: source [{mark}] not listed"
    text = "".join("".join(o.get("text", "")) for _, o in outputs if o.get("output_type") == "stream")
    if stem == "02_national_outcomes":
        # the pasteable sentence names the publication of the 2008–2012 figures
        assert "Published in: analysis of 2008–2012 acquittals" in text and "falv119.net/xingshianli/yuananlu/n1732.html" in text
        assert "hxcsw.com/guonei/2023/0427/c_123597701.html" in text  # 2023 Q1: a page, no longer a bare site
    else:  # the headline rate ratio is printed with its publication
        assert re.search(r"rate ratio 4\.68 .*\nSource: \[1\] .*《人民司法》2019年第7期", text)


def test_notebook_05_prints_no_official_figure_so_needs_no_publication():
    """Notebook 05 states results of the case tables (each statement ends with the data's citation); it reads
    nothing from official-statistics. If it ever does, its numbers must carry their sources as in notebook 02."""
    cells = json.loads((NOTEBOOKS_DIR / "05_outcomes_and_sentencing.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "official-statistics" not in code and "official_" not in code
