"""`judgstat sheet adjudicate`: every disagreement among the coders' sheets, listed for a third reading.

The workbook written holds
- `adjudication`: one row per (defendant, field) the coders did not code alike — they disagree, only some
  coded it, or none did — with the parser's value, the evidence, each coder's code and comment, and an
  empty `adjudicated` column (dropdown for categorical fields) and a `reason` column for the third reader;
- `codes`: one row per defendant with the code every coder gave where they agree (empty where the row is
  listed for adjudication): `judgstat sheet import` joins the two into gold;
- `README` (Chinese and English) and `sample` (the first sheet's sample record and the coders' files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Hashable

from toolkit.sheets.workbook import (
    KEY_COLUMNS, LISTS_SHEET, NOT_CODED, README_SHEET, SAMPLE_SHEET, CodedSheet, SheetError,
    allowed_values, code_text, coded_field, comparable_sheets, save_workbook,
)

ADJUDICATION_SHEET = "adjudication"
CODES_SHEET = "codes"
ADJUDICATED_COLUMN = "adjudicated"
REASON_COLUMN = "reason"
LISTED_COLUMN = "why_listed"
FIXED_COLUMNS = ("doc_id", "defendant", "field", LISTED_COLUMN, "parser_value", "evidence")
DISAGREE, PARTLY_CODED, NOT_CODED_BY_ANY = "coders disagree", "coded by some coders only", "not coded"


@dataclass
class Disagreement:
    key: tuple[str, str]
    field: str
    why: str
    parser: Hashable
    evidence: str
    codes: list[Hashable]
    comments: list[str]


def disagreements(sheets: list[CodedSheet]) -> tuple[list[str], list[tuple[str, str]], dict, list[Disagreement]]:
    """(fields, rows in every sheet, agreed codes per row and field, listed disagreements)."""
    if len(sheets) < 2:
        raise SheetError("adjudication needs two or more coders' sheets")
    fields = comparable_sheets(sheets)
    common = [k for k in sheets[0].keys if all(k in s.codes for s in sheets[1:])]
    if not common:
        raise SheetError(f"the sheets share no row (doc_id, defendant): {', '.join(str(s.path) for s in sheets)}")
    agreed: dict[tuple[str, str], dict[str, Hashable]] = {}
    listed = []
    for key in common:
        agreed[key] = {}
        for name in fields:
            codes = [s.codes[key][name] for s in sheets]
            coded = [c for c in codes if c is not NOT_CODED]
            if len(coded) == len(codes) and all(c == coded[0] for c in coded):
                agreed[key][name] = coded[0]
                continue
            why = NOT_CODED_BY_ANY if not coded else PARTLY_CODED if len(coded) < len(codes) else DISAGREE
            listed.append(Disagreement(key, name, why, sheets[0].parser[key][name], sheets[0].evidence[key][name],
                                       codes, [s.comments.get(key, "") for s in sheets]))
    return fields, common, agreed, listed


def write_adjudication(sheets: list[CodedSheet], output: str | Path) -> tuple[int, int]:
    """Write the adjudication workbook; (rows, listed disagreements)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise SheetError(f"{output}: an adjudication sheet is written as .xlsx")
    if not output.resolve().parent.is_dir():
        raise SheetError(f"{output}: folder {output.parent} does not exist")
    fields, common, agreed, listed = disagreements(sheets)
    coders = [s.coder for s in sheets]
    book = Workbook()
    sheet = book.active
    sheet.title = ADJUDICATION_SHEET
    header = [*FIXED_COLUMNS, *coders, *(f"{c}_comment" for c in coders), ADJUDICATED_COLUMN, REASON_COLUMN]
    sheet.append(header)
    for item in listed:
        spec = coded_field(item.field)
        sheet.append([item.key[0], item.key[1], item.field, item.why, code_text(spec, item.parser), item.evidence,
                      *(code_text(spec, c) for c in item.codes), *item.comments, None, None])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    adjudicated_letter = get_column_letter(header.index(ADJUDICATED_COLUMN) + 1)
    widths = {"evidence": 60, "doc_id": 18, "defendant": 14, LISTED_COLUMN: 22, REASON_COLUMN: 40}
    for column, name in enumerate(header, start=1):
        sheet.cell(row=1, column=column).font = bold
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(name, 16)
    for row in range(2, len(listed) + 2):
        sheet[f"F{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet[f"{adjudicated_letter}{row}"].fill = fill
    sheet.cell(row=1, column=header.index(ADJUDICATED_COLUMN) + 1).fill = fill
    sheet.freeze_panes = "D2"
    lists = book.create_sheet(LISTS_SHEET)
    rules: dict[str, Any] = {}
    for number, name in enumerate(fields, start=1):
        values = allowed_values(coded_field(name))
        if values is None:
            continue
        letter = get_column_letter(number)
        lists.cell(row=1, column=number, value=name)
        for i, value in enumerate(values, start=2):
            lists.cell(row=i, column=number, value=value)
        rules[name] = DataValidation(type="list", formula1=f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}",
                                     allow_blank=True, showErrorMessage=True)
    for row, item in enumerate(listed, start=2):
        if item.field in rules:
            rules[item.field].add(f"{adjudicated_letter}{row}")
    for rule in rules.values():
        if rule.sqref:
            sheet.add_data_validation(rule)
    lists.sheet_state = "hidden"
    codes = book.create_sheet(CODES_SHEET)
    codes.append([*KEY_COLUMNS, *fields])
    for key in common:
        cells = [code_text(coded_field(n), agreed[key].get(n, NOT_CODED)) for n in fields]
        codes.append([key[0], key[1], *(None if c == "" else c for c in cells)])
    for column in range(1, len(fields) + 3):
        codes.cell(row=1, column=column).font = bold
    readme = book.create_sheet(README_SHEET, 0)
    for line in (
        ("judgstat 裁决表 / adjudication sheet", ""),
        ("说明", "adjudication 工作表列出编码员编码不一致（或部分编码员未编码）的每一项。第三名阅读者请阅读原文，在 adjudicated 列填写最终编码（分类字段用下拉菜单，原文未载明填 not_stated），在 reason 列写明理由。codes 工作表为编码员一致的编码，请勿修改。完成后运行 judgstat sheet import 生成金标准。"),
        ("What to do", "The adjudication sheet lists every item the coders did not code alike (or some did not code). A third reader reads the text, enters the final code in the adjudicated column (dropdown for categorical fields; not_stated when the text does not state it) and the reason. The codes sheet holds the codes all coders agree on: leave it as it is. Then run `judgstat sheet import` to write the gold labels."),
        ("coders", ", ".join(f"{s.coder} ({s.path.name})" for s in sheets)),
        ("listed", f"{len(listed)} items in {len({d.key for d in listed})} of {len(common)} rows"),
    ):
        readme.append(list(line))
    readme.column_dimensions["A"].width = 20
    readme.column_dimensions["B"].width = 110
    for row in readme.iter_rows():
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    meta = book.create_sheet(SAMPLE_SHEET)
    for name, value in sheets[0].sample.items():
        if name not in ("coder", "fields"):
            meta.append([name, value])
    for sheet_ in sheets:
        meta.append(["coder_sheet", f"{sheet_.coder}: {sheet_.path}"])
    meta.append(["fields", ",".join(fields)])
    book.active = 1
    save_workbook(book, output)
    return len(common), len(listed)

