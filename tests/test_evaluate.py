"""`judgstat evaluate`: scoring rules on small hand-made inputs, and the measured accuracy on the shared data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.evaluate import (
    evaluate_files,
    evaluate_judge,
    evaluate_published,
    gold_info_category,
    gold_info_count,
    gold_outcome,
)
from toolkit.parser import parse_jsonl
from toolkit.schema import new_defendant_record

REPO = Path(__file__).resolve().parents[1]
LABEL_ERRORS = REPO / "benchmarks" / "judge_label_errors.csv"


def _record(doc_id: str, **values) -> dict:
    record = new_defendant_record(doc_id)
    record.update(values)
    return record


def _judge_label(doc_id: str, months: int, fine: int, accusation: list[str]) -> dict:
    return {
        "id": doc_id, "accusation": accusation, "punish_of_money": fine,
        "term_of_imprisonment": {"death_penalty": False, "imprisonment": months, "life_imprisonment": False},
    }


def test_judge_aggregation_sum_and_distinct() -> None:
    preds = [
        _record("d1", defendant="甲", term_months=42, fine_yuan=5000.0, charges=["盗窃罪"]),
        _record("d1", defendant="乙", term_months=42, fine_yuan=5000.0, charges=["盗窃罪"]),
        _record("d2", defendant="丙", term_months=None, fine_yuan=None, penalty_type="none", outcome="exempted"),
    ]
    gold = [_judge_label("d1", 42, 5000, ["盗窃"]), _judge_label("d2", 0, -1, ["滥伐林木"]), _judge_label("d3", 6, -1, [])]
    summed = evaluate_judge(preds, gold, "sum")
    assert (summed.scores["term_months"].agreed, summed.scores["term_months"].compared) == (1, 3)  # d2 only
    assert summed.scores["fine_yuan"].agreed == 2  # d2, d3: no fine on either side
    assert summed.scores["accusation"].agreed == 1  # d1; d2 has no charge predicted
    distinct = evaluate_judge(preds, gold, "distinct")
    assert distinct.scores["term_months"].agreed == 2 and distinct.scores["fine_yuan"].agreed == 3
    missing = [d for d in distinct.disagreements if d["doc_id"] == "d3"]
    assert {d["field"] for d in missing} == {"term_months", "life_imprisonment", "death_penalty", "accusation"}


def test_known_label_errors_give_corrected_accuracy(tmp_path: Path) -> None:
    preds = [_record("d1", defendant="甲", term_months=18, fine_yuan=20000.0)]
    gold = [_judge_label("d1", 40, 20000, [])]
    errors = tmp_path / "errors.csv"
    errors.write_text("doc_id,field,label_value,text_value,reason\nd1,term_months,40,18,per-charge terms summed\n", encoding="utf-8")
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in preds) + "\n", encoding="utf-8")
    gold_path = tmp_path / "labels.jsonl"
    gold_path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold) + "\n", encoding="utf-8")
    report = evaluate_files(pred_path, gold_path, known_label_errors=errors)
    assert report.scores["term_months"].agreed == 0
    assert report.corrected_scores["term_months"].agreed == 1


def test_published_matching_and_gold_text_fields() -> None:
    assert gold_info_count("人脸信息等公民个人信息100余条（照片1751张）；社工库资料8100万余条") == 81_000_000
    assert gold_info_count("十万余条 (林某和王某买卖)") == 100_000
    assert gold_info_count("超过7亿条泄露；8000余万条被贩卖") == 700_000_000
    assert gold_info_count(None) is None and gold_info_count("未载明") is None
    assert gold_info_category("other (载有公民个人信息的微信号)") == "other"
    assert gold_info_category("行踪轨迹 (停车位置信息、车辆行踪轨迹)") == "trajectory"
    assert gold_info_category("征信信息") == "credit" and gold_info_category(None) is None
    assert gold_outcome("convicted (sentence cut off)") == "convicted"
    assert gold_outcome("not prosecuted (相对不起诉)") == "not_prosecuted" and gold_outcome(None) is None
    preds = [
        _record("PI1", defendant="林某", outcome="convicted", term_months=8, fine_yuan=20000.0, info_count=100000, info_category="other"),
        _record("PI1", defendant="王某", outcome="convicted", term_months=6, fine_yuan=None),
    ]
    gold = [
        {"case_id": "PI1", "defendant": "林某", "outcome": "convicted", "prison_term_months": 8, "probation_months": None,
         "fine_yuan": 20000, "info_count": "十万余条", "info_category": "other (房屋业主信息)"},
        {"case_id": "PI1", "defendant": "王某 (等2人)", "outcome": "convicted", "prison_term_months": 6, "probation_months": None,
         "fine_yuan": 10000, "info_count": None, "info_category": None},
        {"case_id": "PI1", "defendant": "赵某", "outcome": "convicted", "prison_term_months": 4, "probation_months": None,
         "fine_yuan": None, "info_count": None, "info_category": None},
    ]
    report = evaluate_published(preds, gold)
    assert report.scores["term_months"].agreed == 2 and report.scores["term_months"].compared == 3
    assert report.scores["fine_yuan"].agreed == 2  # 林某 right, 王某 missed, 赵某 unparsed but gold null too
    assert report.scores["fine_yuan"].gold_stated == 2 and report.scores["fine_yuan"].gold_stated_agreed == 1
    assert report.scores["info_count"].agreed == 3  # 100000 matched; nulls agree
    assert any("赵某" in note for note in report.notes)


def test_gold_not_coded_is_left_out_and_gold_not_stated_wants_no_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Absent key or empty string: the gold field was not coded, in no denominator. null / not_stated / 未载明:
    the gold says the text states no value, and the parser is right iff it gives none."""
    preds = [
        _record("D1", defendant="甲", outcome="convicted", term_months=8, fine_yuan=5000.0),
        _record("D1", defendant="乙", outcome="convicted", term_months=6, fine_yuan=None),
        _record("D1", defendant="丙", outcome="convicted", term_months=None, fine_yuan=2000.0),
        _record("D1", defendant="丁", outcome="convicted", term_months=None, fine_yuan=None),
    ]
    gold = [  # no fine_yuan key in 甲's row; 乙's is an empty cell: both not coded
        {"case_id": "D1", "defendant": "甲", "outcome": "convicted", "prison_term_months": None},
        {"case_id": "D1", "defendant": "乙", "outcome": "convicted", "prison_term_months": "not_stated", "fine_yuan": ""},
        {"case_id": "D1", "defendant": "丙", "outcome": "convicted", "prison_term_months": "未载明", "fine_yuan": None},
        {"case_id": "D1", "defendant": "丁", "outcome": "convicted", "prison_term_months": 4, "fine_yuan": None},
    ]
    report = evaluate_published(preds, gold)
    term, fine, probation = (report.scores[n] for n in ("term_months", "fine_yuan", "probation_months"))
    # term: 甲 gold null but parser 8 (wrong), 乙 not_stated but 6 (wrong), 丙 未载明 and none (right), 丁 4 vs none
    assert (term.compared, term.agreed, term.gold_not_coded) == (4, 1, 0)
    assert (term.gold_not_stated, term.gold_not_stated_agreed, term.gold_stated, term.gold_stated_agreed) == (3, 1, 1, 0)
    # fine: 甲 and 乙 not coded; 丙 gold null but parser 2000 (wrong); 丁 null and none (right)
    assert (fine.gold_not_coded, fine.compared, fine.agreed) == (2, 2, 1)
    assert (fine.gold_not_stated, fine.gold_not_stated_agreed, fine.gold_stated) == (2, 1, 0)
    assert fine.accuracy == 0.5
    # probation is in no gold row at all: nothing to compare, accuracy undefined, not 100 %
    assert (probation.gold_not_coded, probation.compared) == (4, 0) and math.isnan(probation.accuracy)
    assert not any(d["field"] == "probation_months" for d in report.disagreements)
    assert not any(d["field"] == "fine_yuan" and d["defendant"] in ("甲", "乙") for d in report.disagreements)
    # a defendant is "all right" over the fields its gold codes
    assert report.matching["defendants_all_fields_right"] == 0
    pred_path, gold_path = tmp_path / "p.jsonl", tmp_path / "g.jsonl"
    pred_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in preds), encoding="utf-8")
    gold_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold), encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["evaluate", str(pred_path), str(gold_path), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    fine_line = next(line for line in printed.splitlines() if line.startswith("fine_yuan"))
    assert fine_line.split() == ["fine_yuan", "1", "2", "50.00%", "0/0", "1/2", "2"]
    fields = json.loads(out.read_text(encoding="utf-8"))["fields"]
    assert fields["fine_yuan"]["gold_not_coded"] == 2 and fields["fine_yuan"]["gold_not_stated"] == 2
    assert fields["probation_months"]["accuracy"] is None


def test_cli_prints_table_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps(_record("d1", term_months=7, fine_yuan=30000.0), ensure_ascii=False) + "\n", encoding="utf-8")
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps(_judge_label("d1", 7, 30000, [])) + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["evaluate", str(pred), str(gold), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "term_months" in printed and "100.00%" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["fields"]["fine_yuan"]["accuracy"] == 1.0
    assert main(["evaluate", str(pred), str(tmp_path / "none.jsonl")]) == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    capsys.readouterr()
    assert main(["evaluate", str(pred), str(empty)]) == 2
    assert capsys.readouterr().err.strip() == f"judgstat evaluate: error: {empty}: no gold records (the file is empty)"


# ---------------------------------------------------------------- measured on ../shared/data
# Floors are the levels measured when this was written (see benchmarks/README.md); a parser change
# that loses accuracy fails here.

# fine as given is 276/314: three labels have no fine where the operative part writes one with a
# thousands separator (2，000元), which the parser reads since #12 item 3 (listed in judge_label_errors.csv)
JUDGE_FLOORS_AS_GIVEN = {"term_months": 0.875, "fine_yuan": 0.875, "accusation": 0.99}
JUDGE_FLOORS_CORRECTED = {"term_months": 0.99, "fine_yuan": 0.99, "life_imprisonment": 0.99, "death_penalty": 0.99, "accusation": 0.99}
PUBLISHED_FLOORS_STATED = {
    "outcome": 0.8, "term_months": 0.95, "probation_months": 0.85, "fine_yuan": 0.7, "info_count": 0.9, "info_category": 0.85,
}


@pytest.fixture(scope="module")
def judge_predictions(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    from toolkit.paths import shared_data_dir

    shared = shared_data_dir()
    if shared is None:
        pytest.skip("../shared/data is absent")
    out = tmp_path_factory.mktemp("judge") / "pred.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for record in parse_jsonl(shared / "judge" / "judgments.jsonl"):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def test_judge_accuracy_stays_at_measured_level(shared_data: Path, judge_predictions: Path) -> None:
    report = evaluate_files(judge_predictions, shared_data / "judge" / "labels.jsonl", known_label_errors=LABEL_ERRORS)
    for name, floor in JUDGE_FLOORS_AS_GIVEN.items():
        assert report.scores[name].accuracy >= floor, (name, report.scores[name])
    for name, floor in JUDGE_FLOORS_CORRECTED.items():
        assert report.corrected_scores[name].accuracy >= floor, (name, report.corrected_disagreements)


def test_published_cases_accuracy_stays_at_measured_level(shared_data: Path, tmp_path: Path) -> None:
    cases = shared_data / "published-pi-cases" / "cases.jsonl"
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as handle:
        for record in parse_jsonl(cases, id_key="case_id"):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    report = evaluate_files(pred, cases)
    for name, floor in PUBLISHED_FLOORS_STATED.items():
        assert report.scores[name].stated_accuracy >= floor, (name, report.scores[name])


def test_selective_charge_names() -> None:
    from toolkit.evaluate import charges_match

    assert charges_match(["贩卖毒品"], ["走私、贩卖、运输、制造毒品"])
    assert charges_match(["非法持有枪支", "寻衅滋事"], ["寻衅滋事", "非法持有、私藏枪支、弹药"])
    assert charges_match(["组织他人偷越国境"], ["组织他人偷越国(边)境"])
    assert not charges_match(["诈骗"], ["合同诈骗"])
    assert not charges_match(["盗窃"], ["盗窃", "诈骗"])
    assert not charges_match(["贩卖毒品", "盗窃"], ["走私、贩卖、运输、制造毒品"])
