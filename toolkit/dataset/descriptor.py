"""datapackage.json for a `judgstat dataset` package: a Frictionless data package with every resource,
its fields (type, description, allowed values), the content hash of each file, and provenance under
the `judgstat` key (inputs with size and sha256, toolkit / parser / tier-rules versions, filter,
counts of records, errors, duplicates and skipped files)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolkit.hashing import file_sha256
from toolkit.dataset.columns import PACKAGE_DEFENDANT_FIELDS
from toolkit.dataset.counts import DIMENSIONS, expression, units_of
from toolkit.dataset.coverage import COVERAGE_COLUMNS
from toolkit.loaders.store import DUPLICATE_COLUMNS, ERROR_COLUMNS
from toolkit.schema import DOCUMENT_FIELDS, Field

_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
          "date": "date", "list": "array", "object": "object"}


@lru_cache(maxsize=1)
def parser_version() -> str:
    """sha256 over the parser's source files (toolkit/parser.py, extract/, textnorm, numerals) and the crime
    plug-ins' code and data (crimes/: their extractors and rules decide the fact fields and tiers), so a resumed
    run never reuses parts parsed by other code."""
    root = Path(__file__).resolve().parent.parent
    crimes = sorted(p for p in (root / "crimes").rglob("*") if p.suffix in (".py", ".json") and p.is_file())
    files = [root / "parser.py", root / "textnorm.py", root / "numerals.py", *sorted((root / "extract").glob("*.py")),
             *crimes]
    digest = hashlib.sha256()
    for file in files:
        if file.is_file():
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _schema_fields(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        entry: dict[str, Any] = {"name": f.name, "type": _TYPES[f.kind], "description": f.description}
        if f.kind == "date":
            entry["type"] = "string"  # ISO 8601 text; kept as text so partial dates never become guesses
            entry["format"] = "default"
        if f.kind in ("list", "object"):
            entry["description"] += " (JSON text in Parquet and CSV)"
        if f.enum:
            entry["constraints"] = {"enum": list(f.enum)}
        out.append(entry)
    return out


def _resource(out: Path, name: str, path: str, fields: list[dict[str, Any]], description: str, **extra: Any) -> dict:
    file = out / path
    fmt = file.suffix.lstrip(".")
    csv_file = fmt == "csv"
    # Parquet nulls reach Frictionless' pandas reader as NaN, hence the extra missing value; the byte
    # size of a Parquet file is in judgstat.bytes (Frictionless counts bytes of text formats only)
    schema = {"fields": fields} if csv_file else {"fields": fields, "missingValues": ["", "nan"]}
    size = {"bytes": file.stat().st_size} if csv_file else {}
    return {
        "name": name, "path": path, "profile": "tabular-data-resource", "format": fmt,
        "mediatype": "text/csv" if csv_file else "application/vnd.apache.parquet",
        **({"encoding": "utf-8"} if csv_file else {}), **size,
        "hash": f"sha256:{file_sha256(file)}",
        "description": description, "schema": schema,
        **{k: v for k, v in extra.items() if k != "judgstat"},
        "judgstat": {**extra.get("judgstat", {}), **({} if csv_file else {"bytes": file.stat().st_size})},
    }


def _text_fields(columns: tuple[str, ...], descriptions: dict[str, str], types: dict[str, str] | None = None) -> list[dict]:
    return [{"name": c, "type": (types or {}).get(c, "string"), "description": descriptions.get(c, c)} for c in columns]


def build_descriptor(out: Path, name: str, result: Any, filter: dict[str, Any], totals: dict[str, int],
                     title: str | None = None, documents_note: str | None = None) -> dict[str, Any]:
    import toolkit

    resources = []
    if (out / "documents.parquet").exists():
        resources.append(_resource(out, "documents", "documents.parquet", _schema_fields(DOCUMENT_FIELDS),
                                   "The document store: one row per document kept (duplicates removed, filter applied)."))
    resources.append(_resource(
        out, "defendants", "defendants.parquet", _schema_fields(PACKAGE_DEFENDANT_FIELDS),
        "One row per defendant per document (persons, not cases): toolkit.schema's columns, then derived ones.",
        sources=[{"title": "inputs listed under judgstat.inputs"}],
    ))
    for dimension in DIMENSIONS:
        fields = [
            {"name": dimension.name, "type": "string", "description": f"{dimension.description}; 'unknown' when not read"},
            {"name": "unit", "type": "string", "description": "documents (judgments, rulings, decisions) or defendants (persons per document)",
             "constraints": {"enum": list(units_of(dimension))}},
            {"name": "measure", "type": "string", "description": "what is counted: every record of the unit in the package, once"},
            {"name": "count", "type": "integer", "description": "number of records", "constraints": {"minimum": 0}},
        ]
        resources.append(_resource(
            out, f"counts-{dimension.name.replace('_', '-')}", f"counts/{dimension.name}.csv", fields,
            f"Counts by {dimension.description}; each (unit, measure) sums to the package's total of that unit.",
            sources=[{"title": "defendants.parquet of this package"}],
            judgstat={"expressions": {unit: expression(dimension, unit) for unit in units_of(dimension)},
                      "expression_input": 'df = pandas.read_parquet("defendants.parquet")',
                      "totals": {unit: totals[unit] for unit in units_of(dimension)}},
        ))
    number_types = {c: "number" for c in ("ratio", "ci_low", "ci_high")}
    number_types.update(corpus_count="integer", official_count="integer", official_approx="boolean")
    resources.append(_resource(
        out, "coverage", "coverage.csv",
        _text_fields(COVERAGE_COLUMNS, {"ratio": "corpus_count / official_count", "ci_low": "lower limit of the exact (Clopper-Pearson) 95% interval",
                                        "ci_high": "upper limit of the exact (Clopper-Pearson) 95% interval"}, number_types),
        "The package's counts beside the official totals for the same measure and period (toolkit.dataset.coverage).",
        sources=[{"title": "datasets/official-statistics (court_counts.csv)"}, {"title": "defendants.parquet of this package"}],
    ))
    resources.append(_resource(out, "errors", "errors.csv", _text_fields(ERROR_COLUMNS, {}, {"line": "integer"}),
                               "Every input record or file that could not be read, with the reason.",
                               sources=[{"title": "inputs listed under judgstat.inputs"}], judgstat={"may_be_empty": True}))
    resources.append(_resource(out, "duplicates", "duplicates.csv",
                               _text_fields(DUPLICATE_COLUMNS, {}, {"same_text": "boolean"}),
                               "Every document dropped as a duplicate, with the document kept (toolkit.loaders.dedup rule).",
                               sources=[{"title": "inputs listed under judgstat.inputs"}], judgstat={"may_be_empty": True}))
    for resource in resources:  # the column that names each row's origin (toolkit.datasets provenance rule)
        origin = {"errors": "file", "duplicates": "duplicate_source_ref"}.get(resource["name"])
        if origin:
            resource["schema"]["sourceFields"] = [origin]
    from toolkit.tiers import load_rules

    descriptor = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title or f"judgstat dataset {name}",
        "licenses": [{"name": "other-at", "title": "Derived from the inputs; their licences apply"}],
        "sources": [{"title": "inputs listed under judgstat.inputs"}],
        "resources": resources,
        "judgstat": {
            "toolkit_version": toolkit.__version__,
            "parser_version": parser_version(),
            "tier_rules_version": load_rules().version,
            "filter": filter,
            "inputs": result.inputs,
            "counts": {
                "records_read": result.records_read, "documents": totals["documents"], "defendants": totals["defendants"],
                "table_rows_read": result.table_rows, "filtered_out_defendants": result.filtered_out,
                "errors": len(result.errors), "duplicates": len(result.duplicates), "skipped_files": len(result.skipped),
                "ids_renamed": len(result.renamed),
            },
            "skipped": result.skipped,
            "definitions": {
                "documents": "documents (judgments, rulings, decisions) kept after deduplication and the filter; a document counts once",
                "defendants": "one record per defendant per document: a person tried in two instances appears in both documents",
            },
            **({"documents_note": documents_note} if documents_note else {}),
        },
    }
    return descriptor
