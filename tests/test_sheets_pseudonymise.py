"""`judgstat sheet export --pseudonymise`: no name, ID or phone number of the input in the workbook."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.pseudonymise import Pseudonymiser, key_path_for
from toolkit.sheets.workbook import read_sheet

NAMES = ("张三丰", "李小红")
IDS = ("310115198503021234", "32010219900709002X")
PHONES = ("13912345678", "021-58881234")
BANK = "6222021234567890123"
TEXT = (
    "上海市浦东新区人民法院 刑事判决书 （2020）沪0115刑初99号 公诉机关上海市浦东新区人民检察院。 "
    f"被告人张三丰，男，1985年3月2日出生，公民身份号码{IDS[0]}，汉族，住上海市浦东新区花园路88号，联系电话{PHONES[0]}。 "
    f"被告人李小红，女，1990年7月9日出生，公民身份号码{IDS[1]}，汉族，户籍地江苏省南京市秦淮区，办公电话{PHONES[1]}。 "
    "上海市浦东新区人民检察院以沪浦检刑诉［2020］99号起诉书指控被告人张三丰、李小红犯侵犯公民个人信息罪，于2020年5月6日向本院提起公诉。 "
    f"经审理查明：2019年3月至12月，被告人张三丰通过网络出售公民个人信息5000余条，以银行卡{BANK}收取违法所得人民币2万元；"
    "被告人李小红向张三丰购买公民个人信息800条。 本院认为，被告人张三丰、李小红违反国家有关规定，出售、非法获取公民个人信息，情节严重，"
    "其行为均已构成侵犯公民个人信息罪。被告人李小红到案后如实供述，系坦白。 判决如下： "
    "一、被告人张三丰犯侵犯公民个人信息罪，判处有期徒刑一年，并处罚金人民币一万元。 "
    "二、被告人李小红犯侵犯公民个人信息罪，判处有期徒刑六个月，缓刑一年，并处罚金人民币五千元。 "
    "审判员王某 二〇二〇年八月十五日 书记员赵某"
)
SECRETS = NAMES + IDS + PHONES + (BANK, "花园路88号")


@pytest.fixture()
def parsed(tmp_path) -> tuple[Path, Path]:
    texts = tmp_path / "docs.jsonl"
    texts.write_text(json.dumps({"id": "pi-1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "defendants.jsonl"
    assert main(["parse", str(texts), "-o", str(out)]) == 0
    names = {json.loads(line)["defendant"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert names == set(NAMES), names  # the parser found both defendants, so the test scans for real names
    return out, texts


def workbook_strings(path: Path) -> str:
    """Every string in the .xlsx (all sheets, shared or inline strings, data validations), XML character
    references (&#24352;) resolved."""
    with zipfile.ZipFile(path) as archive:
        return html.unescape("\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")))


def export(parsed, out: Path, *extra) -> int:
    defendants, texts = parsed
    return main(["sheet", "export", str(defendants), "-o", str(out), "--texts", str(texts), "--pseudonymise",
                 "--fields", "outcome", "term_months", "fine_yuan", "info_count", "illegal_gains_yuan", "mitigating",
                 *map(str, extra)])


def test_no_name_id_or_phone_of_the_input_is_in_the_sheet(parsed, tmp_path):
    plain = tmp_path / "plain.xlsx"
    defendants, texts = parsed
    assert main(["sheet", "export", str(defendants), "-o", str(plain), "--texts", str(texts)]) == 0
    assert all(name in workbook_strings(plain) for name in NAMES)  # without --pseudonymise the scan finds them

    out = tmp_path / "sheet.xlsx"
    assert export(parsed, out) == 0
    content = workbook_strings(out)
    for secret in SECRETS:
        assert secret not in content, secret
    assert not re.search(r"1[3-9]\d{9}", content)
    key = key_path_for(out)
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert key.read_text(encoding="ascii").strip() not in content
    sheet = read_sheet(out)
    pseudonymiser = Pseudonymiser(key.read_text(encoding="ascii").strip().encode("ascii"))
    assert {k[1] for k in sheet.keys} == {pseudonymiser.pseudonym(n) for n in NAMES}
    evidence = " ".join(v for row in sheet.evidence.values() for v in row.values())
    assert pseudonymiser.pseudonym("张三丰") in evidence  # the name in the evidence is the pseudonym
    assert "【有期徒刑一年】" in evidence  # spans still point at the right characters of the masked text


def test_pseudonyms_are_stable_under_the_same_key_and_differ_under_another(parsed, tmp_path):
    key = tmp_path / "study.key"
    a, b, c = (tmp_path / f"{n}.xlsx" for n in "abc")
    assert export(parsed, a, "--pseudonym-key", key) == 0
    assert export(parsed, b, "--pseudonym-key", key) == 0
    assert export(parsed, c, "--pseudonym-key", tmp_path / "other.key") == 0
    sheet_a, sheet_b, sheet_c = (read_sheet(p) for p in (a, b, c))
    assert sheet_a.keys == sheet_b.keys and sheet_a.evidence == sheet_b.evidence
    assert {k[1] for k in sheet_a.keys}.isdisjoint({k[1] for k in sheet_c.keys})
    assert not key_path_for(a).exists()  # the given key is used, no second key is written


def test_masked_numbers_in_evidence(tmp_path):
    """Evidence windows that cover an ID or phone number show the mask, not the number."""
    texts = tmp_path / "docs.jsonl"
    texts.write_text(json.dumps({"id": "pi-1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    defendants = tmp_path / "d.jsonl"
    assert main(["parse", str(texts), "-o", str(defendants)]) == 0
    out = tmp_path / "wide.xlsx"
    assert main(["sheet", "export", str(defendants), "-o", str(out), "--texts", str(texts), "--pseudonymise",
                 "--context", "400", "--fields", "info_count"]) == 0
    evidence = " ".join(v for row in read_sheet(out).evidence.values() for v in row.values())
    assert "［身份证号］" in evidence and "［电话］" in evidence
    assert not any(secret in evidence for secret in SECRETS)


def test_export_of_parse_pseudonymise_output_finds_its_masked_texts(tmp_path):
    """parse --pseudonymise writes OUTPUT.texts.jsonl; export uses it for the evidence without --texts."""
    texts = tmp_path / "docs.jsonl"
    texts.write_text(json.dumps({"id": "pi-1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    defendants = tmp_path / "pseudo.jsonl"
    assert main(["parse", str(texts), "-o", str(defendants), "--pseudonymise"]) == 0
    out = tmp_path / "sheet.xlsx"
    assert main(["sheet", "export", str(defendants), "-o", str(out), "--fields", "term_months", "fine_yuan"]) == 0
    sheet = read_sheet(out)
    evidence = " ".join(v for row in sheet.evidence.values() for v in row.values())
    assert "【有期徒刑一年】" in evidence and "【有期徒刑六个月】" in evidence
    content = workbook_strings(out)
    assert not any(secret in content for secret in SECRETS)
