"""Analyses on the per-defendant table (toolkit.schema): outcome rates, before/after a reform,
sentencing, and citation-ready statements of the results.

- outcomes: acquittal / exemption / non-prosecution / probation rates by group, Fisher's exact
  test and intervals for differences and ratios, upper bounds when nothing was observed.
- its: segmented (interrupted time series) Poisson and negative-binomial regression.
- sentencing: terms by tier, tier compliance, OLS / logit / ordered regressions, figure.
- statements: Chinese and English sentences with N, interval, method, data version, date.
- citation: BibTeX and CSL-JSON records for a dataset.
"""
