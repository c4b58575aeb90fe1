"""Full judgment text → one schema record per defendant (toolkit.schema.new_defendant_record).

The text is converted to simplified characters with a same-length mapping (toolkit.textnorm), so
every span found in the converted text is valid for the original.  Metadata, facts and the verdict
are read by their extractors; each null field gets a note saying why.  parse_document never
raises: unreadable input yields one record with outcome "unknown" and a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from toolkit.crimes import DEFAULT_CRIME, Crime, all_crimes, crime_for_charge, get_crime
from toolkit.extract import Extracted
from toolkit.extract.facts import extract_circumstances
from toolkit.extract.metadata import extract_metadata
from toolkit.extract.verdict import extract_verdicts, party_entries
from toolkit.jsonl import may_hold_lone_surrogate, replace_lone_surrogates
from toolkit.schema import DEFENDANT_COLUMNS, new_defendant_record
from toolkit.textnorm import to_simplified

METADATA_FIELDS = ("case_number", "court", "province", "court_level", "procedure", "doc_type", "judgment_date")
VERDICT_FIELDS = (
    "party_type",
    "charges",
    "outcome",
    "penalty_type",
    "term_months",
    "probation_months",
    "fine_yuan",
    "confiscation",
    "political_rights_months",
)
CIRCUMSTANCE_FIELDS = ("mitigating", "aggravating")  # read for every crime by toolkit.extract.facts


def _fact_fields() -> tuple[str, ...]:
    """Every registered crime's `fact_fields`, then the generic circumstances: the facts the parser copies into a
    record. A crime field that is not a toolkit.schema column would be dropped from every output, so it is an error."""
    fields = [name for crime in all_crimes() for name in crime.fact_fields]
    unknown = sorted(set(fields) - set(DEFENDANT_COLUMNS))
    if unknown:
        raise TypeError(f"crime fact_fields not in toolkit.schema DEFENDANT_FIELDS: {', '.join(unknown)}")
    return tuple(dict.fromkeys([*fields, *CIRCUMSTANCE_FIELDS]))


FACT_FIELDS = _fact_fields()
_METADATA_SET, _VERDICT_SET, _FACT_SET = frozenset(METADATA_FIELDS), frozenset(VERDICT_FIELDS), frozenset(FACT_FIELDS)
_INTEGER_FIELDS = frozenset({"term_months", "probation_months", "political_rights_months", "info_count"})
_NUMBER_FIELDS = frozenset({"fine_yuan", "illegal_gains_yuan", "drug_grams"})
_CONVERT = {**{name: (lambda v: int(round(v))) for name in _INTEGER_FIELDS}, **{name: float for name in _NUMBER_FIELDS}}


def extract_facts(
    text: str, defendant: str | None = None, co_defendants: Iterable[str] = (), crime: Crime | None = None
) -> tuple[dict[str, Extracted], list[str]]:
    """The facts of a judgment for one defendant: the crime's own (Crime.extract_facts: quantities,
    categories, amounts) and the circumstances every judgment states (toolkit.extract.facts).

    `crime` defaults to DEFAULT_CRIME; fields outside FACT_FIELDS that a crime returns are not read here.
    """
    crime = crime or get_crime(DEFAULT_CRIME)
    co_defendants = tuple(co_defendants)
    fields, notes = crime.extract_facts(text, defendant, co_defendants)
    circumstances, circumstance_notes = extract_circumstances(text, defendant, co_defendants)
    if not circumstances and circumstance_notes == notes:  # empty text: one note, not two
        return dict(fields), list(notes)
    return {**fields, **circumstances}, [*notes, *circumstance_notes]


@lru_cache(maxsize=4096)
def _crime_of_charge(charge: str) -> Crime | None:
    return crime_for_charge(charge)


def crime_of(charges: Iterable[str] | None) -> Crime | None:
    """The registered crime of the first charge that belongs to one. DEFAULT_CRIME when no charge is stated (a
    news passage is read as the default crime's); None when the charges are stated and none is a registered
    crime's (开设赌场罪): no crime's facts are read then, only the circumstances every judgment states."""
    charges = [charge for charge in charges or () if charge]
    for charge in charges:
        crime = _crime_of_charge(charge)
        if crime is not None:
            return crime
    return None if charges else get_crime(DEFAULT_CRIME)


def _facts_of(
    text: str, defendant: str | None = None, co_defendants: Iterable[str] = (), crime: Crime | None = None
) -> tuple[dict[str, Extracted], list[str]]:
    """extract_facts for a defendant whose charges are `crime`'s; with None, the circumstances alone."""
    if crime is None:
        return extract_circumstances(text, defendant, tuple(co_defendants))
    return extract_facts(text, defendant, co_defendants, crime)


class InputLineError(ValueError):
    """A line of a JSONL input that is not a usable {"id", "text"} object; the message names file and line."""


def parse_document(doc_id: str, text: str) -> list[dict[str, Any]]:
    """Records (one per defendant) for one document; never raises."""
    return parse_documents([(doc_id, text)])[0]


# Documents parsed together by parse_lines: each extractor runs over the whole batch before the next one starts,
# so that its code and patterns stay in the processor's caches (benchmarks/README.md, "parsing in batches": the same
# records, faster than one document at a time). Small, so that memory stays flat and records come out promptly.
BATCH_SIZE = 32


def parse_documents(documents: Sequence[tuple[Any, Any]]) -> list[list[dict[str, Any]]]:
    """parse_document for each (doc_id, text), stage by stage over the batch: each document's records, in order.

    Never raises: a document whose parsing fails gets one record with outcome "unknown" and a note, and the other
    documents of the batch are unaffected."""
    states: list[_Document | list[dict[str, Any]]] = [_staged(str(doc_id), _prepare, str(doc_id), text)
                                                       for doc_id, text in documents]
    for stage in (_read_metadata, _read_verdicts):
        for index, state in enumerate(states):
            if type(state) is _Document:
                states[index] = _staged(state.doc_id, stage, state)
    return [_staged(state.doc_id, _records, state) if type(state) is _Document else state for state in states]


@dataclass(slots=True)
class _Document:
    """A document between the stages of parse_documents."""

    doc_id: str
    normal: str
    notes: list[str]
    metadata: dict[str, Extracted] = field(default_factory=dict)
    entries: list[dict[str, Extracted]] = field(default_factory=list)


def _staged(doc_id: str, stage: Any, *args: Any) -> Any:
    try:
        return stage(*args)
    except Exception as exc:  # the contract: bad input gives an "unknown" row, never an exception
        return [_unknown(doc_id, f"parser error: {type(exc).__name__}: {exc}")]


def _unknown(doc_id: str, note: str, explain: bool = True) -> dict[str, Any]:
    record = new_defendant_record(doc_id)
    record["outcome"] = "unknown"
    record["notes"].append(note)
    if explain:
        _explain_nulls(record, get_crime(DEFAULT_CRIME))
    return record


def _prepare(doc_id: str, text: Any) -> _Document | list[dict[str, Any]]:
    if not isinstance(text, str):
        return [_unknown(doc_id, f"text is not a string (got {type(text).__name__})")]
    if not text.strip():
        return [_unknown(doc_id, "empty text")]
    notes: list[str] = []
    normal = to_simplified(text)
    if len(normal) != len(text):  # the contract says same length; never let spans drift
        normal = text
        notes.append("textnorm changed the text length; parsed the original characters")
    return _Document(doc_id, normal, notes)


def _read_metadata(document: _Document) -> _Document:
    document.metadata, notes = _guarded(extract_metadata, document.normal, "metadata")
    document.notes.extend(notes)
    return document


def _read_verdicts(document: _Document) -> _Document:
    document.entries, notes = _guarded(extract_verdicts, document.normal, "verdict", empty=[])
    document.notes.extend(notes)
    return document


def _records(document: _Document) -> list[dict[str, Any]]:
    doc_id, normal, metadata, entries, doc_notes = (
        document.doc_id, document.normal, document.metadata, document.entries, document.notes
    )
    doc_type = _value(metadata.get("doc_type"))
    if not entries and doc_type == "non_prosecution_decision":
        entries = [
            {
                "defendant": Extracted(name, None), "party_type": Extracted(party_type, None),
                "outcome": Extracted("not_prosecuted", None), "penalty_type": Extracted("none", None),
            }
            for name, party_type in party_entries(normal).items()
        ] or [{"outcome": Extracted("not_prosecuted", None), "penalty_type": Extracted("none", None)}]
    if not entries:
        record = _unknown(doc_id, "outcome: no sentence, acquittal or exemption found for any defendant", explain=False)
        _fill(record, metadata, _METADATA_SET)
        facts, fact_notes = _guarded(extract_facts, normal, "facts")
        _fill(record, facts, _FACT_SET)
        record["notes"].extend(doc_notes + fact_notes)
        _explain_nulls(record, get_crime(DEFAULT_CRIME))
        return [record]

    several = len(entries) > 1
    # the facts may call a defendant by the header's pseudonym (陈某) where the verdict names them in full
    fact_names = [_value(entry.get("alias")) or _value(entry.get("defendant")) for entry in entries]
    crimes = [crime_of(_value(entry.get("charges"))) for entry in entries]
    shared_facts = None if several else _guarded(_facts_of, normal, "facts", defendant=fact_names[0], crime=crimes[0])
    records = []
    base = new_defendant_record(doc_id)  # the document's metadata, read into a record once
    _fill(base, metadata, _METADATA_SET)
    for entry, fact_name, crime in zip(entries, fact_names, crimes):
        record = {**base, "charges": [], "mitigating": [], "aggravating": [], "spans": dict(base["spans"]), "notes": []}
        name = _value(entry.get("defendant"))
        record["defendant"] = name
        _fill(record, entry, _VERDICT_SET)
        if shared_facts is not None:
            facts, fact_notes = shared_facts
        else:
            others = [n for n in fact_names if n and n != fact_name]
            facts, fact_notes = _guarded(_facts_of, normal, "facts", defendant=fact_name, co_defendants=others, crime=crime)
        _fill(record, facts, _FACT_SET)
        entry_notes = _value(entry.get("notes")) or []
        record["notes"].extend(doc_notes + list(entry_notes) + list(fact_notes))
        _explain_nulls(record, crime)
        records.append(record)
    return records


def _guarded(extractor: Any, text: str, label: str, empty: Any = None, **kwargs: Any) -> tuple[Any, list[str]]:
    """Run one extractor; if it fails, the others still fill their fields and the note says why."""
    try:
        return extractor(text, **kwargs)
    except Exception as exc:  # one extractor's bug must not cost the other fields
        return ({} if empty is None else empty), [f"{label} extractor error: {type(exc).__name__}: {exc}"]


def _value(extracted: Extracted | None) -> Any:
    return None if extracted is None else extracted.value


def _fill(record: dict[str, Any], extracted: dict[str, Extracted], fields: frozenset[str]) -> None:
    spans = record["spans"]
    convert_of = _CONVERT
    for name, item in extracted.items():
        if item is None or name not in fields:
            continue
        value, span = item
        if value is None:
            continue
        if name in convert_of:
            value = convert_of[name](value)
        elif type(value) is tuple:
            value = list(value)
        record[name] = value
        if span is not None:
            spans[name] = [int(span[0]), int(span[1])]


_NEVER_NULL = frozenset({"spans", "notes", "doc_id"})


@lru_cache(maxsize=1)
def _fact_field_owners() -> dict[str, Crime]:
    return {name: crime for crime in all_crimes() for name in crime.fact_fields}


def _explain_nulls(record: dict[str, Any], crime: Crime | None) -> None:
    """Every null field gets a reason; extractors' own notes ("field: …") take precedence."""
    missing = [name for name, value in record.items() if value is None and name not in _NEVER_NULL]
    if not missing:
        return
    # "term_months/fine_yuan: …" explains both fields
    explained = {name for note in record["notes"] for name in note.partition(":")[0].split("/")}
    owners = _fact_field_owners()
    outcome = record.get("outcome")
    penalty = record.get("penalty_type")
    for name in missing:
        if name in explained:
            continue
        if name == "term_months" and penalty in ("fine_only", "none"):
            reason = f"no custodial or surveillance term ({penalty})"
        elif name == "term_months" and penalty in ("life", "death", "death_suspended"):
            reason = f"{penalty} is not a number of months"
        elif name == "probation_months" and outcome == "convicted":
            reason = "no probation (缓刑) in the sentence"
        elif name == "fine_yuan" and outcome == "convicted":
            reason = "no fine (罚金) in the sentence"
        elif name == "political_rights_months" and outcome == "convicted":
            reason = "no deprivation of political rights in the sentence"
        elif name in owners and crime is None:
            reason = f"not read: a field of {owners[name].id}, and the charges ({'、'.join(record['charges'])}) belong to no registered crime"
        elif name in owners and name not in crime.fact_fields:
            reason = f"not read: a field of {owners[name].id}, and the charges are {crime.id}'s" if crime.id != DEFAULT_CRIME else f"not read: a field of {owners[name].id}, and the charges are not"
        elif name in VERDICT_FIELDS or name == "defendant":
            reason = "not stated in the operative part" if outcome != "unknown" else "no verdict found in the text"
        else:
            reason = "not found in the text"
        record["notes"].append(f"{name}: {reason}")


def parse_jsonl(
    path: str | Path, id_key: str = "id", text_key: str = "text", skip_bad_lines: bool = False,
    errors: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Parse a JSONL file line by line (memory stays flat); yields defendant records.

    A bad line raises InputLineError naming file and line, or — with skip_bad_lines — is reported
    in `errors` (when given) and skipped.
    """
    path = Path(path)
    with path.open("rb") as handle:
        yield from parse_lines(handle, str(path), id_key, text_key, skip_bad_lines, errors)


def parse_lines(
    lines: Iterable[bytes | str], source: str, id_key: str = "id", text_key: str = "text",
    skip_bad_lines: bool = False, errors: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """parse_jsonl over any iterable of lines (bytes must be UTF-8); `source` names it in errors."""
    for _, _, records in parse_line_documents(lines, source, id_key, text_key, skip_bad_lines, errors):
        yield from records


def parse_line_documents(
    lines: Iterable[bytes | str], source: str, id_key: str = "id", text_key: str = "text",
    skip_bad_lines: bool = False, errors: list[str] | None = None, first_line: int = 1,
) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """parse_lines document by document: (doc_id, text, records) for each non-blank line, in input order.

    Lines are read BATCH_SIZE documents ahead and parsed together (parse_documents). Before a bad line raises
    InputLineError or, with skip_bad_lines, is added to `errors`, the documents before it come out. Errors number
    the lines from `first_line` (for lines that are a part of a longer input)."""
    pending: list[tuple[str, str]] = []
    for line_number, line in enumerate(lines, start=first_line):
        try:
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValueError(f"not UTF-8 (byte {exc.start}); convert the file first, e.g. with judgstat load") from None
            if not line or line.isspace():  # (strip() would copy every line)
                continue
            pending.append(_read_line(line, id_key, text_key))
        except ValueError as exc:
            message = f"{source}:{line_number}: {exc}"
            yield from _parsed(pending)
            pending = []
            if not skip_bad_lines:
                raise InputLineError(message) from None
            if errors is not None:
                errors.append(message)
            continue
        if len(pending) == BATCH_SIZE:
            yield from _parsed(pending)
            pending = []
    yield from _parsed(pending)


def _parsed(documents: list[tuple[str, str]]) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    for (doc_id, text), records in zip(documents, parse_documents(documents)):
        yield doc_id, text, records


def _read_line(line: str, id_key: str, text_key: str) -> tuple[str, str]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None  # msg may end in "at"
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    if id_key not in obj:
        raise ValueError(f"no {id_key!r} key (keys: {', '.join(list(obj)[:8])})")
    if text_key not in obj:
        raise ValueError(f"record {obj[id_key]!r} has no {text_key!r} key")
    if may_hold_lone_surrogate(line):  # a lone \ud800 escape would make every output format fail
        obj = replace_lone_surrogates(obj)
    text = obj[text_key]
    if text is not None and not isinstance(text, str):
        raise ValueError(f"record {obj[id_key]!r}: {text_key!r} is {type(text).__name__}, not a string")
    return str(obj[id_key]), text or ""
