"""MkDocs hook: pages generated from the code and data at build time, never copied by hand.

- generated/cli.md: every `judgstat` subcommand's --help, from the argument parsers (toolkit.cli.build_parser);
- generated/data.md: every datasets/*/datapackage.json as tables of resources and fields;
- generated/notebooks/: the notebooks, executed copies from build/notebooks/ (`make reproduce`) where present.
The nav in mkdocs.yml lists the notebooks; a notebook added to notebooks/ without a nav line fails the build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "docs" / "generated"


def on_pre_build(config, **kwargs) -> None:
    if GENERATED.exists():
        shutil.rmtree(GENERATED)
    (GENERATED / "notebooks").mkdir(parents=True)
    (GENERATED / "cli.md").write_text(cli_reference(), encoding="utf-8")
    (GENERATED / "data.md").write_text(data_packages(), encoding="utf-8")
    copy_notebooks(config)


def cli_reference() -> str:
    import os

    from toolkit.cli import SUBCOMMANDS, build_parser

    os.environ.setdefault("COLUMNS", "100")  # argparse wraps help at the terminal width: fix it for the page
    lines = ["# Command line (`judgstat`)", "",
             "Generated from the argument parsers at build time; `judgstat COMMAND --help` prints the same.", ""]
    for name, (_, help_text) in SUBCOMMANDS.items():
        parser = build_parser(name)
        sub = next(a for a in parser._actions if a.dest == "command").choices[name]
        lines += [f"## `judgstat {name}`", "", help_text, "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(lines)


def _cell(text) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def data_packages() -> str:
    lines = ["# Data packages", "",
             "Every package in `datasets/` as its Frictionless descriptor (`datapackage.json`) describes it: the "
             "resources and, for tabular ones, each field with its type and allowed values. Generated at build time.", ""]
    for descriptor_path in sorted((ROOT / "datasets").glob("*/datapackage.json")):
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        name = descriptor.get("name", descriptor_path.parent.name)
        lines += [f"## {name}", "", _cell(descriptor.get("title") or descriptor.get("description") or ""), ""]
        licences = ", ".join(l.get("name") or l.get("title") or "" for l in descriptor.get("licenses", []))
        if licences:
            lines += [f"Licence: {licences}", ""]
        for resource in descriptor.get("resources", []):
            lines += [f"### {name} / {resource.get('name')}", "", f"`{resource.get('path', '')}` — "
                      + _cell(resource.get("description", "")), ""]
            fields = (resource.get("schema") or {}).get("fields") or []
            if fields:
                lines += ["| field | type | description | allowed values |", "|---|---|---|---|"]
                for field in fields:
                    allowed = ", ".join(map(str, (field.get("constraints") or {}).get("enum") or []))
                    lines.append(f"| `{field.get('name')}` | {field.get('type', '')} | {_cell(field.get('description'))} "
                                 f"| {_cell(allowed)} |")
                lines.append("")
    return "\n".join(lines)


def copy_notebooks(config) -> None:
    listed = {Path(p).name for p in _nav_paths(config["nav"]) if str(p).endswith(".ipynb")}
    present = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    if present != listed:
        raise ValueError(f"mkdocs.yml nav and notebooks/ disagree: not in nav {sorted(present - listed)}, "
                         f"not in notebooks/ {sorted(listed - present)}")
    for name in sorted(present):
        executed = ROOT / "build" / "notebooks" / name
        shutil.copyfile(executed if executed.is_file() else ROOT / "notebooks" / name, GENERATED / "notebooks" / name)


def _nav_paths(nav):
    for item in nav or []:
        if isinstance(item, dict):
            for value in item.values():
                yield from _nav_paths(value) if isinstance(value, list) else [value]
        elif isinstance(item, str):
            yield item
