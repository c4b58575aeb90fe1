"""The `judgstat` command asks for Arrow's jemalloc pool on Linux (faster and smaller than the default there,
benchmarks/README.md) and leaves a pool the user chose alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from toolkit import cli


def test_jemalloc_is_asked_for_on_linux_only_when_no_pool_is_chosen(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    cli.prefer_jemalloc()
    assert cli.os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    cli.prefer_jemalloc()
    assert cli.os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system"
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
    monkeypatch.setattr(cli.sys, "platform", "darwin")
    cli.prefer_jemalloc()
    assert "ARROW_DEFAULT_MEMORY_POOL" not in cli.os.environ


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the jemalloc pool is asked for on Linux only")
def test_a_command_run_on_linux_uses_the_pool():
    code = ("import os, sys; os.environ.pop('ARROW_DEFAULT_MEMORY_POOL', None); from toolkit import cli; "
            "cli.prefer_jemalloc(); import pyarrow; print(pyarrow.default_memory_pool().backend_name)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "jemalloc", out.stderr
