"""datasets/cail-drug-cases: the committed table is what build.py makes from ../shared (skips when absent)."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json

import pytest

from toolkit.datasets import write_csv
from toolkit.paths import DATASETS_DIR, REPO_ROOT, shared_data_dir

HERE = DATASETS_DIR / "cail-drug-cases"


def _build_module():
    spec = importlib.util.spec_from_file_location("cail_drug_build", HERE / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_provenance_names_the_current_extractor():
    provenance = json.loads((HERE / "provenance.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256((REPO_ROOT / provenance["extractor"]).read_bytes()).hexdigest()
    assert provenance["extractor_sha256"] == digest, "rerun .venv/bin/python datasets/cail-drug-cases/build.py --sample"
    assert len(provenance["sources"]) == 2 and all(len(s["sha256"]) == 64 for s in provenance["sources"])


def test_committed_table_is_what_build_makes(tmp_path):
    shared = shared_data_dir()
    if shared is None or not (shared / "cail2018-sample").is_dir():
        pytest.skip("../shared/data/cail2018-sample is absent")
    build = _build_module()
    rows, errors = build.build(shared / "cail2018-sample")
    assert errors == []
    out = tmp_path / "defendants.csv"
    write_csv(rows, build.COLUMNS, out)
    assert out.read_text(encoding="utf-8") == (HERE / "defendants.csv").read_text(encoding="utf-8")


def test_hand_samples_cover_their_ids():
    build = _build_module()
    with (HERE / "defendants.csv").open(encoding="utf-8") as handle:
        rows = [{"case_id": r["case_id"]} for r in csv.DictReader(handle)]
    samples = build.sample_ids(rows)
    names = ("hand_sample.csv", "hand_sample_2.csv", "hand_sample_3.csv", "hand_sample_4.csv")
    for name, ids in zip(names, samples):
        with (HERE / name).open(encoding="utf-8") as handle:
            sample = list(csv.DictReader(handle))
        assert [r["case_id"] for r in sample] == ids, name
        assert all("hand_drugs_g" in r for r in sample), name
    first, second, third, fourth = (set(ids) for ids in samples)
    cue_check = set(build.frozen_ids(HERE / "cue_check.csv"))
    assert len(cue_check) == 20
    assert not first & second and not (first | second) & third
    assert not (first | second | third | cue_check) & fourth, "hand_sample_4 repeats a case read before"


def _measure_module():
    spec = importlib.util.spec_from_file_location("cail_drug_measure", HERE / "measure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_hand_check_figures_are_what_measure_computes():
    """The README's table of current figures (one line per sample) and its full-table figures are what measure.py
    computes now; the independent sample's figures are the bold ones."""
    measure = _measure_module()
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    current = readme[readme.index("## Current figures"):readme.index("## Fourth version")]
    for name in ("hand_sample.csv", "hand_sample_2.csv", "hand_sample_3.csv", "hand_sample_4.csv"):
        rows, results = measure.sample_results(name)
        n = len(rows)
        line = next((line for line in current.splitlines() if line.startswith(f"| `{name}`")), None)
        assert line is not None, f"README has no current line for {name}"
        drug, grams, tier = (sum(r[key] for r in results) for key in ("drug", "grams", "tier"))
        cells = [c.strip() for c in line.split("|")[1:-1]]
        assert cells[2] == f"{drug}/{n}", f"{name} main drug: README {cells[2]}, measure.py {drug}/{n}"
        assert cells[3].strip("*").startswith(f"{grams}/{n} ("), f"{name} grams: README {cells[3]}, measure {grams}/{n}"
        assert cells[4].strip("*").startswith(f"{tier}/{n} ("), f"{name} tier: README {cells[4]}, measure {tier}/{n}"
        if name == "hand_sample_4.csv":
            assert n == 30 and all(r["hand_note"] for r in rows)
            assert f"**{grams}/{n} (" in current and f"**{tier}/{n} (" in current
    verdicts = measure.cue_verdicts()
    assert len(verdicts) == 20
    assert f"**{sum(verdicts)}/{len(verdicts)} (" in current
    with (HERE / "defendants.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    inside = [r for r in table if r["tier"] and r["inside_range"] in ("true", "false")]
    k = sum(r["inside_range"] == "true" for r in inside)
    assert f"{k}/{len(inside)} (" in current, f"README's full-table figure is not {k}/{len(inside)}"


def test_measure_names_file_and_row_of_an_unread_or_bad_hand_column(tmp_path):
    measure = _measure_module()
    unread = tmp_path / "unread.csv"
    unread.write_text("case_id,extracted_drugs_g\ncail2018:x:1,{}\n", encoding="utf-8")
    with pytest.raises(measure.HandColumnError, match=r"unread\.csv: no column hand_drugs_g"):
        measure.sample_results(unread)
    bad = tmp_path / "bad.csv"
    bad.write_text('case_id,extracted_drugs_g,hand_drugs_g\ncail2018:x:1,{},"{""heroin"": -1}"\n', encoding="utf-8")
    with pytest.raises(measure.HandColumnError, match=r"bad\.csv row 2 \(cail2018:x:1\) hand_drugs_g"):
        measure.sample_results(bad)
    cues = tmp_path / "cues.csv"
    cues.write_text("case_id,hand_correct,hand_reading\ncail2018:x:1,yes,read\ncail2018:x:2,,\n", encoding="utf-8")
    with pytest.raises(measure.HandColumnError, match=r"cues\.csv row 3 \(cail2018:x:2\)"):
        measure.cue_verdicts(cues)
