"""Reference values for tests/results/its_two_breakpoints.json, computed without statsmodels.

Run from the repository root:  .venv/bin/python tests/results/its_two_breakpoints.py
It fits the two-breakpoint Poisson segmented regression to the series stored in the JSON
file by Newton-Raphson on the log-likelihood (numpy only), computes the Newey-West (Bartlett,
3 lags) sandwich covariance by hand, and writes the estimates and HAC standard errors back.
The counts were drawn once with numpy.random.default_rng(2015).poisson(mu) for
mu_t = exp(1.2 + 0.01 t + 0.35 post1 + 0.02 (t-22) post1 + 0.45 post2 - 0.03 (t-41) post2),
t = 0..71 (2014-01 to 2019-12), and are stored literally so the test does not depend on numpy's
generator.
"""

import json
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_suffix(".json")


def design(n, positions):
    t = np.arange(n, dtype=float)
    columns = [np.ones(n), t]
    for p in positions:
        post = (t >= p).astype(float)
        columns += [post, (t - p) * post]
    return np.column_stack(columns)


def main():
    data = json.loads(PATH.read_text(encoding="utf-8"))
    y = np.asarray(data["counts"], dtype=float)
    X = design(len(y), data["positions"])
    beta = np.zeros(X.shape[1])
    beta[0] = np.log(y.mean())
    for _ in range(100):
        mu = np.exp(X @ beta)
        step = np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-13:
            break
    mu = np.exp(X @ beta)
    scores = X * (y - mu)[:, None]
    lags = data["hac_lags"]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        gamma = scores[lag:].T @ scores[:-lag]
        meat += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    bread = np.linalg.inv(X.T @ (X * mu[:, None]))
    se = np.sqrt(np.diag(bread @ meat @ bread))
    data["reference"] = {"params": [round(float(b), 10) for b in beta], "se_hac": [round(float(s), 10) for s in se]}
    PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
