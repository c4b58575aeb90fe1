"""Interrupted runs lose nothing and duplicate nothing: kill -9 mid-run, Ctrl-C mid-write, --max-requests, --until.

After every interruption a rerun must leave exactly the full set: each wanted document once, no
partial or orphan files, and a manifest whose every line matches its body.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scraper_server import (  # noqa: F401 (fixtures)
    FAST,
    loopback_only,
    manifest,
    procuratorate_articles,
    scrape,
    sites,
)

import scrapers.store
from toolkit.loaders import scrape_store

REPO = Path(__file__).resolve().parents[1]


def wanted_ids(sites, provinces=("sh",)) -> list[str]:  # noqa: F811
    return sorted(
        f"12309:{aid}"
        for province in provinces
        for aid, title, _ in sites.procuratorate[province]
        if title.endswith(("起诉书", "不起诉决定书")) and not title.endswith("抗诉书")
    )


def assert_exactly(out: Path, wanted: list[str]) -> None:
    items = list(scrape_store.load(out))
    assert [i for i in items if not isinstance(i, dict)] == []
    ids = [i["id"] for i in items]
    assert sorted(ids) == wanted  # all of them, each once
    entries = manifest(out)
    keys = [e["key"] for e in entries]
    assert len(keys) == len(set(keys))
    for entry in entries:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    on_disk = {p.relative_to(out).as_posix() for p in (out / "raw").rglob("*") if p.is_file()}
    assert on_disk == {e["path"] for e in entries}
    assert not list(out.rglob("*.tmp"))


def document_lines(out: Path) -> int:
    path = out / "manifest.jsonl"
    if not path.exists():
        return 0
    return path.read_text(encoding="utf-8", errors="replace").count('"kind": "document"')


@pytest.mark.parametrize("kill_after", [1, 5, 10])
def test_kill_mid_run_then_rerun_gives_exactly_the_full_set(sites, tmp_path: Path, kill_after: int) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 30)  # two list pages of 15, 20 wanted documents
    wanted = wanted_ids(sites)
    command = [sys.executable, str(REPO / "tests" / "scraper_server.py"), "scrape", "12309", "--province", "上海",
               "--out", str(tmp_path), "--base-url", sites.url, *FAST, "--rate", "25"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while document_lines(tmp_path) < kill_after and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the run finished before it could be killed; slow it down"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    stored_before = document_lines(tmp_path)
    assert kill_after <= stored_before < len(wanted)

    before = len(sites.requests_to("/12309/gj/sh/zjxflws/2"))
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 0
    assert_exactly(tmp_path, wanted)
    refetched = len(sites.requests_to("/12309/gj/sh/zjxflws/2")) - before
    # Only what was missing is fetched again (at most one more: a body written but not yet in the manifest).
    assert len(wanted) - stored_before <= refetched <= len(wanted) - stored_before + 1


@pytest.mark.parametrize("interrupt_at", [3, 4, 9, 10])
def test_interrupt_during_a_write_then_rerun(sites, tmp_path: Path, monkeypatch, interrupt_at: int) -> None:  # noqa: F811
    """Ctrl-C at the n-th fsync: odd calls sync a body file, even calls sync its manifest line."""
    sites.procuratorate["sh"] = procuratorate_articles(1, 9)
    wanted = wanted_ids(sites)
    real_fsync = os.fsync
    calls = {"n": 0}

    def flaky_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == interrupt_at:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(scrapers.store.os, "fsync", flaky_fsync)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 130
    assert "interrupted" in json.loads((tmp_path / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])["status"]
    monkeypatch.setattr(scrapers.store.os, "fsync", real_fsync)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 0
    assert_exactly(tmp_path, wanted)


def test_max_requests_runs_until_done(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 10)
    sites.procuratorate["bj"] = procuratorate_articles(2, 4)
    wanted = wanted_ids(sites, ("sh", "bj"))
    runs = 0
    while True:
        runs += 1
        before = len(sites.seen)
        code = scrape(tmp_path, "12309", sites.url, "--province", "上海", "--province", "北京", "--max-requests", "3")
        assert code == 0
        assert len(sites.seen) - before <= 3
        err = capsys.readouterr().err
        if "finished" in err:
            break
        assert "--max-requests 3 reached; rerun the same command to continue" in err
        assert runs < 30
    assert runs > 3
    assert_exactly(tmp_path, wanted)


def test_until_in_the_past_sends_nothing(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 3)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海", "--until", "2000-01-01") == 0
    assert "--until 2000-01-01 00:00:00 reached" in capsys.readouterr().err
    assert sites.seen == []


def test_resume_reuses_stored_lists_and_documents(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 6)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 0
    capsys.readouterr()
    before = len(sites.seen)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 0
    assert len(sites.seen) == before  # a complete store needs no network at all
    assert "0 new, 4 already stored; network requests: 0" in capsys.readouterr().err
