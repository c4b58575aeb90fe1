"""`judgstat sheet export`: parser output -> an .xlsx coding sheet (layout: toolkit.sheets.workbook)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from toolkit.hashing import file_sha256
from toolkit import __version__
from toolkit.schema import DOCUMENT_FIELDS, iter_table
from toolkit.sheets.workbook import (
    CODING_SHEET, COMMENT_COLUMN, EVIDENCE_SUFFIX, KEY_COLUMNS, LISTS_SHEET, NOT_STATED, PARSER_SUFFIX,
    README_SHEET, SAMPLE_SHEET, SheetError, allowed_values, coded_field, display, key_of,
    level_of_measurement, save_workbook,
)

CONTEXT_CHARS = 40
MAX_EVIDENCE_CHARS = 600  # the value itself is cut beyond this (a span over a whole paragraph)
SAMPLING_METHOD = "numpy.random.default_rng(seed).choice(rows, size=N, replace=False); rows kept in input order"


@dataclass
class ExportResult:
    path: Path
    rows: int
    input_rows: int
    duplicates_dropped: int
    sampled_rows: list[int]
    texts_found: int
    documents: int
    notes: list[str] = field(default_factory=list)


def defendants_path(source: str | Path) -> Path:
    """The per-defendant table of `source`: the file itself, or a `judgstat dataset` folder's defendants.parquet."""
    source = Path(source)
    if source.is_dir():
        table = source / "defendants.parquet"
        if not table.is_file():
            raise SheetError(f"{source}: a folder without defendants.parquet (expected a `judgstat dataset` package)")
        return table
    if not source.is_file():
        raise SheetError(f"{source}: no such file")
    return source


def read_defendants(source: str | Path) -> pd.DataFrame:
    from toolkit.analysis.table import read_defendant_table

    path = defendants_path(source)
    try:
        return read_defendant_table(path)
    except (ValueError, FileNotFoundError) as exc:
        raise SheetError(str(exc)) from None


def texts_source(source: str | Path, texts: str | Path | None) -> Path | None:
    """Where the document texts are: --texts, a package's documents.parquet, or parse --pseudonymise's
    OUTPUT.texts.jsonl beside the input; None when there is none."""
    from toolkit.pseudonymise import masked_texts_path_for

    if texts is not None:
        path = Path(texts)
        if not path.is_file():
            raise SheetError(f"--texts {path}: no such file")
        return path
    source = Path(source)
    candidates = [source / "documents.parquet"] if source.is_dir() else [masked_texts_path_for(source)]
    return next((c for c in candidates if c.is_file()), None)


def read_texts(path: Path, doc_ids: set[str]) -> dict[str, str]:
    """id -> text for the documents in `doc_ids`, from a JSONL {"id", "text"} file or a document store."""
    out: dict[str, str] = {}
    if path.suffix.lower() == ".jsonl":
        from toolkit.jsonl import JsonlError, iter_jsonl_objects

        try:
            for _, obj in iter_jsonl_objects(path):
                doc_id = str(obj.get("id", obj.get("doc_id")))
                if doc_id in doc_ids and isinstance(obj.get("text"), str):
                    out.setdefault(doc_id, obj["text"])
        except JsonlError as exc:
            raise SheetError(str(exc)) from None
        return out
    try:
        for chunk in iter_table(path, DOCUMENT_FIELDS, columns=["id", "text"]):
            for doc_id, text in zip(chunk["id"].tolist(), chunk["text"].tolist()):
                if str(doc_id) in doc_ids and isinstance(text, str):
                    out.setdefault(str(doc_id), text)
    except (ValueError, KeyError) as exc:
        raise SheetError(f"{path}: cannot read document texts: {exc}") from None
    return out


def evidence(text: str | None, span: Any, context: int = CONTEXT_CHARS) -> str:
    """The text at `span` in 【】 with `context` characters either side; '' when there is no span or text."""
    if not text or not isinstance(span, (list, tuple)) or len(span) < 2:
        return ""
    start, end = int(span[0]), int(span[1])
    if not 0 <= start <= end <= len(text):
        return f"(span {start}-{end} is outside the text of {len(text)} characters)"
    value = text[start:end]
    if len(value) > MAX_EVIDENCE_CHARS:
        value = value[:MAX_EVIDENCE_CHARS] + "…"
    before = text[max(0, start - context):start]
    after = text[end:end + context]
    return ("…" if start > context else "") + before + "【" + value + "】" + after + ("…" if end + context < len(text) else "")


def choose_rows(n_rows: int, sample: int | None, seed: int) -> list[int]:
    """Row positions of the sample (all rows when `sample` is None or not smaller than n_rows)."""
    if sample is None or sample >= n_rows:
        return list(range(n_rows))
    import numpy as np

    return sorted(int(i) for i in np.random.default_rng(seed).choice(n_rows, size=sample, replace=False))


def export_sheet(
    source: str | Path, output: str | Path, fields: Iterable[str], sample: int | None = None, seed: int = 0,
    texts: str | Path | None = None, context: int = CONTEXT_CHARS, pseudonym_key: str | Path | None = None,
) -> ExportResult:
    """Write the coding sheet; `pseudonym_key` (a key file, created when absent) pseudonymises names and
    masks numbers in the parser values and the evidence (toolkit.pseudonymise)."""
    fields = list(dict.fromkeys(fields))
    specs = [coded_field(name) for name in fields]
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise SheetError(f"{output}: a coding sheet is written as .xlsx")
    if not output.resolve().parent.is_dir():
        raise SheetError(f"{output}: folder {output.parent} does not exist")
    frame = read_defendants(source)
    input_rows = len(frame)
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    seen: set[tuple[str, str]] = set()
    unique: list[dict[str, Any]] = []
    for record in records:  # published passages repeat a record once per defendant (see toolkit.evaluate)
        key = key_of(record.get("doc_id"), record.get("defendant"))
        if key not in seen:
            seen.add(key)
            unique.append(record)
    duplicates = len(records) - len(unique)
    if not unique:
        raise SheetError(f"{source}: no defendant records to code")
    chosen = choose_rows(len(unique), sample, seed)
    rows = [unique[i] for i in chosen]
    doc_ids = {str(r.get("doc_id")) for r in rows}
    text_path = texts_source(source, texts)
    doc_texts = read_texts(text_path, doc_ids) if text_path else {}
    notes = []
    if text_path is None:
        notes.append("no document texts found (give --texts): the evidence columns are empty")
    elif len(doc_texts) < len(doc_ids):
        notes.append(f"{len(doc_ids) - len(doc_texts)} of {len(doc_ids)} documents have no text in {text_path}")
    key_file = None
    if pseudonym_key is not None:
        rows, doc_texts = _pseudonymised(rows, doc_texts, unique, Path(pseudonym_key))
        key_file = Path(pseudonym_key)
    book = _workbook(rows, specs, doc_texts, context)
    meta = [
        ("tool", f"judgstat sheet export (toolkit {__version__})"),
        ("created_utc", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("input", str(source)),
        ("input_sha256", file_sha256(defendants_path(source))),
        ("input_rows", input_rows),
        ("duplicate_keys_dropped", duplicates),
        ("rows_to_sample_from", len(unique)),
        ("sample_size", len(rows)),
        ("seed", seed if sample is not None and sample < len(unique) else "(all rows, no sampling)"),
        ("sampling", SAMPLING_METHOD),
        ("sampled_row_numbers", " ".join(str(i + 1) for i in chosen)),
        ("fields", ",".join(fields)),
        ("levels", ",".join(f"{s.name}:{level_of_measurement(s)}" for s in specs)),
        ("texts", str(text_path) if text_path else "(none)"),
        ("context_chars", context),
        ("pseudonymised", "yes" if key_file else "no"),
        ("pseudonym_key_file", str(key_file) if key_file else ""),
        ("coder", ""),
    ]
    sheet = book[SAMPLE_SHEET]
    for name, value in meta:
        sheet.append([name, value])
    for note in notes:
        sheet.append(["note", note])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    save_workbook(book, output)
    return ExportResult(output, len(rows), input_rows, duplicates, chosen, len(doc_texts), len(doc_ids), notes)


def _pseudonymised(
    rows: list[dict[str, Any]], doc_texts: dict[str, str], every_record: list[dict[str, Any]], key_path: Path,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    from toolkit.pseudonymise import Pseudonymiser, load_or_create_key

    try:
        pseudonymiser = Pseudonymiser(load_or_create_key(key_path))
    except (ValueError, OSError) as exc:
        raise SheetError(f"--pseudonym-key {key_path}: {exc}") from None
    names: dict[str, list[str]] = {}
    for record in every_record:  # every defendant of a document, not only the sampled ones
        if record.get("defendant"):
            names.setdefault(str(record.get("doc_id")), []).append(str(record["defendant"]))
    masked_texts: dict[str, str] = {}
    maskers = {}
    for doc_id, text in doc_texts.items():
        maskers[doc_id] = pseudonymiser.mask(text, names.get(doc_id, []))
        masked_texts[doc_id] = maskers[doc_id].text
    out = []
    for record in rows:
        doc_id = str(record.get("doc_id"))
        out.append(pseudonymiser.record(record, maskers.get(doc_id), names.get(doc_id, [])))
    return out, masked_texts


README_TEXT = (
    ("judgstat 编码表 / coding sheet", ""),
    ("", ""),
    ("用途", "由两名或以上编码员独立阅读判决书，为抽样的每名被告人填写各字段的编码，以计算编码员间一致性（Cohen's κ、Fleiss' κ、Krippendorff's α），并检验解析器。"),
    ("Purpose", "Two or more coders read the judgments independently and code each sampled defendant, so that inter-coder agreement (Cohen's κ, Fleiss' κ, Krippendorff's α) can be reported and the parser checked against the adjudicated codes."),
    ("", ""),
    ("工作表 coding", "每行一名被告人，以 doc_id 与 defendant 识别，请勿修改这两列，也不要删除行。每个字段 F 有三列：F__parser 为解析器的取值；F__evidence 为解析器所据原文（【】内为其读取的文字，两侧为上下文）；F 为空白列，由编码员填写。"),
    ("Sheet coding", "One row per defendant, identified by doc_id and defendant: do not change these two columns or delete rows. Each field F has three columns: F__parser is the parser's value; F__evidence is the text the parser read (in 【】, with context on either side); F is empty, for you."),
    ("", ""),
    ("如何编码", "请根据判决书原文（而非解析器的取值）填写。分类字段请从下拉菜单选择。数字字段填写阿拉伯数字：刑期以月计（决定执行的主刑），罚金与违法所得以元计，信息条数以条计。原文未载明的，填 not_stated（或 未载明）。空白表示尚未编码。列表字段（如罪名）用 | 分隔。"),
    ("How to code", "Code from the judgment text, not from the parser's value. Categorical fields: choose from the dropdown. Numbers in digits: terms in months (the executed principal penalty), fines and gains in yuan, information items as a count. When the text does not state a value, enter not_stated (or 未载明); an empty cell means not coded yet. List fields (e.g. charges): separate items with |."),
    ("", ""),
    ("疑问", "把疑问与理由写在 comment 列；不要与其他编码员讨论，直到提交编码表。"),
    ("Doubts", "Write doubts and reasons in the comment column; do not discuss with the other coders before handing in the sheet."),
    ("", ""),
    ("工作表 sample", "记录抽样方式（输入文件及其 SHA-256、随机种子、样本量、所抽行号），同一种子可重现同一样本。请在 coder 一行填写你的姓名或代号。"),
    ("Sheet sample", "How the rows were drawn (input file and its SHA-256, seed, sample size, row numbers): the same seed gives the same sample. Put your name or code on the coder line."),
    ("", ""),
    ("字段 Fields", ""),
)


def _workbook(rows: list[dict[str, Any]], specs: list, doc_texts: dict[str, str], context: int) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = CODING_SHEET
    header = list(KEY_COLUMNS)
    for spec in specs:
        header += [spec.name + PARSER_SUFFIX, spec.name + EVIDENCE_SUFFIX, spec.name]
    header.append(COMMENT_COLUMN)
    sheet.append(header)
    for record in rows:
        doc_id = str(record.get("doc_id"))
        spans = record.get("spans") or {}
        text = doc_texts.get(doc_id)
        line: list[Any] = [doc_id, record.get("defendant") or ""]
        for spec in specs:
            value = record.get(spec.name)
            line += [display(spec, value), evidence(text, spans.get(spec.name), context) if value is not None else "", None]
        line.append(None)
        sheet.append(line)
    bold = Font(bold=True)
    code_fill = PatternFill("solid", fgColor="FFF2CC")
    last = len(rows) + 1
    for column, name in enumerate(header, start=1):
        letter = get_column_letter(column)
        sheet.cell(row=1, column=column).font = bold
        if name.endswith(EVIDENCE_SUFFIX):
            width = 60
            for row in range(2, last + 1):
                sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        elif name.endswith(PARSER_SUFFIX):
            width = 16
        elif name in KEY_COLUMNS:
            width = 18
        elif name == COMMENT_COLUMN:
            width = 40
        else:
            width = 16
            sheet.cell(row=1, column=column).fill = code_fill
            for row in range(2, last + 1):
                sheet.cell(row=row, column=column).fill = code_fill
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
    lists = book.create_sheet(LISTS_SHEET)
    list_column = 0
    for spec in specs:
        code_column = get_column_letter(header.index(spec.name) + 1)
        target = f"{code_column}2:{code_column}{max(last, 2)}"
        values = allowed_values(spec)
        if values is not None:
            list_column += 1
            letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=spec.name)
            for i, value in enumerate(values, start=2):
                lists.cell(row=i, column=list_column, value=value)
            rule = DataValidation(type="list", formula1=f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}",
                                  allow_blank=True, showErrorMessage=True, errorTitle=spec.name,
                                  error=f"{spec.name}: choose a value from the list (or {NOT_STATED})")
        elif spec.kind in ("integer", "number"):
            rule = DataValidation(type="custom", formula1=f'OR(AND(ISNUMBER({code_column}2),{code_column}2>=0),{code_column}2="{NOT_STATED}",{code_column}2="未载明")',
                                  allow_blank=True, showErrorMessage=True, errorTitle=spec.name,
                                  error=f"{spec.name}: a number ≥ 0 in digits, or {NOT_STATED}")
        else:
            continue
        sheet.add_data_validation(rule)
        rule.add(target)
    lists.sheet_state = "hidden"
    readme = book.create_sheet(README_SHEET)
    for a, b in README_TEXT:
        readme.append([a, b])
    for spec in specs:
        allowed = allowed_values(spec)
        what = {"integer": "整数 whole number", "number": "数字 number", "list": "列表 list (|)"}.get(spec.kind, "文本 text")
        readme.append([spec.name, f"{spec.description}. " + (f"可选值 allowed: {', '.join(allowed)}" if allowed else what)])
    readme.column_dimensions["A"].width = 24
    readme.column_dimensions["B"].width = 110
    for row in readme.iter_rows():
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        row[0].font = bold
    book.move_sheet(README_SHEET, offset=-(len(book.sheetnames) - 1))
    book.create_sheet(SAMPLE_SHEET)
    book.active = book.sheetnames.index(CODING_SHEET)
    return book
