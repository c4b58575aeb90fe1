from __future__ import annotations

import pytest

from toolkit.schema import (
    DEFENDANT_COLUMNS,
    SchemaError,
    defendants_to_frame,
    new_defendant_record,
    normalised_text_sha256,
    read_table,
    validate_defendant_record,
    write_table,
)


def _record():
    r = new_defendant_record("doc-1")
    r.update(defendant="张三", charges=["侵犯公民个人信息罪"], outcome="convicted", penalty_type="fixed_term",
             term_months=45, probation_months=None, fine_yuan=15000.0, info_count=8100, info_count_approx=True,
             info_category="trajectory", spans={"term_months": [10, 16]}, notes=["probation_months: not stated"])
    return r


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_round_trip(tmp_path, suffix):
    frame = defendants_to_frame([_record(), new_defendant_record("doc-2")])
    path = tmp_path / f"t{suffix}"
    write_table(frame, path)
    back = read_table(path)
    assert list(back.columns) == list(DEFENDANT_COLUMNS)
    assert back.loc[0, "term_months"] == 45 and str(back["term_months"].dtype) == "Int64"
    assert back.loc[0, "charges"] == ["侵犯公民个人信息罪"]
    assert back.loc[0, "spans"] == {"term_months": [10, 16]}
    assert bool(back.loc[0, "info_count_approx"]) is True
    assert back["term_months"].isna().tolist() == [False, True]


def test_validation_names_record_and_field():
    r = _record()
    r["outcome"] = "guilty"
    with pytest.raises(SchemaError, match=r"f\.jsonl:3.*outcome='guilty'"):
        validate_defendant_record(r, "f.jsonl:3")


def test_sha_ignores_width_and_whitespace():
    assert normalised_text_sha256("判处有期徒刑１年") == normalised_text_sha256("判处 有期徒刑1年\n")
    assert normalised_text_sha256("一年") != normalised_text_sha256("二年")


def test_normalised_text_hash_is_the_nfkc_hash():
    """The fast path (full-width forms mapped first) gives exactly the hash of NFKC with whitespace removed."""
    import hashlib
    import unicodedata

    from toolkit.schema import normalised_text_sha256

    samples = ["被告人张某，男，１９８０年出生。　判处有期徒刑（一年）", "ＡＢＣ ｶﾞ ﬁ ①", "plain ascii", "", "㍻ ½ Ⅻ 〇"]
    for text in samples:
        expected = hashlib.sha256("".join(unicodedata.normalize("NFKC", text).split()).encode("utf-8")).hexdigest()
        assert normalised_text_sha256(text) == expected, text
