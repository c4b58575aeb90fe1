"""Synthetic per-defendant tables for tests and demonstrations (NOT data about real cases).

Values are drawn from a stated random model so tests can check that an analysis recovers
what was put in. Every record passes toolkit.schema.validate_defendant_record.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.schema import defendants_to_frame, new_defendant_record, validate_defendant_record

PROVINCES = ("北京", "上海", "广东", "浙江", "江苏")
CATEGORY_CHOICES = ("trajectory", "property", "accommodation", "transaction", "other")


def defendant(doc_id: str, **values: Any) -> dict[str, Any]:
    """One schema record with the given fields set (the rest null / empty)."""
    record = new_defendant_record(doc_id)
    record.update(values)
    validate_defendant_record(record, where="synthetic")
    return record


def synthetic_defendants(n: int = 200, seed: int = 0, start_year: int = 2015, end_year: int = 2023) -> pd.DataFrame:
    """n convicted / acquitted / exempted defendants with items, category, gains and sentence.

    The model: log term = 1.2 + 0.25 * log(items) + 0.4 * [item3 group] - 0.3 * [认罪认罚] + noise;
    probation more likely for short terms; 2% acquitted, 3% exempted.
    """
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        year = int(rng.integers(start_year, end_year + 1))
        month = int(rng.integers(1, 13))
        category = str(rng.choice(CATEGORY_CHOICES))
        items = int(np.exp(rng.uniform(np.log(20), np.log(200_000))))
        plea = bool(rng.random() < 0.5)
        gains = None if rng.random() < 0.3 else float(round(np.exp(rng.uniform(np.log(500), np.log(200_000)))))
        draw = rng.random()
        common = dict(
            case_number=f"（{year}）沪0101刑初{i + 1}号", court="上海市某区人民法院",
            province=str(rng.choice(PROVINCES)), court_level="basic", procedure="first_instance",
            doc_type="judgment", judgment_date=f"{year}-{month:02d}-15", defendant=f"被告人{i + 1}",
            charges=["侵犯公民个人信息罪"], info_count=items, info_category=category,
            illegal_gains_yuan=gains, mitigating=["认罪认罚"] if plea else ["坦白"],
        )
        if draw < 0.02:
            records.append(defendant(f"syn-{i}", outcome="acquitted", penalty_type="none", **common))
            continue
        if draw < 0.05:
            records.append(defendant(f"syn-{i}", outcome="exempted", penalty_type="none", **common))
            continue
        group3 = category in ("trajectory", "property")
        log_term = 1.2 + 0.25 * np.log(items) + 0.4 * group3 - 0.3 * plea + rng.normal(0, 0.35)
        term = int(np.clip(round(np.exp(log_term)), 1, 84))
        penalty = "criminal_detention" if term <= 6 else "fixed_term"
        p_probation = 1 / (1 + np.exp(-(3.0 - 0.12 * term)))
        probation = None
        if term <= 36 and rng.random() < p_probation:
            probation = max(term, 12)
        records.append(defendant(
            f"syn-{i}", outcome="convicted", penalty_type=penalty, term_months=term,
            probation_months=probation, fine_yuan=float(1000 * max(1, term // 6)), **common,
        ))
    return defendants_to_frame(records)
