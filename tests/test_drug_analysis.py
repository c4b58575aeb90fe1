"""Drug sentencing statistics (toolkit.crimes.drug_trafficking.analysis) on small frames with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.crimes.drug_trafficking import analysis


def frame(rows):
    columns = ["tier", "term_months", "life_imprisonment", "death_penalty", "range_low_months", "range_high_months",
               "inside_range", "fine_yuan", "drug", "grams", "art356_cited", "multiple_sales_cue", "other_charges"]
    return pd.DataFrame(rows, columns=columns)


def test_median_interval_has_its_coverage():
    x = np.arange(1, 21, dtype=float)
    median, low, high = analysis.median_interval(x)
    assert median == 10.5
    j = int(low)  # lower limit is the j-th order statistic
    coverage = stats.binom.cdf(20 - j, 20, 0.5) - stats.binom.cdf(j - 1, 20, 0.5)
    assert coverage >= 0.95 and (low, high) == (6.0, 15.0)
    assert math.isnan(analysis.median_interval([1, 2, 3])[1])  # too few: no interval


def test_range_shares_count_inside_below_above():
    f = frame([
        ("small", 10, False, False, 1, 36, True, 2000, "heroin", 1.0, False, False, []),
        ("small", 40, False, False, 1, 36, False, 3000, "heroin", 2.0, False, True, []),
        ("relatively_large", 60, False, False, 84, 180, False, 0, "heroin", 20.0, True, False, []),
        ("large", None, True, False, 180, 180, True, 0, "heroin", 60.0, False, False, []),
    ])
    shares = analysis.range_shares(f).set_index("tier")
    assert shares.loc["small", ["n", "inside", "below", "above"]].tolist() == [2, 1, 0, 1]
    assert shares.loc["relatively_large", ["inside", "below"]].tolist() == [0, 1]
    assert shares.loc["all", "n"] == 4 and shares.loc["all", "inside"] == 2
    fines = analysis.fines_by_tier(f).set_index("tier")
    assert fines.loc["small", "with_fine"] == 2 and fines.loc["large", "share_with_fine"] == 0


def test_threshold_multiple_reads_the_rules():
    f = frame([("small", 10, False, False, 1, 36, True, 0, "heroin", 5.0, False, False, []),
               ("small", 10, False, False, 1, 36, True, 0, "ketamine", 50.0, False, False, [])])
    assert analysis.threshold_multiple(f).tolist() == [0.5, 0.5]  # heroin 10 g, ketamine 100 g (Interp. Art. 2(7))


def test_term_model_recovers_a_known_slope():
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(300):
        grams = float(np.exp(rng.uniform(-3, 1)))  # heroin below 10 g: small
        term = float(np.exp(2.0 + 0.3 * np.log(grams / 10) + rng.normal(0, 0.05)))
        rows.append(("small", term, False, False, 1, 36, True, 0, "heroin", grams, bool(rng.integers(2)), False, []))
    result = analysis.term_model(frame(rows))
    assert result.ok and result.cov_type == "HC3" and result.n == 300
    row = result.table.loc["log_quantity_multiple"]
    assert row["ci_low"] < 0.3 < row["ci_high"]
    assert ("multiple_sales_cue", "no variation in the sample") in result.dropped
