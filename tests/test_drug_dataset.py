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
