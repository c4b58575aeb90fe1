"""`make docs`: the site builds in strict mode, with the CLI reference generated from the parsers, every data
package's descriptor as tables and every notebook rendered; strict mode does fail on a broken link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.cli import SUBCOMMANDS
from toolkit.paths import REPO_ROOT
from toolkit.run_notebooks import notebook_paths

pytest.importorskip("mkdocs", reason="the docs extra is not installed (make install installs it)")

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _mkdocs(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=300)


def test_the_site_builds_strict_with_generated_pages(tmp_path):
    site = tmp_path / "site"
    done = _mkdocs("--site-dir", str(site))
    assert done.returncode == 0, done.stderr[-3000:]
    cli = (site / "generated" / "cli" / "index.html").read_text(encoding="utf-8")
    for name in SUBCOMMANDS:
        assert f"judgstat {name}" in cli, name
    data = (site / "generated" / "data" / "index.html").read_text(encoding="utf-8")
    for descriptor in (REPO_ROOT / "datasets").glob("*/datapackage.json"):
        assert descriptor.parent.name in data
    for notebook in notebook_paths():
        assert (site / "generated" / "notebooks" / notebook.stem / "index.html").is_file(), notebook.name


def test_strict_mode_fails_on_a_broken_link(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\nstrict: true\ntheme:\n  name: material\n"
                                         "  font: false\n", encoding="utf-8")
    done = _mkdocs("--site-dir", str(tmp_path / "site"), cwd=tmp_path)
    assert done.returncode != 0 and "missing.md" in done.stderr
