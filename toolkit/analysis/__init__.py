"""Analyses on the per-defendant table (toolkit.schema): outcome rates, before/after a reform,
sentencing, and citation-ready statements of the results.

- table: bring any per-defendant table (parser output, embedded dataset) to the schema's form.
- outcomes: acquittal / exemption / non-prosecution / probation rates by group, Fisher's exact
  test, exact / mid-p / MOVER intervals for odds ratios, differences and ratios, upper bounds
  when nothing was observed.
- its: segmented (interrupted time series) Poisson and negative-binomial regression with HAC
  errors, and its figure.
- sentencing: tiers from the tier engine, terms by tier, tier compliance, OLS / logit /
  ordered regressions (separation detected; Firth on request), figures.
- statements: Chinese and English sentences with N, interval, method, how the population was
  formed, the data named so a reader can find it, filter, toolkit version and date; content hashes.
- citation: BibTeX and CSL-JSON records for a dataset, with its release, URL or DOI, path and commit.
- similar: comparable defendants for a case described by its facts (`judgstat similar`).
- synthetic: synthetic tables for tests and demonstrations (not data about real cases).
"""
