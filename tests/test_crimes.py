"""Every registered crime: implements the interface, has charge names with dates, and passes its own examples."""

from __future__ import annotations

import pytest

from toolkit.crimes import REGISTRY, all_crimes, crime_for_charge, get_crime
from toolkit.crimes.base import Crime

CASES = [(crime.id, example) for crime in all_crimes() for example in crime.examples()]


@pytest.mark.parametrize("crime_id", list(REGISTRY))
def test_crime_implements_the_interface(crime_id):
    crime = get_crime(crime_id)
    assert isinstance(crime, Crime)
    assert crime.id == crime_id and crime.folder.name == crime_id
    assert (crime.folder / "rules.json").is_file() and (crime.folder / "examples.json").is_file()
    names = crime.charge_names()
    assert names, "a crime has at least one charge name"
    for name in names:
        assert name.name.endswith("罪") and name.article.startswith("Art.") and name.source
        assert crime.matches_charge(name.name) and crime.matches_charge(name.name[:-1])
        assert crime_for_charge(name.name) is crime
    assert crime.examples(), "a crime carries worked examples"


@pytest.mark.parametrize("crime_id,example", CASES, ids=[f"{c}:{e['id']}" for c, e in CASES])
def test_every_example_of_every_crime(crime_id, example):
    outcome = get_crime(crime_id).run_example(example)
    assert outcome.failures == (), f"{crime_id} {example['id']} ({example['article']}): {example['why']}: {outcome.failures}"


def test_a_broken_example_fails():
    """The generic runner can fail: a wrong expectation is reported."""
    for crime in all_crimes():
        example = dict(crime.examples()[0])
        example["expect"] = {**example["expect"], "tier": "no-such-tier"}
        assert crime.run_example(example).failures


def test_unknown_crime_and_charge():
    with pytest.raises(KeyError, match="known crimes"):
        get_crime("arson")
    assert crime_for_charge("盗窃罪") is None


def test_personal_information_charge_names_follow_the_statute_versions():
    from datetime import date

    pi = get_crime("personal_information")
    assert pi.matches_charge("非法获取公民个人信息", date(2014, 1, 1))
    assert not pi.matches_charge("非法获取公民个人信息罪", date(2016, 1, 1))
    assert pi.matches_charge("侵犯公民个人信息罪", date(2016, 1, 1))
    assert not pi.matches_charge("侵犯公民个人信息罪", date(2015, 10, 31))


def test_every_crime_folder_is_registered():
    """A folder under toolkit/crimes/ with a CRIME is a crime: it must have its one registry line."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "toolkit" / "crimes"
    folders = sorted(p.name for p in root.iterdir() if (p / "__init__.py").is_file()
                     and "CRIME =" in (p / "__init__.py").read_text(encoding="utf-8"))
    assert folders and sorted(REGISTRY) == folders


def test_drug_charge_names_cover_selective_spellings_and_cail():
    drugs = get_crime("drug_trafficking")
    for name in ("贩卖毒品罪", "贩卖、运输毒品罪", "走私、贩卖、运输、制造毒品罪", "非法持有毒品罪", "[走私、贩卖、运输、制造]毒品"):
        assert crime_for_charge(name) is drugs, name
    assert crime_for_charge("运输、贩卖毒品罪") is None  # the verbs keep the statute's order
    assert crime_for_charge("容留他人吸毒罪") is None


def test_no_clause_id_literals_in_the_standards():
    """Clause ids are data: the standards modules read them from rules.json (comments and prose notes aside)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "toolkit" / "crimes"
    for module in (root / "personal_information" / "standards.py", root / "drug_trafficking" / "standards.py"):
        code = [line.split("#")[0] for line in module.read_text(encoding="utf-8").splitlines()]
        offending = [line for line in code if re.search(r"[\"'](Art\.\d|Interp\.Art)", line)]
        assert not offending, f"{module.name}: {offending}"
