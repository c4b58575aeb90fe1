"""Citation-ready sentences, in Chinese and English, for the results of toolkit.analysis.

Each statement gives the number of defendants, the estimate, its interval and method, and
ends with a provenance line: the data source and its version (a content hash of the table),
the filter used, the toolkit version and the date. Example:

    在2019–2023年公开的侵犯公民个人信息罪案例的312名被告人中，宣告无罪0人（0%，95%置信区间
    0–1.2%，Clopper–Pearson）；未观察到此类结果，据此单侧95%置信上限为0.96%。
    数据：published-pi-cases（版本 sha256:3f2a…）；筛选：一审判决；judgstat 0.1.0；2026-11-28。

Numbers are formatted, never rounded away: percentages keep two significant digits below
1% and one decimal above.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import toolkit
from toolkit.analysis.its import ITSResult
from toolkit.analysis.outcomes import Comparison, Rate
from toolkit.analysis import sentencing
from toolkit.analysis.sentencing import Compliance, RegressionResult

METHOD_NAMES = {
    "clopper-pearson": ("Clopper–Pearson精确法", "Clopper–Pearson"),
    "wilson": ("Wilson得分法", "Wilson score"),
    "jeffreys": ("Jeffreys法", "Jeffreys"),
    "conditional-exact": ("条件精确法", "exact conditional"),
    "conditional-mid-p": ("条件mid-p法", "conditional mid-p"),
}

COVARIATE_NAMES = {
    "log_items": ("信息条数（对数）", "log item count"),
    "group_item3": ("第五条第一款第三项类信息", "item-(3) information"),
    "group_item4": ("第五条第一款第四项类信息", "item-(4) information"),
    "log1p_gains": ("违法所得（对数）", "log(1 + illegal gains)"),
    "gains_missing": ("违法所得未载明", "illegal gains not stated"),
    "surrender": ("自首", "voluntary surrender"),
    "confession": ("坦白", "confession"),
    "meritorious": ("立功", "meritorious service"),
    "plea_leniency": ("认罪认罚", "plea leniency"),
    "restitution": ("退赃退赔", "restitution"),
    "accessory": ("从犯", "accessory"),
    "recidivist": ("累犯", "recidivism"),
}


@dataclass(frozen=True)
class DataSource:
    """What the numbers were computed from: name, description, content hash, filter."""

    name: str
    description_zh: str  # reads after "在2019–2023年": e.g. 公开的侵犯公民个人信息罪案例
    description_en: str  # reads after "defendants in": e.g. published personal-information cases
    version: str  # "sha256:<hex>" content hash of the table
    filter_zh: str = "无"
    filter_en: str = "none"
    rows: int | None = None

    @property
    def short_version(self) -> str:
        algorithm, _, digest = self.version.partition(":")
        return f"{algorithm}:{digest[:12]}" if digest else self.version


@dataclass(frozen=True)
class Statement:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}"


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 3.0 and 3 are the same datum whether read from CSV or JSON
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 and getattr(value, "minute", 0) == 0 else value.isoformat()
    return value


def content_hash(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> str:
    """SHA-256 of the table's content, independent of row and column order, dtypes and file format.

    Each row becomes canonical JSON over all columns (or `columns`): sorted keys, nulls as
    null, 3.0 as 3, dates as ISO text; the sorted lines are hashed. Returns "sha256:<hex>".
    """
    columns = tuple(columns or frame.columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"cannot hash: the table has no column(s) {missing}")
    lines = []
    for row in frame[list(columns)].astype(object).itertuples(index=False, name=None):
        record = {str(c): _json_value(v) for c, v in zip(columns, row)}
        lines.append(json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str))
    digest = hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes, "sha256:<hex>"."""
    from toolkit.hashing import file_sha256

    return f"sha256:{file_sha256(path)}"


def describe_source(
    frame: pd.DataFrame, name: str, description_zh: str, description_en: str,
    filter_zh: str = "无", filter_en: str = "none",
) -> DataSource:
    """DataSource for a table, its version being content_hash(frame)."""
    return DataSource(name, description_zh, description_en, content_hash(frame), filter_zh, filter_en, len(frame))


# ---------------------------------------------------------------------------- formatting


def format_percent(x: float) -> str:
    """0 -> '0%', 0.0095576 -> '0.96%', 0.0123 -> '1.2%', 0.2345 -> '23.5%', 1 -> '100%'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    pct = 100 * x
    if pct == 0:
        return "0%"
    if pct == 100:
        return "100%"
    if abs(pct) >= 1:
        return f"{pct:.1f}%"
    digits = max(0, 1 - int(math.floor(math.log10(abs(pct)))))
    return f"{pct:.{digits}f}%"


def format_percent_range(low: float, high: float) -> str:
    """'0–1.2%', '5.9–27.2%': the percent sign once, after the upper end (as in print)."""
    return f"{format_percent(low).rstrip('%')}–{format_percent(high)}"


def format_number(x: float, digits: int = 3) -> str:
    """Significant-digit formatting for ratios and coefficients; inf as ∞."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        return f"{x:.2e}"
    return text


def format_p(p: float) -> str:
    """'p < 0.001', 'p = 0.004', 'p = 0.13' (the comparison sign included)."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _method(name: str) -> tuple[str, str]:
    return METHOD_NAMES.get(name, (name, name))


def _confidence(alpha: float) -> str:
    return f"{round(100 * (1 - alpha), 1):g}%"


def _people(n: int, plural: str = "defendants") -> str:
    """'1 defendant', '5 defendants' (also for 'suspects or defendants ...')."""
    if n == 1:
        plural = plural.replace("suspects", "suspect").replace("defendants", "defendant")
    return f"{n} {plural}"


def provenance(source: DataSource, today: date | str | None = None) -> Statement:
    day = (today if isinstance(today, str) else (today or date.today()).isoformat())
    return Statement(
        f"数据：{source.name}（版本 {source.short_version}）；筛选：{source.filter_zh}；"
        f"judgstat {toolkit.__version__}；{day}。",
        f"Data: {source.name} (version {source.short_version}); filter: {source.filter_en}; "
        f"judgstat {toolkit.__version__}; {day}.",
    )


def _years(span: tuple[int, int] | None) -> tuple[str, str]:
    if not span:
        return "", ""
    first, last = span
    text = f"{first}" if first == last else f"{first}–{last}"
    return f"{text}年", f" decided in {text}"


# ---------------------------------------------------------------------------- statements


def _proportion_text(iv: Any) -> tuple[str, str]:
    """Estimate, interval and method of a proportion, for a statement's parentheses (Chinese, English)."""
    conf = _confidence(iv.alpha)
    zh_method, en_method = _method(iv.method)
    span = format_percent_range(iv.low, iv.high)
    return (f"{format_percent(iv.estimate)}，{conf}置信区间{span}，{zh_method}",
            f"{format_percent(iv.estimate)}, {conf} CI {span}, {en_method}")


def rate_statement(rate: Rate, source: DataSource) -> Statement:
    m = rate.measure
    years_zh, years_en = _years(rate.years)
    group_zh = f"（{rate.group_column}={rate.group}）" if rate.group is not None else ""
    group_en = f" ({rate.group_column} = {rate.group})" if rate.group is not None else ""
    if rate.undated and rate.years:
        # Not every defendant has a year: the span describes only those that do.
        lead_zh = (f"在{source.description_zh}{group_zh}的{rate.n}{m.population_zh}中（裁判年份{years_zh}，"
                   f"其中{rate.undated}人未载明）")
        lead_en = (f"Of the {_people(rate.n, m.population_en)} in {source.description_en}{group_en} "
                   f"({years_en.strip()}; year not stated for {rate.undated})")
    else:
        lead_zh = f"在{years_zh}{source.description_zh}{group_zh}的{rate.n}{m.population_zh}中"
        lead_en = f"Of the {_people(rate.n, m.population_en)} in {source.description_en}{group_en}{years_en}"
    if rate.n == 0 or rate.interval is None:
        return Statement(
            f"在{source.description_zh}{group_zh}中，没有属于该比例分母的{m.population_zh.lstrip('名')}，无法计算{m.zh}比例。",
            f"No {m.population_en} in {source.description_en}{group_en} fall in the denominator: "
            f"no {m.en} rate can be computed.",
        )
    iv_zh, iv_en = _proportion_text(rate.interval)
    zh = f"{lead_zh}，{m.zh}{rate.k}人（{iv_zh}）"
    en = f"{lead_en}, {rate.k} {'was' if rate.k == 1 else 'were'} {m.en} ({iv_en})"
    one_sided = _confidence(rate.alpha)
    if rate.k == 0 and rate.one_sided_bound is not None:
        zh += f"；未观察到此类结果，据此单侧{one_sided}置信上限为{format_percent(rate.one_sided_bound)}"
        en += (f"; with none observed, the one-sided {one_sided} upper bound is "
               f"{format_percent(rate.one_sided_bound)}")
    elif rate.k == rate.n and rate.one_sided_bound is not None:
        zh += f"；全部属于此类，单侧{one_sided}置信下限为{format_percent(rate.one_sided_bound)}"
        en += f"; all of them, so the one-sided {one_sided} lower bound is {format_percent(rate.one_sided_bound)}"
    if rate.excluded_unknown:
        zh += f"；另有{rate.excluded_unknown}人结果不明，未计入"
        en += f"; {rate.excluded_unknown} more with unknown outcome are not counted"
    return Statement(zh + "。", en + ".")


def comparison_statement(c: Comparison, source: DataSource) -> Statement:
    m = c.measure
    what_zh = m.zh if m else "事件"
    what_en = m.en if m else "with the event"
    column = f"{c.group_column} " if c.group_column else ""
    conf = _confidence(c.alpha)
    d, orr = c.difference, c.odds_ratio
    or_zh, or_en = _method(orr.method)
    limits = d.method[d.method.find("(") + 1:-1] if "(" in d.method else d.method
    limits_zh, limits_en = {"wilson": ("Wilson", "Wilson"), "clopper-pearson": ("Clopper–Pearson", "Clopper–Pearson"),
                            "mid-p": ("mid-p", "mid-p"), "jeffreys": ("Jeffreys", "Jeffreys")}.get(limits, (limits, limits))
    zh = (f"{source.description_zh}中，{what_zh}的比例：{column}{c.label_a}组{c.k1}/{c.n1}"
          f"（{format_percent(c.k1 / c.n1)}），{c.label_b}组{c.k2}/{c.n2}（{format_percent(c.k2 / c.n2)}）；"
          f"差值{format_percent(d.estimate)}（{conf}置信区间{format_percent(d.low)}至{format_percent(d.high)}，"
          f"Newcombe平方和法，{limits_zh}限）；比值比{format_number(orr.estimate)}（{conf}置信区间{format_number(orr.low)}–"
          f"{format_number(orr.high)}，{or_zh}）；Fisher精确检验双侧{format_p(c.fisher_p)}")
    en = (f"In {source.description_en}, {what_en}: {column}{c.label_a} {c.k1}/{c.n1} "
          f"({format_percent(c.k1 / c.n1)}) against {c.label_b} {c.k2}/{c.n2} ({format_percent(c.k2 / c.n2)}); "
          f"difference {format_percent(d.estimate)} ({conf} CI {format_percent(d.low)} to {format_percent(d.high)}, "
          f"Newcombe square-and-add, {limits_en} limits); odds ratio {format_number(orr.estimate)} ({conf} CI {format_number(orr.low)}–"
          f"{format_number(orr.high)}, {or_en}); Fisher's exact test two-sided {format_p(c.fisher_p)}")
    if c.notes:
        zh += "；注意：" + "；".join(c.notes)
        en += "; note: " + "; ".join(c.notes)
    return Statement(zh + "。", en + ".")


def its_statement(r: ITSResult, source: DataSource) -> Statement:
    family_zh = "泊松" if r.family == "poisson" else "负二项"
    family_en = "Poisson" if r.family == "poisson" else "negative-binomial"
    unit_zh, unit_en = _unit(r)
    lc, sc = r.level_change, r.slope_change
    conf = _confidence(r.alpha)
    first, last = str(r.periods[0]), str(r.periods[-1])
    reform_zh = f"{r.reform_label}年" if unit_zh == "年" else r.reform_label
    zh = (f"以{reform_zh}为界，对{source.description_zh}{first}至{last}共{r.n_periods}{'个月' if unit_zh == '月' else unit_zh}"
          f"（{int(r.counts.sum())}人）的分段{family_zh}回归（HAC标准误，滞后{r.hac_lags}{'个月' if unit_zh == '月' else unit_zh}）："
          f"改革时的水平变化率比为{format_number(lc.estimate)}（{conf}置信区间{format_number(lc.low)}–"
          f"{format_number(lc.high)}），此后每{unit_zh}趋势变化率比为{format_number(sc.estimate)}"
          f"（{format_number(sc.low)}–{format_number(sc.high)}）")
    en = (f"Segmented {family_en} regression of {_people(int(r.counts.sum()))} in {source.description_en} "
          f"over {r.n_periods} {unit_en}s ({first} to {last}), reform at {r.reform_label}, HAC standard errors "
          f"({r.hac_lags} lags): level change rate ratio {format_number(lc.estimate)} ({conf} CI "
          f"{format_number(lc.low)}–{format_number(lc.high)}), change in trend per {unit_en} "
          f"{format_number(sc.estimate)} ({format_number(sc.low)}–{format_number(sc.high)})")
    return Statement(zh + "。", en + ".")


def _unit(r: ITSResult) -> tuple[str, str]:
    freq = (getattr(r.periods, "freqstr", "") or "").upper()
    if freq.startswith("M"):
        return "月", "month"
    if freq.startswith(("Y", "A")):
        return "年", "year"
    return "期", "period"


def compliance_statement(c: Compliance, source: DataSource) -> Statement:
    if c.interval is None:
        return Statement(
            f"{source.description_zh}中没有可判断法定刑幅度的被告人（{c.not_applicable}人不适用或信息不足）。",
            f"No defendant in {source.description_en} has a known statutory range and penalty "
            f"({c.not_applicable} not applicable or lacking data).",
        )
    iv_zh, iv_en = _proportion_text(c.interval)
    zh = (f"在{source.description_zh}中可判断所属法定刑幅度的{c.n}名被告人中，{c.inside}人的刑罚落在该幅度之内"
          f"（{iv_zh}），低于幅度{c.below}人，高于幅度{c.above}人；幅度依刑法第二百五十三条之一及法释〔2017〕10号"
          f"第五条由工具的量刑档次引擎判定")
    en = (f"Of the {_people(c.n)} in {source.description_en} whose statutory range could be determined, "
          f"{c.inside} received a penalty inside it ({iv_en}); {c.below} below and {c.above} above; "
          f"ranges from Criminal Law Art. 253-1 and Interpretation 法释〔2017〕10号 Art. 5 via the toolkit's tier engine")
    return Statement(zh + "。", en + ".")


def regression_statement(r: RegressionResult, source: DataSource, term: str = "log_items") -> Statement:
    name_zh, name_en = COVARIATE_NAMES.get(term, (term, term))
    kind_zh, kind_en = {
        "ols_log_term": ("刑期（对数）的OLS回归", "OLS regression of log term"),
        "probation_logit": ("适用缓刑的logit回归", "logit regression of probation"),
        "ordered_severity": ("刑罚轻重的有序logit回归", "ordered logit of sentence severity"),
    }.get(r.kind, (r.kind, r.kind))
    if not r.ok or r.table is None:
        return Statement(
            f"{source.description_zh}（{r.n}名被告人）的{kind_zh}无法估计：{r.message_zh or r.message}。",
            f"The {kind_en} on {source.description_en} ({_people(r.n)}) cannot be estimated: {r.message}.",
        )
    if term not in r.table.index:
        dropped = dict(r.dropped)
        reason = dropped.get(term, "not in the model")
        return Statement(f"{kind_zh}中没有{name_zh}这一变量（{reason}）。", f"The {kind_en} has no {name_en} term ({reason}).")
    row = r.table.loc[term]
    conf = _confidence(r.alpha)
    se_zh, se_en = {
        "HC3": ("HC3稳健标准误", "HC3 robust standard errors"),
        sentencing.FIRTH: ("因完全分离改用Firth惩罚似然估计，Wald区间", "Firth penalised likelihood because of separation, Wald intervals"),
    }.get(r.cov_type, ("最大似然标准误", "maximum-likelihood standard errors"))
    if term == "log_items":
        factor, low, high = (2 ** row[k] for k in ("coef", "ci_low", "ci_high"))
        what_zh = {"ols_log_term": "刑期约乘以", "probation_logit": "适用缓刑的几率约乘以",
                   "ordered_severity": "判处更重刑罚的累积几率约乘以"}.get(r.kind, "效应为")
        what_en = {"ols_log_term": "the term is multiplied by about", "probation_logit": "the odds of probation are multiplied by",
                   "ordered_severity": "the odds of a more severe sentence are multiplied by"}.get(r.kind, "the effect is")
        zh = (f"在{source.description_zh}的{r.n}名被告人中（{kind_zh}，{se_zh}，控制其他变量），信息条数每增加一倍，"
              f"{what_zh}{format_number(factor)}（{conf}置信区间{format_number(low)}–{format_number(high)}）")
        en = (f"Among {_people(r.n)} in {source.description_en} ({kind_en}, {se_en}, other covariates held fixed), "
              f"each doubling of the item count: {what_en} {format_number(factor)} ({conf} CI "
              f"{format_number(low)}–{format_number(high)})")
    else:
        zh = (f"在{source.description_zh}的{r.n}名被告人中（{kind_zh}，{se_zh}），{name_zh}的效应exp(系数)为"
              f"{format_number(row['effect'])}（{conf}置信区间{format_number(math.exp(row['ci_low']))}–"
              f"{format_number(math.exp(row['ci_high']))}，{format_p(row['p'])}）")
        en = (f"Among {_people(r.n)} in {source.description_en} ({kind_en}, {se_en}), the effect exp(coef) of "
              f"{name_en} is {format_number(row['effect'])} ({conf} CI {format_number(math.exp(row['ci_low']))}–"
              f"{format_number(math.exp(row['ci_high']))}, {format_p(row['p'])})")
    return Statement(zh + "。", en + ".")


def statement(result: Any, source: DataSource, today: date | str | None = None, **options: Any) -> Statement:
    """The citation-ready sentence for any analysis result, followed by its provenance line."""
    if isinstance(result, Rate):
        body = rate_statement(result, source)
    elif isinstance(result, Comparison):
        body = comparison_statement(result, source)
    elif isinstance(result, ITSResult):
        body = its_statement(result, source)
    elif isinstance(result, Compliance):
        body = compliance_statement(result, source)
    elif isinstance(result, RegressionResult):
        body = regression_statement(result, source, **options)
    else:
        raise TypeError(f"no statement for a {type(result).__name__}; expected Rate, Comparison, ITSResult, "
                        "Compliance or RegressionResult")
    tail = provenance(source, today)
    return Statement(f"{body.zh}{tail.zh}", f"{body.en} {tail.en}")
