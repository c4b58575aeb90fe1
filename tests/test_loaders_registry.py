"""Format detection by extension and content, overrides, folders, and lazily imported loaders."""

from __future__ import annotations

from pathlib import Path

import pytest

import toolkit.loaders as loaders
from toolkit.loaders import Source, detect_format, expand_sources, load_source

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("cail_utf8.json", "cail2018"),
        ("cail_gb18030.json", "cail2018"),
        ("judge.jsonl", "judge_jsonl"),
        ("lecard/candidates/q101/lc-5001.json", "lecard"),
        ("wenshu_2020.html", "wenshu_html"),
        ("wenshu_2015_gbk.html", "wenshu_html"),
        ("judgment_lid.docx", "docx_txt"),
        ("judgment_zhaoj_gbk.txt", "docx_txt"),
        ("sheet_cases.csv", "coding_sheet"),
        ("sheet_defendants.xlsx", "coding_sheet"),
        ("mixed/notes.md", None),
    ],
)
def test_detect_format(name, fmt):
    assert detect_format(FIXTURES / name) == fmt


def test_expand_folder_skips_configs_hidden_and_reports_unknown(tmp_path):
    (tmp_path / "a.txt").write_text("被告人甲", encoding="utf-8")
    (tmp_path / "a.mapping.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("被告人乙", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    sources = expand_sources([tmp_path])
    assert [(s.path.name, s.fmt) for s in sources] == [("a.txt", "docx_txt"), ("scan.pdf", None)]
    assert sources[1].reason == "no loader recognises this file (.pdf)"


def test_format_override_applies_to_every_file(tmp_path):
    odd = tmp_path / "export.dat"
    odd.write_text('{"text_id": "z", "text": "被告人甲犯盗窃罪"}\n', encoding="utf-8")
    assert expand_sources([odd]) == [Source(odd, None, "no loader recognises this file (.dat)")]
    (source,) = expand_sources([odd], "judge_jsonl")
    assert source.fmt == "judge_jsonl"
    assert [d["id"] for d in load_source(source)] == ["z"]


def test_unknown_format_named():
    with pytest.raises(KeyError, match="known formats: scrape_store, cail2018"):
        loaders.loader_module("pdf")


def test_absent_loader_module_is_left_out(monkeypatch):
    monkeypatch.setitem(loaders.REGISTRY, "future_format", "toolkit.loaders.not_written_yet")
    monkeypatch.setattr(loaders, "_modules", {})
    assert "future_format" not in loaders.available_formats()
    assert "cail2018" in loaders.available_formats()
    errors = list(load_source(Source(Path("x"), "future_format")))
    assert errors[0].reason == "format 'future_format' is not installed"


def test_a_crashing_loader_becomes_an_error(monkeypatch, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("被告人甲", encoding="utf-8")
    module = loaders.loader_module("docx_txt")

    def explode(_path):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(module, "load", explode)
    (error,) = list(load_source(Source(path, "docx_txt")))
    assert error.reason == "loader failed: RuntimeError: boom" and error.file == str(path)


def test_scrape_store_registered_first():
    assert list(loaders.REGISTRY)[0] == "scrape_store"


def test_scrape_output_folder_is_one_source(tmp_path):
    if loaders.loader_module("scrape_store") is None:
        pytest.skip("toolkit.loaders.scrape_store is not installed")
    entry = '{"key": "k1", "source": "wenshu", "kind": "document", "url": "https://example.org/1", "sha256": "0", "path": "raw/k1.html"}'
    (tmp_path / "manifest.jsonl").write_text(entry + "\n", encoding="utf-8")
    (tmp_path / "raw").mkdir()
    assert expand_sources([tmp_path]) == [Source(tmp_path, "scrape_store")]
