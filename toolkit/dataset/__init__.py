"""Judgment-count data packages: `judgstat dataset INPUT... -o DIR` builds one, `open_package(DIR)` reads it.

Stages, one module each: sources (what each input is, streamed), parse_stage (documents -> defendant rows
with derived columns), pipeline (checkpointed parts, dedup, filter, assembly), engines (local | dask),
counts, coverage, descriptor (datapackage.json + provenance), reader, storage (local paths or fsspec URLs
for inputs, parts and DIR; s3:// needs s3fs installed on the client and every worker, not a dependency), cli.
"""

from toolkit.dataset.reader import Package, open_package

__all__ = ["Package", "open_package"]
