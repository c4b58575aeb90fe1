"""`judgstat tier --crime …`: the drug_trafficking options, --list-crimes, and the default crime unchanged."""

from __future__ import annotations

import json

import pytest

from toolkit.cli import main


def run_main(capsys, *argv):
    code = main(["tier", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_drug_json_is_one_object(capsys):
    code, out, err = run_main(capsys, "--crime", "drug_trafficking", "--quantity", "海洛因=60g", "--date", "2020-01-01", "--json")
    assert code == 0 and err == "" and out.count("\n") == 1
    data = json.loads(out)
    assert data["article"] == "Art.347" and data["tier"] == "large" and data["clauses"] == ["Art.347(2)"]
    assert data["penalty"]["death"] and data["penalty"]["confiscation_mandatory"]
    assert data["per_drug"]["heroin"]["grams"] == 60.0
    assert any(c["kind"] == "deduct_quantity" and c["boundary_g"] == 50.0 for c in data["what_if"])
    assert data["depends_on_unverified"] is False


def test_drug_text_units_batches_and_unverified(capsys):
    code, out, _ = run_main(capsys, "--crime", "drug_trafficking", "--quantity", "海洛因=0.045kg", "--quantity", "鸦片=100克")
    assert code == 0
    assert out.startswith("Tier: 数量大") and "UNVERIFIED" in out.splitlines()[0]
    assert "UNVERIFIED: mixed-drug conversion" in out
    code, out, _ = run_main(capsys, "--crime", "drug_trafficking", "--quantity", "甲基苯丙胺=6g",
                            "--quantity", "甲基苯丙胺=4000mg", "--json")
    assert json.loads(out)["per_drug"]["methamphetamine"]["grams"] == 10.0  # Art. 347(7): batches add up
    assert json.loads(out)["tier"] == "relatively_large"


def test_drug_possession_and_circumstances(capsys):
    code, out, _ = run_main(capsys, "--crime", "drug_trafficking", "--quantity", "冰毒=20g", "--possession",
                            "--circumstance", "state_functionary", "--json")
    data = json.loads(out)
    assert code == 0 and data["article"] == "Art.348" and data["tier"] == "relatively_large_serious"
    assert data["range_months"] == [36, 84]
    code, out, _ = run_main(capsys, "--crime", "drug_trafficking", "--circumstance", "ring_leader", "--json")
    assert json.loads(out)["tier"] == "large"


@pytest.mark.parametrize("argv,message", [
    (["--quantity", "阿司匹林=1g"], "unknown drug"),
    (["--quantity", "海洛因=-1g"], "must not be negative"),
    (["--quantity", "海洛因=abcg"], "is not a number"),
    (["--quantity", "海洛因=3磅"], "unknown unit"),
    (["--quantity", "海洛因=60"], "no unit"),
    (["--quantity", "甲基苯丙胺片剂=5粒"], "not weight"),
    (["--quantity", "海洛因"], "expected DRUG=WEIGHT"),
    (["--circumstance", "foo", "--quantity", "海洛因=1g"], "not a circumstance"),
    (["--count", "住宿=3"], "not an option of --crime drug_trafficking"),
    ([], "no facts given"),
])
def test_drug_bad_input_is_one_line_exit_2(capsys, argv, message):
    code, out, err = run_main(capsys, "--crime", "drug_trafficking", *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_crime_and_drug_options_on_the_default(capsys):
    code, _, err = run_main(capsys, "--crime", "arson", "--quantity", "海洛因=1g")
    assert code == 2 and "unknown crime" in err and err.count("\n") == 1
    code, _, err = run_main(capsys, "--quantity", "海洛因=1g")
    assert code == 2 and "options of --crime drug_trafficking" in err


def test_list_crimes(capsys):
    code, out, _ = run_main(capsys, "--list-crimes")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("personal_information (default)") and any(l.startswith("drug_trafficking:") for l in lines)


def test_default_crime_output_unchanged(capsys):
    """--crime personal_information is the default: the same facts give byte-identical output either way."""
    argv = ["--count", "行踪轨迹=1000", "--count", "住宿=300", "--date", "2022-03-01", "--json"]
    code, default, _ = run_main(capsys, *argv)
    code2, explicit, _ = run_main(capsys, "--crime", "personal_information", *argv)
    assert code == code2 == 0 and default == explicit
    assert json.loads(default)["tier"] == "especially_serious"
