"""Docstrings name only files and modules that exist: a moved module (toolkit/tiers/rules.json became
toolkit/crimes/personal_information/rules.json) must not leave its old path in a docstring."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

from toolkit.paths import REPO_ROOT

PATH_REFERENCE = re.compile(r"(?<![\w/.])toolkit/[\w/.-]*\w")
MODULE_REFERENCE = re.compile(r"(?<![\w/.])toolkit(?:\.\w+)+")
SOURCES = sorted((REPO_ROOT / "toolkit").rglob("*.py"))


def _docstrings(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node)
            if doc:
                yield doc


def resolves(dotted: str) -> bool:
    """Whether `dotted` is an importable module, or an attribute path inside one."""
    parts = dotted.split(".")
    for k in range(len(parts), 1, -1):
        module_name = ".".join(parts[:k])
        try:
            spec = importlib.util.find_spec(module_name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        target = importlib.import_module(module_name)
        for attribute in parts[k:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def stale_references(path: Path) -> list[str]:
    stale = []
    for doc in _docstrings(path):
        stale += [m.group() for m in PATH_REFERENCE.finditer(doc) if not (REPO_ROOT / m.group()).exists()]
        stale += [m.group() for m in MODULE_REFERENCE.finditer(doc) if not resolves(m.group())]
    return stale


def test_the_check_finds_a_stale_reference(tmp_path: Path) -> None:
    module = tmp_path / "moved.py"
    module.write_text('"""Rules in toolkit/tiers/rules.json, read by toolkit.tiers.no_such_name."""\n', encoding="utf-8")
    assert stale_references(module) == ["toolkit/tiers/rules.json", "toolkit.tiers.no_such_name"]


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(REPO_ROOT)) for p in SOURCES])
def test_docstrings_name_existing_files_and_modules(path: Path) -> None:
    assert stale_references(path) == []
