"""Every datasets/*/datapackage.json matches its tables; the validator and loader catch broken copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit.datasets import DatasetError, load_package, load_table, package_names, validate_package
from toolkit.paths import DATASETS_DIR

PACKAGES = package_names()


def test_there_are_packages():
    assert "official-statistics" in PACKAGES


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_valid(name):
    problems = validate_package(DATASETS_DIR / name)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_resource_loads_with_schema_dtypes(name):
    descriptor = load_package(name)
    expected = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "year": "Int64"}
    for resource in descriptor["resources"]:
        frame = load_table(name, resource["name"])
        assert len(frame) > 0 or resource.get("judgstat", {}).get("may_be_empty")
        assert list(frame.columns) == [f["name"] for f in resource["schema"]["fields"]]
        for field in resource["schema"]["fields"]:
            dtype = str(frame[field["name"]].dtype)
            kind = field.get("type", "string")
            if kind in expected:
                assert dtype == expected[kind], (resource["name"], field["name"], dtype)
            elif kind == "yearmonth":
                assert isinstance(frame[field["name"]].dtype, pd.PeriodDtype)
            elif kind in ("date", "datetime"):
                assert dtype.startswith("datetime64")


# --- a small synthetic package exercising every type ---------------------------------------

SYNTHETIC = {
    "name": "synthetic",
    "licenses": [{"name": "CC0-1.0"}],
    "resources": [
        {
            "name": "things",
            "path": "things.csv",
            "schema": {
                "primaryKey": ["id"],
                "fields": [
                    {"name": "id", "type": "string", "description": "key", "constraints": {"required": True}},
                    {"name": "n", "type": "integer", "description": "count", "constraints": {"minimum": 0}},
                    {"name": "x", "type": "number", "description": "share"},
                    {"name": "flag", "type": "boolean", "description": "flag"},
                    {"name": "month", "type": "yearmonth", "description": "month"},
                    {"name": "day", "type": "date", "description": "day"},
                    {"name": "year", "type": "year", "description": "year"},
                    {"name": "kind", "type": "string", "description": "kind", "constraints": {"enum": ["a", "b"]}},
                    {"name": "source_ref", "type": "string", "description": "where from"},
                ],
            },
        }
    ],
}
GOOD_CSV = "id,n,x,flag,month,day,year,kind,source_ref\nr1,3,0.5,true,2017-06,2017-06-01,2017,a,book p. 1\nr2,,1e-3,false,2015-11,,2015,b,report\n"


def write_package(root: Path, csv_text: str = GOOD_CSV, descriptor: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "datapackage.json").write_text(json.dumps(descriptor or SYNTHETIC), encoding="utf-8")
    (root / "things.csv").write_text(csv_text, encoding="utf-8")
    return root


def test_synthetic_package_is_valid_and_typed(tmp_path):
    root = write_package(tmp_path / "synthetic")
    assert validate_package(root) == []
    frame = load_table(root, "things")
    assert frame["n"].dtype == "Int64" and frame["n"].isna().tolist() == [False, True]
    assert frame["x"].dtype == "Float64" and frame["x"].iloc[1] == pytest.approx(0.001)
    assert frame["flag"].dtype == "boolean" and frame["flag"].tolist() == [True, False]
    assert frame["month"].iloc[0] == pd.Period("2017-06", freq="M")
    assert str(frame["day"].dtype).startswith("datetime64") and pd.isna(frame["day"].iloc[1])
    assert frame["year"].dtype == "Int64"
    assert frame["kind"].dtype == "string"


@pytest.mark.parametrize(
    "csv_text, expected",
    [
        (GOOD_CSV.replace("r2,,1e-3", "r2,2.5,1e-3"), "field 'n': expected an integer"),
        (GOOD_CSV.replace(",b,report", ",c,report"), "not in enum"),
        (GOOD_CSV.replace("2015-11", "2015-13"), "expected YYYY-MM"),
        (GOOD_CSV.replace("false", "maybe"), "expected true/false"),
        (GOOD_CSV.replace(",b,report", ",b,"), "names no source"),
        (GOOD_CSV.replace("r2,", "r1,"), "primary key repeats"),
        (GOOD_CSV.replace("r2,", ","), "required field 'id' is empty"),
        (GOOD_CSV.replace("r1,3", "r1,-3"), "below minimum"),
        (GOOD_CSV.replace(",source_ref", ",source"), "column 'source' is not described"),
        # header names swapped: columns are matched by name, so 'kind' now holds the sources
        (GOOD_CSV.replace("kind,source_ref\n", "source_ref,kind\n", 1), "not in enum"),
    ],
)
def test_broken_copies_are_reported(tmp_path, csv_text, expected):
    root = write_package(tmp_path / "broken", csv_text)
    problems = validate_package(root)
    assert any(expected in p for p in problems), problems
    assert all(str(root) in p for p in problems), "every problem names the file"


def test_broken_copy_of_the_real_package_is_reported(tmp_path):
    copy = tmp_path / "official-statistics"
    shutil.copytree(DATASETS_DIR / "official-statistics", copy)
    table = copy / "court_counts.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    # blank out the source of the first data row and break a value in the second
    header = lines[0].split(",")
    source_index = header.index("source_ref")
    assert source_index > 0
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    frame.loc[0, "source_ref"] = ""
    frame.loc[1, "value"] = "nine hundred"
    frame.loc[2, "verification"] = "probably"
    frame.to_csv(table, index=False)
    problems = validate_package(copy)
    assert any("court-r1-new" in p and "source_ref" in p for p in problems), problems
    assert any("court-r1-concluded" in p and "expected a number" in p for p in problems), problems
    assert any("'probably' not in enum" in p for p in problems), problems
    with pytest.raises(DatasetError, match="court_counts.csv line 3 .*value"):
        load_table(copy, "court_counts")


def test_descriptor_problems_are_reported(tmp_path):
    bad = json.loads(json.dumps(SYNTHETIC))
    bad["resources"][0]["schema"]["fields"].append({"name": "extra", "type": "integer", "description": "not in the CSV"})
    bad["resources"][0]["schema"]["fields"][1]["type"] = "complex"
    del bad["licenses"]
    root = write_package(tmp_path / "bad", descriptor=bad)
    problems = validate_package(root)
    assert any("lacks 'licenses'" in p for p in problems)
    assert any("unsupported type 'complex'" in p for p in problems)
    (root / "datapackage.json").write_text("{not json", encoding="utf-8")
    assert any("not valid JSON" in p for p in validate_package(root))


def test_missing_field_column_is_reported(tmp_path):
    bad = json.loads(json.dumps(SYNTHETIC))
    bad["resources"][0]["schema"]["fields"].append({"name": "extra", "type": "integer", "description": "not in the CSV"})
    root = write_package(tmp_path / "bad", descriptor=bad)
    assert any("field 'extra' is not a column" in p for p in validate_package(root))
    with pytest.raises(DatasetError, match="columns missing"):
        load_table(root, "things")


def test_unknown_package_and_resource_are_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match="no dataset package 'nope'"):
        load_package("nope")
    root = write_package(tmp_path / "synthetic")
    with pytest.raises(DatasetError, match="no resource 'other'"):
        load_table(root, "other")


def test_jsonl_tables_load_with_native_values(tmp_path):
    descriptor = json.loads(json.dumps(SYNTHETIC))
    descriptor["resources"][0]["path"] = "things.jsonl"
    root = tmp_path / "jl"
    root.mkdir()
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rows = [
        {"id": "r1", "n": 3, "x": 0.5, "flag": True, "month": "2017-06", "day": "2017-06-01", "year": 2017, "kind": "a", "source_ref": "s"},
        {"id": "r2", "n": None, "x": 1, "flag": False, "month": "2015-11", "year": 2015, "kind": "b", "source_ref": "s"},
    ]
    (root / "things.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert validate_package(root) == []
    frame = load_table(root, "things")
    assert frame["n"].tolist()[0] == 3 and pd.isna(frame["n"].iloc[1])
    assert frame["flag"].dtype == "boolean"


def test_array_and_object_fields(tmp_path):
    descriptor = json.loads(json.dumps(SYNTHETIC))
    descriptor["resources"][0]["schema"]["fields"] = [
        {"name": "id", "type": "string", "description": "key"},
        {"name": "tags", "type": "array", "description": "list"},
        {"name": "meta", "type": "object", "description": "dict"},
        {"name": "source_ref", "type": "string", "description": "where from"},
    ]
    root = write_package(tmp_path / "arr", 'id,tags,meta,source_ref\nr1,"[""a"", ""b""]","{""k"": 1}",s\n', descriptor)
    assert validate_package(root) == []
    frame = load_table(root, "things")
    assert frame.loc[0, "tags"] == ["a", "b"] and frame.loc[0, "meta"] == {"k": 1}
    broken = write_package(tmp_path / "arr2", 'id,tags,meta,source_ref\nr1,"{""a"": 1}",x,s\n', descriptor)
    problems = validate_package(broken)
    assert any("expected a JSON array" in p for p in problems) and any("expected JSON object" in p for p in problems)
