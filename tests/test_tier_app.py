"""The tier calculator's logic and widget wiring without a browser (tests/test_tier_app_browser.py drives the page)."""

from __future__ import annotations

import socket

import pytest

from toolkit.app import cli as app_cli
from toolkit.app.tier_app import TierCalculator, TierForm, calculate, read_form
from toolkit.cli import main
from toolkit.run_notebooks import notebook_paths
from toolkit.tiers import CaseFacts, assess


def test_seed_case_tier_range_article_and_what_if():
    calc = calculate(TierForm(counts={"trajectory": "1000"}))
    assert calc.result.tier == "especially_serious"
    assert calc.headline_zh == "情节特别严重"
    assert calc.result.range_months == (36, 84)
    assert "36–84 months" in calc.range_en and "fine mandatory" in calc.range_en
    assert calc.article.startswith("Art.253-1(1)") and "Art.5(2)(3)" in calc.article
    deductions = {c["to_tier"]: c["items"] for c in calc.what_if if c["kind"] == "deduct"}
    assert deductions == {"serious": 501, "none": 951}


@pytest.mark.parametrize("deduct, tier", [("500", "especially_serious"), ("501", "serious"), ("950", "serious"),
                                          ("951", "none")])
def test_what_if_deduction_explorer(deduct, tier):
    calc = calculate(TierForm(counts={"trajectory": "1000"}, deduct_category="trajectory", deduct_items=deduct))
    assert calc.explorer[0] == tier
    left = 1000 - int(deduct)
    assert f"1,000→{left:,}条" in calc.explorer[1]


def test_as_other_information_no_tier_and_no_range():
    calc = calculate(TierForm(counts={"other": "1,000"}))
    assert calc.result.tier == "none" and calc.headline_zh == "未达情节严重"
    assert calc.result.range_months is None and calc.range_zh == "—"


def test_duty_halves_the_standards_and_names_the_aggravation():
    plain = calculate(TierForm(counts={"trajectory": "30"}))
    duty = calculate(TierForm(counts={"trajectory": "30"}, duty=True))
    assert plain.result.tier == "none" and duty.result.tier == "serious"
    assert "Art.253-1(2)" in duty.article and "Art.5(1)(8)" in duty.article


def test_gains_alone_and_in_chinese_numerals():
    assert calculate(TierForm(gains="5000")).result.tier == "serious"
    assert calculate(TierForm(gains="4,999.99")).result.tier == "none"
    assert calculate(TierForm(gains="五万元")).result.tier == "especially_serious"


def test_conduct_date_selects_the_law():
    before_ix = calculate(TierForm(counts={"trajectory": "1000"}, conduct_date="2014-01-01"))
    assert before_ix.result.statute_version == "amendment_vii"
    assert before_ix.result.range_months == (1, 36) and "仅设一档" in before_ix.headline_zh
    assert "not in force at the conduct date" in before_ix.article
    before_article = calculate(TierForm(counts={"trajectory": "1000"}, conduct_date="2008-01-01"))
    assert before_article.result.range_months is None and "不构成本罪" in before_article.headline_zh


def test_circumstance_flags_and_art10_conditions_reach_the_engine():
    calc = calculate(TierForm(flags={"severe_consequences": True}))
    assert calc.result.tier == "especially_serious" and "Art.5(2)(1)" in calc.result.clauses
    prior = calculate(TierForm(counts={"other": "10"}, flags={"prior_punishment": True}))
    assert "Art.5(1)(9)" in prior.result.clauses
    lenient = calculate(TierForm(counts={"trajectory": "60"},
                                 art10={"first_offender": True, "gains_returned": True, "remorse": True}))
    assert lenient.result.art10["status"] == "eligible"


@pytest.mark.parametrize("form, field", [
    (TierForm(counts={"trajectory": "12x"}), "行踪轨迹 trajectory"),
    (TierForm(counts={"trajectory": "-5"}), "行踪轨迹 trajectory"),
    (TierForm(counts={"trajectory": "10.5"}), "行踪轨迹 trajectory"),
    (TierForm(gains="lots"), "illegal gains"),
    (TierForm(counts={"other": "1"}, conduct_date="2022-02-30"), "conduct date"),
    (TierForm(counts={"other": "1"}, conduct_date="1/3/2022"), "conduct date"),
])
def test_unreadable_entries_are_named_not_guessed(form, field):
    read = read_form(form)
    assert read.facts is None
    assert len(read.errors) == 1 and read.errors[0].startswith(field)
    calc = calculate(form)
    assert calc.result is None and calc.errors == read.errors


def test_impossible_deduction_is_reported():
    too_many = calculate(TierForm(counts={"trajectory": "100"}, deduct_category="trajectory", deduct_items="101"))
    assert too_many.explorer is None and "only 100" in too_many.errors[0]
    assert too_many.result.tier == "serious"  # the form's own facts are still assessed


def test_approximate_count_is_a_lower_bound_with_a_note():
    calc = calculate(TierForm(counts={"trajectory": "一千余"}))
    assert calc.result.facts.counts == {"trajectory": 1000}
    assert any("lower bound" in note for note in calc.notes)


def test_nothing_entered_asks_for_facts():
    calc = calculate(TierForm(duty=True))
    assert calc.result is None and not calc.errors and "enter item counts" in calc.headline_en


def test_same_answer_as_the_engine_for_mixed_categories():
    calc = calculate(TierForm(counts={"trajectory": "25", "other": "2500"}))
    engine = assess(CaseFacts(counts={"trajectory": 25, "other": 2500}))
    assert calc.result.tier == engine.tier == "serious"
    assert [c["text_en"] for c in calc.what_if] == [c["text_en"] for c in engine.what_if]


def test_widgets_recompute_on_each_change():
    pytest.importorskip("ipywidgets")
    app = TierCalculator()
    assert "enter item counts" in app._tier.value
    app.set(counts={"行踪轨迹": 1000})
    assert 'data-tier="especially_serious"' in app._tier.value and "情节特别严重" in app._tier.value
    assert "至少501条" in app._what_if.value and "至少951条" in app._what_if.value
    assert app._deduct_category.value == "trajectory"
    app._deduct_items.value = "951"
    assert 'data-tier="none"' in app._explorer.value
    app._counts["trajectory"].value = "1000a"
    assert "not a whole number" in app._messages.value and app._explorer.value == ""
    app._counts["trajectory"].value = ""
    assert app._deduct_category.options == () and "enter item counts" in app._tier.value


def test_the_voila_page_is_not_a_reproduce_notebook():
    assert app_cli.APP_NOTEBOOK.is_file()
    assert app_cli.APP_NOTEBOOK not in notebook_paths()


def test_voila_command_binds_loopback_only():
    command = app_cli.voila_command(app_cli.APP_NOTEBOOK, 8899)
    assert "--Voila.ip=127.0.0.1" in command and "--port=8899" in command and "--no-browser" in command


def test_app_cli_rejects_a_bad_port(capsys):
    assert main(["app", "--port", "70000"]) == 2
    assert "--port 70000" in capsys.readouterr().err


def test_app_cli_reports_a_port_in_use(capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port {port}" in err and "in use" in err and err.count("\n") == 1


def test_server_log_noise_is_dropped():
    import io

    log = io.StringIO("[Voila] WARNING | Notebook tier_calculator.ipynb is not trusted\n"
                      "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All ...\n"
                      "[Voila] ERROR | a real problem\n")
    out = io.StringIO()
    app_cli.relay_log(log, out)
    assert out.getvalue() == "[Voila] ERROR | a real problem\n"


def test_judgstat_app_serves_and_a_kill_stops_its_server(tmp_path):
    import importlib.util
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    if importlib.util.find_spec("voila") is None:
        pytest.skip("Voilà is not installed (make install installs the 'app' extra)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "app", "--port", str(port)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert app.poll() is None, f"judgstat app exited: {app.stderr.read()}"
                assert time.monotonic() < deadline, "judgstat app did not serve within 60 s"
                time.sleep(0.3)
        app.send_signal(signal.SIGTERM)
        out, err = app.communicate(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0
    assert out.strip() == f"tier calculator: http://127.0.0.1:{port}/  (Ctrl-C stops it)"
    assert "without encryption" not in err and "not trusted" not in err
    with pytest.raises(ConnectionRefusedError):  # nothing listens any more: the server did not outlive its command
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
