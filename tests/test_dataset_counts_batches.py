"""count_package_tables reads defendants.parquet in batches with one flag per row; its tables must equal the
descriptor's pandas expressions over the whole table, also where a document's rows are not adjacent, where a
batch boundary splits a document, and where values are missing."""

from __future__ import annotations

import random

import pandas as pd

from toolkit.dataset import counts as counts_module
from toolkit.dataset.counts import DIMENSIONS, NEEDED_COLUMNS, count_package_tables, expression, units_of


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        doc = f"d{rng.randrange(n // 3 + 1)}"  # repeats, adjacent and not
        row = {column: rng.choice([None, "a", "b", "c"]) for column in NEEDED_COLUMNS}
        row["doc_id"] = doc
        row["pi_charge"] = rng.choice([True, False])  # never null: derived from the charges
        row["tier"] = rng.choice([None, "serious", "especially_serious"])
        rows.append(row)
    frame = pd.DataFrame(rows, columns=NEEDED_COLUMNS)
    frame["pi_charge"] = frame["pi_charge"].astype("boolean")
    return frame


def test_batched_counts_equal_the_pandas_expressions(tmp_path, monkeypatch):
    monkeypatch.setattr(counts_module, "BATCH_ROWS", 50)
    df = _table(400, seed=7)
    path = tmp_path / "defendants.parquet"
    df.to_parquet(path, index=False, row_group_size=37)
    accumulator = count_package_tables(path)
    assert accumulator.defendants == len(df)
    assert accumulator.documents == df["doc_id"].nunique()
    for dimension in DIMENSIONS:
        rows = pd.DataFrame(accumulator.table(dimension))
        for unit in units_of(dimension):
            expected = eval(expression(dimension, unit), {"df": df})  # noqa: S307 - our own expressions
            got = rows[rows["unit"] == unit].set_index(dimension.name)["count"]
            got = got[got > 0]
            assert got.sort_index().to_dict() == {k: int(v) for k, v in expected.sort_index().items()}, (dimension.name, unit)


def test_empty_strings_count_as_unknown(tmp_path):
    df = _table(10, seed=1)
    df["province"] = ""
    path = tmp_path / "defendants.parquet"
    df.to_parquet(path, index=False)
    table = pd.DataFrame(count_package_tables(path).table(next(d for d in DIMENSIONS if d.name == "province")))
    assert table.set_index(["unit", "province"])["count"].to_dict() == {
        ("documents", "unknown"): df["doc_id"].nunique(), ("defendants", "unknown"): len(df)}
