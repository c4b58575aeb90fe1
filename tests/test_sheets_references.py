"""Agreement statistics of `judgstat sheet agree` against pinned references (tests/results/, each with its source)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from toolkit.sheets.agree import (
    alpha_interval, cohen_kappa, fleiss_kappa, krippendorff_alpha, not_stated_cells, numeric_alpha_units,
    percent_agreement, stated_units,
)
from toolkit.sheets.workbook import NOT_CODED, NOT_STATED, REPORT_COLUMNS

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str) -> dict:
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def krippendorff_units() -> tuple[list[tuple], dict]:
    ref = load("krippendorff_2011_example.json")
    observers = list(ref["observers"].values())
    units = [tuple(NOT_CODED if o[u] is None else o[u] for o in observers) for u in range(len(observers[0]))]
    return units, ref


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_2011_example(level):
    units, ref = krippendorff_units()
    assert round(krippendorff_alpha(units, level), ref["decimals"]) == ref["alpha"][level]


def test_krippendorff_alpha_of_categories_does_not_depend_on_their_labels():
    units, ref = krippendorff_units()
    names = {1: "convicted", 2: "exempted", 3: "acquitted", 4: "not_prosecuted", 5: "unknown"}
    relabelled = [tuple(c if c is NOT_CODED else names[c] for c in u) for u in units]
    assert round(krippendorff_alpha(relabelled, "nominal"), 3) == ref["alpha"]["nominal"]


def fleiss_units() -> tuple[list[list[int]], dict]:
    ref = load("fleiss_kappa_wikipedia.json")
    units = [[category for category, count in enumerate(row) for _ in range(count)] for row in ref["table"]]
    assert all(len(u) == ref["raters_per_subject"] for u in units)
    return units, ref


def test_fleiss_kappa_wikipedia_example():
    units, ref = fleiss_units()
    assert round(fleiss_kappa(units), ref["decimals"]) == ref["kappa"]
    assert round(percent_agreement(units), ref["decimals"]) == ref["P_bar"]  # mean pairwise agreement = P-bar


def cohen_units() -> tuple[list[tuple[str, str]], dict]:
    ref = load("cohen_kappa_2x2.json")
    labels = ref["categories"]
    units = [(labels[i], labels[j]) for i in range(2) for j in range(2) for _ in range(ref["table"][i][j])]
    return units, ref


def test_cohen_kappa_closed_form():
    units, ref = cohen_units()
    assert cohen_kappa(units) == pytest.approx(ref["kappa"], abs=1e-12)
    assert percent_agreement(units) == pytest.approx(ref["percent_agreement"], abs=1e-12)


def test_undefined_statistics_are_nan_not_one():
    same = [("convicted", "convicted")] * 5
    assert percent_agreement(same) == 1.0
    assert math.isnan(cohen_kappa(same)) and math.isnan(fleiss_kappa(same))
    assert math.isnan(krippendorff_alpha(same, "nominal"))
    assert math.isnan(percent_agreement([]))


def test_bootstrap_interval_is_fixed_by_its_seed_and_covers_the_estimate():
    units, _ = cohen_units()
    first = alpha_interval(units, "nominal", replicates=300, seed=7)
    assert first == alpha_interval(units, "nominal", replicates=300, seed=7)
    assert first != alpha_interval(units, "nominal", replicates=300, seed=8)
    estimate = krippendorff_alpha(units, "nominal")
    assert first[0] < estimate < first[1]


def test_cohen_reference_through_the_sheets(tmp_path):
    """The 2x2 table coded in two real sheets gives kappa 0.40 in the CSV report."""
    from toolkit.cli import main
    from test_sheets_loop import fill_sheet, synthetic_defendants

    units, ref = cohen_units()
    source = synthetic_defendants(tmp_path / "d.jsonl", len(units))
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank), "--fields", "confiscation"]) == 0
    value = {"yes": True, "no": False}
    for coder in (0, 1):
        fill_sheet(blank, tmp_path / f"coder{coder}.xlsx", f"c{coder}",
                   lambda row, field, parser: value[units[row][coder]])
    report = tmp_path / "report.csv"
    assert main(["sheet", "agree", str(tmp_path / "coder0.xlsx"), str(tmp_path / "coder1.xlsx"), "-o", str(report)]) == 0
    (row,) = list(csv.DictReader(report.open(encoding="utf-8")))
    assert list(row) == ["field", "n", "percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
                         "alpha_low", "alpha_high", "parser_agreement",
                         "alpha_units", "not_stated_cells", "stated_percent_agreement", "stated_alpha"]
    assert row["alpha_units"] == row["not_stated_cells"] == row["stated_alpha"] == ""  # a categorical field
    assert row["field"] == "confiscation" and row["n"] == "50"
    assert float(row["cohen_kappa"]) == pytest.approx(ref["kappa"], abs=1e-4)
    assert float(row["percent_agreement"]) == pytest.approx(ref["percent_agreement"], abs=1e-4)


def not_stated_units() -> tuple[list[tuple], dict]:
    ref = load("krippendorff_not_stated.json")
    coders = list(ref["coders"].values())
    units = [tuple(None if c[u] == NOT_STATED else c[u] for c in coders) for u in range(len(coders[0]))]
    return units, ref


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_numeric_alpha_is_on_the_numbers_only(level):
    """not_stated is missing for interval/ratio alpha (reference: the krippendorff package on the matrix with NaN)."""
    units, ref = not_stated_units()
    assert round(krippendorff_alpha(units, level), ref["decimals"]) == ref["alpha"][level]
    assert numeric_alpha_units(units) == ref["alpha_units"]
    assert not_stated_cells(units) == ref["not_stated_cells"]


def test_stated_versus_not_stated_is_a_nominal_agreement_of_its_own():
    units, ref = not_stated_units()
    stated = stated_units(units)
    assert round(krippendorff_alpha(stated, "nominal"), ref["decimals"]) == ref["stated_alpha"]
    assert round(percent_agreement(stated), ref["decimals"]) == ref["stated_percent_agreement"]
    # not-coded cells stay not coded: they are not "not stated"
    assert stated_units([(NOT_CODED, None, 5)]) == [(NOT_CODED, None, "stated")]


def test_not_stated_counts_through_the_sheets(tmp_path, capsys):
    """The hand-built matrix coded in two real sheets: the CSV says how many cells and rows numeric alpha left out."""
    from toolkit.cli import main
    from test_sheets_loop import fill_sheet, synthetic_defendants

    units, ref = not_stated_units()
    source = synthetic_defendants(tmp_path / "d.jsonl", len(units))
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank), "--fields", ref["field"], "outcome"]) == 0
    for coder in (0, 1):
        fill_sheet(blank, tmp_path / f"coder{coder}.xlsx", f"c{coder}",
                   lambda row, field, parser: (NOT_STATED if units[row][coder] is None else units[row][coder])
                   if field == ref["field"] else parser)
    report = tmp_path / "report.csv"
    assert main(["sheet", "agree", str(tmp_path / "coder0.xlsx"), str(tmp_path / "coder1.xlsx"), "-o", str(report),
                 "--bootstrap", "50"]) == 0
    out = capsys.readouterr().out
    rows = {r["field"]: r for r in csv.DictReader(report.open(encoding="utf-8"))}
    assert list(rows[ref["field"]]) == list(REPORT_COLUMNS)
    term = rows[ref["field"]]
    assert int(term["n"]) == ref["n"]
    assert int(term["alpha_units"]) == ref["alpha_units"]
    assert int(term["not_stated_cells"]) == ref["not_stated_cells"]
    assert float(term["krippendorff_alpha"]) == pytest.approx(ref["alpha"]["ratio"], abs=1e-4)
    assert float(term["stated_alpha"]) == pytest.approx(ref["stated_alpha"], abs=1e-4)
    assert float(term["stated_percent_agreement"]) == pytest.approx(ref["stated_percent_agreement"], abs=1e-4)
    # not_stated equals only not_stated in percent agreement: 2 mixed rows and 3 rows with different numbers disagree
    assert float(term["percent_agreement"]) == pytest.approx(7 / 12, abs=1e-4)
    assert rows["outcome"]["alpha_units"] == ""
    assert (f"{ref['not_stated_cells']} not_stated cells are missing for it, so it uses {ref['alpha_units']} of "
            f"{ref['n']} rows ({ref['number_vs_not_stated']} rows where one") in out
