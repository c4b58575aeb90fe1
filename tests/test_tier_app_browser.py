"""The tier calculator page in a real browser: Voilà serves notebooks/app/tier_calculator.ipynb on 127.0.0.1,
headless Chromium (tests/browser.py) types the seed case and reads the tier and the what-if back from the page.

Skips with the reason when Chromium, chromedriver or Voilà is missing, except under JUDGSTAT_REQUIRE_BROWSER=1
(CI), where that fails.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
from typing import Iterator

import pytest
from browser import _missing, chromium_driver  # noqa: F401  (chromium_driver is a fixture)

from toolkit.app.cli import APP_NOTEBOOK, HOST, voila_command

SERVER_START_SECONDS = 60
PAGE_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log_path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Voilà exited with {process.returncode}: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"Voilà did not listen on {HOST}:{port} within {SERVER_START_SECONDS} s")


@pytest.fixture
def voila_page(tmp_path) -> Iterator[str]:
    if importlib.util.find_spec("voila") is None:
        _missing("Voilà is not installed (make install installs the 'app' extra)")
    port = _free_port()
    log_path = tmp_path / "voila.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with log_path.open("w") as log:
        process = subprocess.Popen(voila_command(APP_NOTEBOOK, port), cwd=APP_NOTEBOOK.parent, stdout=log,
                                   stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        _wait_for_port(port, process, log_path)
        yield f"http://{HOST}:{port}/"
    finally:
        # The server and the kernel it started form their own process group (start_new_session): end that group.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _text_of(driver, css: str) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(element.text for element in driver.find_elements(By.CSS_SELECTOR, css))


def _wait_text(driver, css: str, wanted: str, timeout: float = PAGE_SECONDS) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: wanted in _text_of(d, css))
    except Exception:
        pytest.fail(f"{css!r} never showed {wanted!r}; it shows {_text_of(driver, css)!r}")
    return _text_of(driver, css)


def _type(driver, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    box = WebDriverWait(driver, PAGE_SECONDS).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, css)))
    box.clear()
    box.send_keys(text)


def test_seed_case_tier_and_what_if_in_the_browser(voila_page, chromium_driver):
    from selenium.webdriver.common.by import By

    driver = chromium_driver
    driver.set_page_load_timeout(PAGE_SECONDS)
    driver.get(voila_page)
    _wait_text(driver, ".judgstat-tier", "enter item counts")

    _type(driver, ".judgstat-count-trajectory input", "1000")
    assert "情节特别严重" in _wait_text(driver, ".judgstat-tier", "情节特别严重")
    ranges = _wait_text(driver, ".judgstat-range", "36–84 months")
    assert "Art.253-1(1)" in ranges and "并处罚金" in ranges

    what_if = {(item.get_attribute("data-kind"), item.get_attribute("data-to-tier")): item.text
               for item in driver.find_elements(By.CSS_SELECTOR, ".judgstat-whatif li")}
    assert "至少501条" in what_if[("deduct", "serious")] and "情节严重" in what_if[("deduct", "serious")]
    assert "至少951条" in what_if[("deduct", "none")] and "未达情节严重" in what_if[("deduct", "none")]

    # The user's own deduction: 501 -> 情节严重, 951 -> below every standard, 500 -> still the top tier.
    _type(driver, ".judgstat-deduct-items input", "501")
    assert "：情节严重" in _wait_text(driver, ".judgstat-deduct-result", "1,000→499")
    _type(driver, ".judgstat-deduct-items input", "951")
    assert "未达情节严重" in _wait_text(driver, ".judgstat-deduct-result", "1,000→49条")
    _type(driver, ".judgstat-deduct-items input", "500")
    assert "情节特别严重" in _wait_text(driver, ".judgstat-deduct-result", "1,000→500")

    # The same 1,000 items entered as other information reach no tier.
    _type(driver, ".judgstat-count-trajectory input", "")
    _type(driver, ".judgstat-count-other input", "1000")
    assert "未达情节严重" in _wait_text(driver, ".judgstat-tier", "未达情节严重")

    # Unreadable input is named on the page, not swallowed.
    _type(driver, ".judgstat-count-other input", "12x")
    assert "not a whole number" in _wait_text(driver, ".judgstat-messages", "12x")
