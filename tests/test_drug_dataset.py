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
    first, second, third = build.sample_ids(rows)
    for name, ids in (("hand_sample.csv", first), ("hand_sample_2.csv", second)):
        with (HERE / name).open(encoding="utf-8") as handle:
            sample = list(csv.DictReader(handle))
        assert [r["case_id"] for r in sample] == ids
        assert all("hand_drugs_g" in r for r in sample)
    with (HERE / "hand_sample_3.csv").open(encoding="utf-8") as handle:
        assert [r["case_id"] for r in csv.DictReader(handle)] == third
    assert not set(first) & set(second) and not (set(first) | set(second)) & set(third)


def _measure_module():
    spec = importlib.util.spec_from_file_location("cail_drug_measure", HERE / "measure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_hand_check_figures_are_what_measure_computes():
    measure = _measure_module()
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    rows, results = measure.sample_results("hand_sample_3.csv")
    n = len(rows)
    assert n == 30 and all(r["hand_drugs_g"] is not None for r in rows)
    for key in ("grams", "tier"):
        k = sum(r[key] for r in results)
        assert f"**{k}/{n} (" in readme, f"README's hand_sample_3 {key} figure is not {k}/{n}: rerun measure.py"
    verdicts = measure.cue_verdicts()
    assert len(verdicts) == 20
    assert f"**{sum(verdicts)}/{len(verdicts)} (" in readme


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
