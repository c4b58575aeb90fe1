"""The embedded case-level datasets: descriptors valid, normalisation rules, regeneration by script, no passages."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from toolkit.datasets import format_cell, load_table, validate_package
from toolkit.paths import DATASETS_DIR

PUBLISHED = DATASETS_DIR / "published-pi-cases"
JUDGE = DATASETS_DIR / "judge-sample"


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return load_module(PUBLISHED / "build.py", "published_pi_cases_build")


@pytest.mark.parametrize("package", [PUBLISHED, JUDGE], ids=lambda p: p.name)
def test_package_is_valid(package):
    if not (package / "datapackage.json").exists():
        pytest.fail(f"{package} has no datapackage.json")
    assert validate_package(package) == []
    assert (package / "README.md").is_file() and (package / "build.py").is_file()


def test_published_table_shape():
    cases = load_table("published-pi-cases", "cases")
    assert len(cases) == 66 and cases["doc_id"].nunique() == 35
    assert set(cases["source_type"]) <= {"official_release", "court", "news", "law_firm"}
    assert not cases.duplicated(["doc_id", "defendant"]).any()
    # the tier-engine notebook reads these columns: keep them stable
    for column in ("doc_id", "defendant", "info_count", "info_count_approx", "info_category", "illegal_gains_yuan",
                   "term_months", "probation_months", "fine_yuan", "tier_stated", "judgment_date", "charges"):
        assert column in cases.columns
    first = cases[(cases["doc_id"] == "PI001")].iloc[0]
    assert first["info_count"] == 81_000_000 and bool(first["info_count_approx"])
    assert first["tier_stated"] == "especially_serious" and first["court_level"] == "basic"


@pytest.mark.parametrize(
    "stated, expected",
    [
        ("人脸信息等公民个人信息100余条（照片1751张）；社工库资料8100万余条", (81_000_000, True)),
        ("业主房源信息30余万条", (300_000, True)),
        ("十万余条 (林某和王某买卖)", (100_000, True)),
        ("88万条 (先后倒卖)", (880_000, False)),
        ("超10万条 (团伙); U盘中2万余条", (100_000, True)),
        ("实名注册微信账号752个 (查扣)", (752, False)),
        ("百万条", (1_000_000, False)),
        ("无法统计", (None, None)),
    ],
)
def test_normalise_count(build, stated, expected):
    notes: list[str] = []
    assert build.normalise_count(stated, notes) == expected
    if expected[0] is None:
        assert notes == ["info count not a number: 无法统计"]


@pytest.mark.parametrize(
    "stated, expected",
    [
        ("150余万元", 1_500_000),
        ("九万余元 (退交46011.3元予以没收)", 90_000),
        ("共计30余万元 (五人合计)", None),
        ("谢某等11人共计31余万元", None),
        ("450余万元 (共计)", None),
        ("84612.1元", 84612.1),
        ("近5万元", None),  # an upper bound, not an amount
        (34955, 34955),
    ],
)
def test_normalise_gains(build, stated, expected):
    assert build.normalise_gains(stated, []) == expected


def test_court_procedure_and_source_rules(build):
    notes: list[str] = []
    assert build.normalise_court("广东省汕头市中级人民法院 (公布; 经一审、二审)", notes) == "广东省汕头市中级人民法院"
    assert build.court_level("广东省汕头市中级人民法院") == "intermediate"
    assert build.normalise_court("山西省阳泉市城区人民检察院 (procuratorate)", notes) is None
    assert build.normalise_court("未具名（“司法机关”）", notes) is None
    assert build.province_of(None, "（2018）苏0803刑初644号", notes) == "江苏"
    assert build.province_of("内蒙古自治区呼和浩特市中级人民法院", None, notes) == "内蒙古"
    assert build.normalise_procedure("first instance; appeal dismissed (二审裁定驳回上诉，维持原判)", notes) == "first_instance"
    assert build.normalise_procedure("non-prosecution decision", notes) == "other"
    assert build.normalise_charges("侵犯公民个人信息罪 (page frames it under 出售公民个人信息; charge name not restated)", notes) == ["侵犯公民个人信息罪"]
    assert build.normalise_charges("侵犯公民个人信息罪；妨害信用卡管理罪（合并）", notes) == ["侵犯公民个人信息罪", "妨害信用卡管理罪"]
    assert build.source_type({"release": "SPC 指导性案例192号", "source": "https://example.com/lawyer"}) == "official_release"
    assert build.source_type({"release": None, "source": "http://bbzy.ahcourt.gov.cn/article/1.shtml"}) == "court"
    assert build.source_type({"release": None, "source": "https://lawyeranswers.com/p/1.html (defence-lawyer article)"}) == "law_firm"
    assert build.source_type({"release": None, "source": "https://www.163.com/dy/article/x.html (极目新闻)"}) == "news"


@pytest.mark.shared
def test_published_table_regenerates(build, shared_data, tmp_path, monkeypatch):
    source = shared_data / "published-pi-cases" / "cases.jsonl"
    cases = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [build.normalise_case(case) for case in cases]
    build.apply_corrections(rows, build.RESOLUTIONS)
    if build.CHECKS.exists():
        build._apply_recorded_checks(rows, build.CHECKS)
    out = tmp_path / "cases.csv"
    build.write_csv(rows, build.COLUMNS, out)
    assert out.read_text(encoding="utf-8") == (PUBLISHED / "cases.csv").read_text(encoding="utf-8")


@pytest.mark.shared
def test_no_passage_is_shipped(shared_data):
    """No 20-character run of any source passage appears in the shipped files."""
    shipped = "".join(
        p.read_text(encoding="utf-8") for p in list(PUBLISHED.glob("*.csv")) + list(JUDGE.glob("*.csv"))
    )
    source = shared_data / "published-pi-cases" / "cases.jsonl"
    for line in source.read_text(encoding="utf-8").splitlines():
        text = "".join(json.loads(line)["text"].split())
        for start in range(0, max(1, len(text) - 20), 10):
            assert text[start : start + 20] not in shipped


def test_checks_cover_every_row():
    path = PUBLISHED / "checks.csv"
    if not path.exists():
        pytest.fail("checks.csv missing: run build.py --check")
    with path.open(encoding="utf-8", newline="") as handle:
        checks = list(csv.DictReader(handle))
    cases = load_table("published-pi-cases", "cases")
    checked = {(c["doc_id"], c["defendant"]) for c in checks}
    assert checked == set(zip(cases["doc_id"], cases["defendant"]))
    assert cases["parser_check"].notna().all()
    for check in checks:
        if check["status"] == "disagree":
            assert check["resolution"], f"unresolved disagreement: {check}"


def test_judge_sample_shape():
    sample = load_table("judge-sample", "defendants")
    assert sample["doc_id"].nunique() == 314
    assert not sample.duplicated(["doc_id", "defendant_index"]).any()
    assert set(sample["outcome"].dropna()) <= {"convicted", "exempted", "acquitted", "not_criminally_responsible", "not_prosecuted", "unknown"}
    assert "defendant" not in sample.columns and "text" not in sample.columns  # no names, no texts


@pytest.mark.shared
def test_judge_sample_regenerates(shared_data):
    build = load_module(JUDGE / "build.py", "judge_sample_build")
    rows = []
    for line in (shared_data / "judge" / "judgments.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        rows.extend(build.rows_for_document(item["id"], item["text"]))
    with (JUDGE / "defendants.csv").open(encoding="utf-8", newline="") as handle:
        shipped = list(csv.DictReader(handle))
    assert len(rows) == len(shipped)
    for row, committed in zip(rows, shipped):
        assert {k: format_cell(v) for k, v in row.items()} == committed


@pytest.mark.shared
def test_parser_recheck_leaves_nothing_unresolved(build, shared_data, tmp_path):
    """Re-run the parser check: every disagreement or parser-only value must have a resolution by reading.

    (Exact equality with the committed checks.csv is not required: the parser may improve; a new
    disagreement it raises must be read and resolved in resolutions.csv.)
    """
    check = load_module(PUBLISHED / "check.py", "published_pi_cases_check")
    source = shared_data / "published-pi-cases" / "cases.jsonl"
    cases = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [build.normalise_case(case) for case in cases]
    build.apply_corrections(rows, build.RESOLUTIONS)
    checks = check.check_rows(cases, rows, tmp_path / "checks.csv")
    unresolved = [c for c in checks if c["status"] in ("disagree", "parser_only") and not c["resolution"]]
    assert not unresolved, f"{len(unresolved)} new parser disagreements; read them and add resolutions: {unresolved[:3]}"
