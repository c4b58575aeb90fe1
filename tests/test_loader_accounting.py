"""Loader accounting (issue #11, "Also"): over a folder of every malformed kind, records in = documents
stored + duplicates listed + error rows, and every input file is named in the store, the duplicates table or
the errors table. A hypothesis property test draws the folder's mix of files."""

from __future__ import annotations

import json
import tempfile
from itertools import count
from pathlib import Path
from typing import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.loaders import expand_sources
from toolkit.loaders.store import load_into_store

SIMPLIFIED = "北京市东城区人民法院\n刑事判决书\n（2019）京0101刑初{n}号\n被告人张{n}，男。\n本院认为，被告人张{n}犯侵犯公民个人信息罪。判决如下：被告人张{n}犯侵犯公民个人信息罪，判处有期徒刑一年。"
TRADITIONAL = "臺灣臺北地方法院刑事判決書\n（2019）北{n}號\n被告人陳{n}犯侵犯公民個人資料罪。本院認為，判決如下：被告人陳{n}處有期徒刑一年。"
MAPPING = json.dumps({"columns": {"id": "编号", "case_number": "案号", "text": "全文"}}, ensure_ascii=False)

# A writer makes one input file (plus, for sheets, its mapping) and returns (good records, error rows).
Writer = Callable[[Path, str, Callable[[], int]], tuple[int, int]]


def _judge_lines(numbers: list[int]) -> list[str]:
    return [json.dumps({"id": f"j{n}", "text": SIMPLIFIED.format(n=n)}, ensure_ascii=False) for n in numbers]


def judge_jsonl(encoding: str) -> Writer:
    def write(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
        lines = _judge_lines([fresh() for _ in range(3)])
        (folder / f"{name}.jsonl").write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return 3, 0
    return write


def truncated_line(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    lines = _judge_lines([fresh() for _ in range(4)])
    lines[1] = lines[1][:-25]
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 3, 1


def lone_surrogate(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    lines = [json.dumps({"id": f"j{n}", "text": SIMPLIFIED.format(n=n)}) for n in [fresh() for _ in range(3)]]
    lines[1] = lines[1].replace("\\u5f20", "\\ud800", 1)
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="ascii")
    return 3, 0


def cail_utf16(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    rows = [json.dumps({"fact": f"被告人王{fresh()}出售公民个人信息一千条。", "meta": {"accusation": ["侵犯公民个人信息"]}},
                       ensure_ascii=False) for _ in range(5)]
    (folder / f"{name}.json").write_bytes(("\n".join(rows) + "\n").encode("utf-16"))
    return 5, 0


def lecard_truncated(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    n = fresh()
    text = json.dumps({"ajId": f"a{n}", "qw": SIMPLIFIED.format(n=n), "pjjg": "判决如下"}, ensure_ascii=False)
    (folder / f"{name}.json").write_text(text[:-30], encoding="utf-8")
    return 0, 1


def big5_txt(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    (folder / f"{name}.txt").write_bytes(TRADITIONAL.format(n=fresh()).encode("big5"))
    return 1, 0


def empty(suffix: str) -> Writer:
    def write(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
        (folder / f"{name}{suffix}").write_bytes(b"")
        return 0, 1
    return write


def unrecognised(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    (folder / f"{name}.md").write_text("# notes\n", encoding="utf-8")
    return 0, 1


def sheet_with_bad_rows(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    rows = [f"S{n},（2020）沪0101刑初{n}号,被告人李{n}犯侵犯公民个人信息罪" for n in [fresh() for _ in range(4)]]
    rows.insert(1, "S-bad,（2020）沪0101刑初0号,x,y")  # too many fields
    rows.insert(3, 'S-open,（2020）沪0101刑初0号,"never closed')  # unbalanced quote
    (folder / f"{name}.csv").write_text("编号,案号,全文\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (folder / f"{name}.mapping.json").write_text(MAPPING, encoding="utf-8")
    return 4, 2


def duplicate_txt(folder: Path, name: str, fresh: Callable[[], int]) -> tuple[int, int]:
    text = SIMPLIFIED.format(n=fresh())
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}_copy.txt").write_text(text, encoding="gb18030")
    return 2, 0  # one stored, one listed as its duplicate


KINDS: dict[str, Writer] = {
    "judge_utf8": judge_jsonl("utf-8"), "judge_gb18030": judge_jsonl("gb18030"), "judge_utf16": judge_jsonl("utf-16"),
    "truncated_line": truncated_line, "lone_surrogate": lone_surrogate, "cail_utf16": cail_utf16,
    "lecard_truncated": lecard_truncated, "big5_txt": big5_txt, "empty_json": empty(".json"),
    "empty_txt": empty(".txt"), "empty_jsonl": empty(".jsonl"), "unrecognised": unrecognised,
    "sheet_with_bad_rows": sheet_with_bad_rows, "duplicate_txt": duplicate_txt,
}


def check_accounting(folder: Path, kinds: list[str]) -> None:
    numbers = count(1)
    good = errors = 0
    for index, kind in enumerate(kinds):
        g, e = KINDS[kind](folder, f"f{index:02d}_{kind}", lambda: next(numbers))
        good, errors = good + g, errors + e
    result = load_into_store(expand_sources([folder]))
    assert len(result.documents) + len(result.duplicates) == good, (kinds, result.errors)
    assert len(result.errors) == errors, (kinds, result.errors)
    named = {Path(e.file).name for e in result.errors}
    named |= {Path(d["source_ref"].split(":")[0]).name for d in result.documents}
    named |= {Path(d["duplicate_source_ref"].split(":")[0]).name for d in result.duplicates}
    inputs = {p.name for p in folder.iterdir() if not p.name.endswith(".mapping.json")}
    assert inputs <= named, (kinds, inputs - named)


def test_every_malformed_kind_at_once(tmp_path: Path) -> None:
    check_accounting(tmp_path, list(KINDS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=8))
def test_accounting_holds_for_any_mix(kinds: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_accounting(Path(folder), kinds)
