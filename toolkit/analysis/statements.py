"""Citation-ready sentences, in Chinese and English, for the results of toolkit.analysis.

Each statement gives the number of defendants, the estimate, its interval and method, and
ends with a provenance line: how the population was formed (published cases are selected,
not sampled; a corpus is what its filter let through; official totals are the publisher's
counts), the data named so that a reader can find it (package name and release, content
hash, URL or DOI, repository path and commit — `toolkit.analysis.citation`), the
publications behind official figures, the filter used, the toolkit version and the date.
Three lines give one:

    from toolkit.analysis import outcomes, statements
    table, source = statements.package_table("published-pi-cases")
    print(statements.statement(outcomes.outcome_rate(table, "acquittal"), source))

    在公开的侵犯公民个人信息罪案例的57名被告人中（裁判年份2014–2025年，其中39人未载明），宣告无罪
    0人（0%，95%置信区间0–6.3%，Clopper–Pearson精确法）；未观察到此类结果，据此单侧95%置信上限为
    5.1%；另有7人结果不明，未计入。总体：公开发布的案例，并非随机样本。数据：published-pi-cases
    1.0.0（内容哈希 sha256:…；datasets/published-pi-cases；提交 …）；筛选：无；judgstat 0.1.0；<date>。

(the embedded data as of 2026-12; README.md shows the same and the tests check it).

Every result type of toolkit.analysis and toolkit.rates has one: Rate (a proportion),
Interval (a proportion, a Poisson rate, or a bare difference / ratio), Comparison (the
difference, risk ratio and odds ratio of two groups, together or one `part` at a time),
RateRatio, ITSResult, SegmentedResult, Feasibility, Compliance and RegressionResult.

Numbers are formatted, never rounded away: percentages keep two significant digits below
1% and one decimal above.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import toolkit
from toolkit.analysis.citation import DatasetCitation
from toolkit.analysis.its import Feasibility, ITSResult, SegmentedResult
from toolkit.analysis.outcomes import Comparison, Rate
from toolkit.analysis import sentencing
from toolkit.analysis.sentencing import Compliance, RegressionResult
from toolkit.intervals import Interval
from toolkit.rates import RateRatio

POPULATIONS_FILE = Path(__file__).with_name("populations.json")

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


@lru_cache(maxsize=1)
def _populations() -> dict[str, Any]:
    return json.loads(POPULATIONS_FILE.read_text(encoding="utf-8"))


def population_kinds() -> dict[str, dict[str, str]]:
    """Kinds of population a statement can name (populations.json): published, corpus, official ..."""
    return _populations()["kinds"]


def known_package(name: str) -> dict[str, str]:
    """populations.json's entry for an embedded package (population kind, descriptions), or {}."""
    return dict(_populations()["packages"].get(name, {}))


@dataclass(frozen=True)
class DataSource:
    """What the numbers were computed from: name, description, content hash, filter, how the
    population was formed, the citation that lets a reader find the data, and the publications
    behind official figures."""

    name: str
    description_zh: str  # reads after "在2019–2023年": e.g. 公开的侵犯公民个人信息罪案例
    description_en: str  # reads after "defendants in": e.g. published personal-information cases
    version: str  # "sha256:<hex>" content hash of the table
    filter_zh: str = "无"
    filter_en: str = "none"
    rows: int | None = None
    population: str | None = None  # a kind of populations.json; None: the package's, else corpus/unstated
    citation: DatasetCitation | None = None
    publications: tuple[str, ...] = ()  # where official figures were published (source_ref of each row)
    population_text: tuple[str, str] | None = None  # (zh, en) instead of the kind's text, e.g. mixed inputs

    @property
    def short_version(self) -> str:
        algorithm, _, digest = self.version.partition(":")
        return f"{algorithm}:{digest[:12]}" if digest else self.version

    @property
    def population_kind(self) -> str:
        if self.population:
            return self.population
        known = known_package(self.name).get("population")
        if known:
            return known
        return "corpus" if self.filter_en not in ("", "none") else "unstated"

    def population_statement(self) -> tuple[str, str]:
        """How the population was formed, as (Chinese, English) text."""
        if self.population_text:
            return self.population_text
        kinds = population_kinds()
        kind = self.population_kind
        if kind not in kinds:
            raise ValueError(f"unknown population kind {kind!r}; populations.json has {sorted(kinds)}")
        text = kinds[kind]
        return text["zh"].replace("{filter}", self.filter_zh), text["en"].replace("{filter}", self.filter_en)


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
    filter_zh: str = "无", filter_en: str = "none", population: str | None = None,
    citation: DatasetCitation | None = None,
) -> DataSource:
    """DataSource for a table, its version being content_hash(frame)."""
    return DataSource(name, description_zh, description_en, content_hash(frame), filter_zh, filter_en, len(frame),
                      population=population, citation=citation)


def package_table(
    package: str | Path, resource: str | None = None, query: str | None = None,
    description_zh: str | None = None, description_en: str | None = None,
) -> tuple[pd.DataFrame, DataSource]:
    """The per-defendant table of a data package and the DataSource its statements cite.

    `package` is an embedded package name (datasets/<name>) or a directory written by `judgstat dataset`.
    `query` is an optional pandas query; it becomes the statement's filter. The population comes from
    the descriptor (`judgstat.population`), populations.json, or — for a `judgstat dataset` package —
    from the packages its rows were read from.
    """
    from toolkit.analysis.citation import package_citation
    from toolkit.analysis.table import as_defendant_table
    from toolkit.datasets import find_resource, load_package, load_table, package_dir

    folder = package_dir(package)
    descriptor = load_package(folder)
    name = descriptor.get("name", folder.name)
    known = known_package(name)
    if (folder / "defendants.parquet").is_file():
        from toolkit.dataset import open_package

        frame = open_package(folder).defendants()
    else:
        if resource is None:
            resource = next((r["name"] for r in descriptor.get("resources", [])
                             if {"outcome", "penalty_type"} <= {f["name"] for f in r.get("schema", {}).get("fields", [])}),
                            None)
            if resource is None:
                raise ValueError(f"{folder}: no per-defendant resource (with outcome and penalty_type columns)")
        find_resource(descriptor, resource)
        frame = as_defendant_table(load_table(folder, resource))
    version = content_hash(frame)  # of the whole table: the filter is stated separately
    if query:
        try:
            frame = frame.query(query).copy()
        except Exception as error:  # pandas raises many kinds for a bad query
            raise ValueError(f"{folder}: cannot apply the filter {query!r} ({error})") from None
    filter_zh, filter_en = (f"pandas查询 {query}", f"pandas query {query}") if query else ("无", "none")
    population = (descriptor.get("judgstat") or {}).get("population") or known.get("population")
    population_text = None
    if population is None and "source" in frame.columns:
        population_text = rows_population(frame, descriptor)
    source = DataSource(
        name, description_zh or known.get("description_zh") or descriptor.get("title") or name,
        description_en or known.get("description_en") or descriptor.get("title") or name,
        version, filter_zh, filter_en, len(frame), population=population,
        citation=package_citation(folder, version), population_text=population_text,
    )
    return frame, source


def rows_population(frame: pd.DataFrame, descriptor: dict[str, Any]) -> tuple[str, str] | None:
    """How the rows of a `judgstat dataset` package were formed, from the packages its inputs came from.

    The descriptor lists its inputs (judgstat.inputs: path per input table); a row's `source` column names
    the input file. Each input belongs to a package whose population is known (populations.json or its
    own descriptor); rows from several kinds give a text naming each with its number of rows.
    None when some row's input cannot be traced.
    """
    from toolkit.datasets import load_package
    from toolkit.paths import REPO_ROOT

    inputs = (descriptor.get("judgstat") or {}).get("inputs") or []
    by_file: dict[str, str] = {}
    for entry in inputs:
        path = Path(str(entry.get("path", "")))
        folder = path.parent if path.is_absolute() else REPO_ROOT / path.parent
        try:
            meta = load_package(folder)
        except ValueError:
            continue
        kind = (meta.get("judgstat") or {}).get("population") or known_package(meta.get("name", "")).get("population")
        if kind:
            by_file[path.name] = kind
    sources = frame["source"].astype("string")
    kinds = sources.map(lambda name: by_file.get(name) if isinstance(name, str) else None)
    if len(frame) == 0 or kinds.isna().any():
        return None
    counts = kinds.value_counts()
    texts = population_kinds()
    if len(counts) == 1:
        kind = counts.index[0]
        return texts[kind]["zh"], texts[kind]["en"]
    zh = "；".join(f"{texts[k]['zh']}（{n}人）" for k, n in counts.items())
    en = "; ".join(f"{texts[k]['en']} ({n})" for k, n in counts.items())
    return f"由以下来源合并：{zh}", f"combined from: {en}"


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


def people(n: int, plural: str = "defendants") -> str:
    """'1 defendant', '5 defendants'."""
    return _people(n, plural)


def proportion_text(iv: Any) -> tuple[str, str]:
    """Estimate, interval and method of a proportion Interval, as in a statement's parentheses (zh, en)."""
    return _proportion_text(iv)


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
    """How the population was formed, the data (with what finds it), the publications, filter, toolkit, date."""
    day = (today if isinstance(today, str) else (today or date.today()).isoformat())
    population_zh, population_en = source.population_statement()
    if source.citation is not None:
        data_zh, data_en = source.citation.reference()
    else:
        data_zh, data_en = f"{source.name}（版本 {source.short_version}）", f"{source.name} (version {source.short_version})"
    published_zh = f"出处：{'；'.join(source.publications)}。" if source.publications else ""
    published_en = f" Published in: {'; '.join(source.publications)}." if source.publications else ""
    return Statement(
        f"总体：{population_zh}。{published_zh}数据：{data_zh}；筛选：{source.filter_zh}；"
        f"judgstat {toolkit.__version__}；{day}。",
        f"Population: {population_en}.{published_en} Data: {data_en}; filter: {source.filter_en}; "
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
        en += (f"; {rate.excluded_unknown} more with unknown outcome "
               f"{'is' if rate.excluded_unknown == 1 else 'are'} not counted")
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


def _pair(value: Any, default: tuple[str, str]) -> tuple[str, str]:
    """A (Chinese, English) pair from an option given as one text (used for both) or a pair."""
    if value is None:
        return default
    if isinstance(value, str):
        return value, value
    zh, en = value
    return str(zh), str(en)


def _format_exposure(t: float) -> str:
    return format_number(t, 6) if not float(t).is_integer() else f"{int(t):,}"


def rate_ratio_statement(
    r: RateRatio, source: DataSource, labels: Any = None, unit: Any = None, what: Any = None,
) -> Statement:
    """(k1/t1)/(k2/t2) with its exact conditional interval.

    labels: the two periods or groups, e.g. ("2017-06–2017-12", "2015-11–2017-05"); unit: the exposure
    unit, e.g. ("个月", "months"); what: what is counted, e.g. ("名生效判决被告人", "persons with effective judgments").
    """
    (a_zh, b_zh), (a_en, b_en) = _labels_pair(labels)
    unit_zh, unit_en = _pair(unit, ("个单位时间", "units of exposure"))
    what_zh, what_en = _pair(what, ("例", "events"))
    conf = _confidence(r.alpha)
    method_zh, method_en = {"conditional-binomial": ("条件二项精确法", "exact conditional binomial")}.get(r.method, (r.method, r.method))
    per_zh = lambda k, t: f"{k}{what_zh}/{_format_exposure(t)}{unit_zh}（每{unit_zh.lstrip('个')}{format_number(k / t)}）"
    per_en = lambda k, t: f"{k} {what_en} in {_format_exposure(t)} {unit_en} ({format_number(k / t)} per {unit_en.rstrip('s')})"
    zh = (f"{source.description_zh}中，{a_zh}{per_zh(r.k1, r.t1)}，{b_zh}{per_zh(r.k2, r.t2)}；"
          f"率比{format_number(r.estimate)}（{conf}置信区间{format_number(r.low)}–{format_number(r.high)}，{method_zh}，"
          f"假定各期内发生率恒定）")
    en = (f"In {source.description_en}, {a_en}: {per_en(r.k1, r.t1)}; {b_en}: {per_en(r.k2, r.t2)}; "
          f"rate ratio {format_number(r.estimate)} ({conf} CI {format_number(r.low)}–{format_number(r.high)}, {method_en}, "
          f"assuming a constant rate within each period)")
    return Statement(zh + "。", en + ".")


def _labels_pair(labels: Any) -> tuple[tuple[str, str], tuple[str, str]]:
    if labels is None:
        return ("第一组", "第二组"), ("group 1", "group 2")
    first, second = labels
    a_zh, a_en = _pair(first, (str(first), str(first)))
    b_zh, b_en = _pair(second, (str(second), str(second)))
    return (a_zh, b_zh), (a_en, b_en)


_INTERVAL_KINDS = (  # method prefix -> what a bare Interval estimates (Chinese, English, formatter)
    ("newcombe", ("率差", "difference in proportions", "percent")),
    ("mover-r", ("风险比", "risk ratio", "number")),
    ("conditional", ("比值比", "odds ratio", "number")),
    ("hac", ("率比", "rate ratio", "number")),
    ("garwood", ("发生率", "rate", "number")),
)


def interval_statement(iv: Interval, source: DataSource, what: Any = None, unit: Any = None) -> Statement:
    """A bare Interval: a proportion (k of n), a Poisson rate (count over exposure), or a difference / ratio."""
    conf = _confidence(iv.alpha)
    if iv.k is not None and iv.n is not None:
        what_zh, what_en = _pair(what, ("具有该特征", "with the characteristic"))
        iv_zh, iv_en = _proportion_text(iv)
        zh = f"{source.description_zh}的{iv.n}个观察对象中，{what_zh}的有{iv.k}个（{iv_zh}）"
        en = f"Of {iv.n} units in {source.description_en}, {iv.k} {what_en} ({iv_en})"
        return Statement(zh + "。", en + ".")
    zh_method, en_method = _method(iv.method)
    if iv.count is not None and iv.exposure is not None:
        what_zh, what_en = _pair(what, ("例", "events"))
        unit_zh, unit_en = _pair(unit, ("单位时间", "unit of exposure"))
        method_zh, method_en = ("Garwood精确法", "exact Garwood") if iv.method == "garwood" else (zh_method, en_method)
        zh = (f"{source.description_zh}中，{_format_exposure(iv.exposure)}个{unit_zh}内共{iv.count}{what_zh}，"
              f"每{unit_zh}{format_number(iv.estimate)}（{conf}置信区间{format_number(iv.low)}–{format_number(iv.high)}，"
              f"{method_zh}，假定发生率恒定）")
        en = (f"In {source.description_en}, {iv.count} {what_en} over {_format_exposure(iv.exposure)} {unit_en}s: "
              f"{format_number(iv.estimate)} per {unit_en} ({conf} CI {format_number(iv.low)}–{format_number(iv.high)}, "
              f"{method_en}, assuming a constant rate)")
        return Statement(zh + "。", en + ".")
    kind = next((k for prefix, k in _INTERVAL_KINDS if iv.method.lower().startswith(prefix)), None)
    if kind is None:
        raise TypeError(f"no statement for an Interval with method {iv.method!r} and neither k/n nor count/exposure")
    name_zh, name_en, style = kind
    name_zh, name_en = _pair(what, (name_zh, name_en))
    fmt = format_percent if style == "percent" else format_number
    zh = f"{source.description_zh}中，{name_zh}为{fmt(iv.estimate)}（{conf}置信区间{fmt(iv.low)}至{fmt(iv.high)}，{zh_method}）"
    en = f"In {source.description_en}, the {name_en} is {fmt(iv.estimate)} ({conf} CI {fmt(iv.low)} to {fmt(iv.high)}, {en_method})"
    return Statement(zh + "。", en + ".")


def comparison_part_statement(c: Comparison, source: DataSource, part: str) -> Statement:
    """One measure of a two-group comparison: part = "difference", "risk_ratio" or "odds_ratio"."""
    m = c.measure
    what_zh = m.zh if m else "事件"
    what_en = m.en if m else "with the event"
    column = f"{c.group_column} " if c.group_column else ""
    conf = _confidence(c.alpha)
    counts_zh = (f"{what_zh}的比例：{column}{c.label_a}组{c.k1}/{c.n1}（{format_percent(c.k1 / c.n1)}），"
                 f"{c.label_b}组{c.k2}/{c.n2}（{format_percent(c.k2 / c.n2)}）")
    counts_en = (f"{what_en}: {column}{c.label_a} {c.k1}/{c.n1} ({format_percent(c.k1 / c.n1)}) against "
                 f"{c.label_b} {c.k2}/{c.n2} ({format_percent(c.k2 / c.n2)})")
    if part == "difference":
        d = c.difference
        limits = d.method[d.method.find("(") + 1:-1] if "(" in d.method else d.method
        body_zh = (f"差值{format_percent(d.estimate)}（{conf}置信区间{format_percent(d.low)}至{format_percent(d.high)}，"
                   f"Newcombe平方和法，{limits}限）")
        body_en = (f"difference {format_percent(d.estimate)} ({conf} CI {format_percent(d.low)} to {format_percent(d.high)}, "
                   f"Newcombe square-and-add, {limits} limits)")
    elif part in ("risk_ratio", "odds_ratio"):
        iv = c.risk_ratio if part == "risk_ratio" else c.odds_ratio
        name_zh, name_en = ("风险比", "risk ratio") if part == "risk_ratio" else ("比值比", "odds ratio")
        method_zh, method_en = _method(iv.method) if part == "odds_ratio" else (f"MOVER-R法（{iv.method}）", f"MOVER-R ({iv.method})")
        body_zh = f"{name_zh}{format_number(iv.estimate)}（{conf}置信区间{format_number(iv.low)}–{format_number(iv.high)}，{method_zh}）"
        body_en = f"{name_en} {format_number(iv.estimate)} ({conf} CI {format_number(iv.low)}–{format_number(iv.high)}, {method_en})"
    else:
        raise ValueError(f"part must be 'difference', 'risk_ratio' or 'odds_ratio', got {part!r}")
    zh = f"{source.description_zh}中，{counts_zh}；{body_zh}；Fisher精确检验双侧{format_p(c.fisher_p)}"
    en = f"In {source.description_en}, {counts_en}; {body_en}; Fisher's exact test two-sided {format_p(c.fisher_p)}"
    if c.notes:
        zh += "；注意：" + "；".join(c.notes)
        en += "; note: " + "; ".join(c.notes)
    return Statement(zh + "。", en + ".")


def segmented_statement(r: SegmentedResult, source: DataSource) -> Statement:
    """Every breakpoint of a segmented regression, each against the segment before it."""
    parts = [its_statement(r.at(j), source) for j in range(len(r.labels))]
    return Statement("".join(p.zh for p in parts), " ".join(p.en for p in parts))


def feasibility_statement(f: Feasibility, source: DataSource) -> Statement:
    if f.ok:
        return Statement(f"{source.description_zh}的数据足以进行分段回归。",
                         f"The data of {source.description_en} can carry a segmented regression.")
    return Statement(f"{source.description_zh}的数据不足以进行分段回归（{f.reason}），因此不报告改革前后的效应。",
                     f"The data of {source.description_en} cannot carry a segmented regression ({f.reason}); "
                     f"no before/after effect is reported.")


# ---------------------------------------------------------------------------- official statistics


def official_source(
    rows: pd.DataFrame, description_zh: str | None = None, description_en: str | None = None,
    package: str = "official-statistics",
) -> DataSource:
    """DataSource for figures from datasets/official-statistics (or a package of the same columns).

    Refuses rows marked unverified, and rows whose source_ref names no publication a reader can find
    (only a bare site or the project's notes; citation.publication_is_findable), with a ValueError naming
    them: such a figure is not stated. The publications (each row's source_ref) are printed with the statement.
    """
    from toolkit.analysis.citation import package_citation, publication_is_findable

    if rows is None or len(rows) == 0:
        raise ValueError("no official-statistics rows given")
    missing = [c for c in ("record_id", "verification", "source_ref", "publisher") if c not in rows.columns]
    if missing:
        raise ValueError(f"official-statistics rows lack column(s) {missing}")
    refused = rows[rows["verification"].astype("string").fillna("unverified") == "unverified"]
    if len(refused):
        ids = ", ".join(map(str, refused["record_id"]))
        raise ValueError(f"unverified figure(s) {ids}: no publication a reader can find states them, so no "
                         f"statement is made from them (see datasets/official-statistics/README.md)")
    unfindable = rows[~rows["source_ref"].map(publication_is_findable)]
    if len(unfindable):
        ids = ", ".join(f"{r} ({ref!r})" for r, ref in zip(unfindable["record_id"], unfindable["source_ref"]))
        raise ValueError(f"official-statistics row(s) {ids} name no publication a reader can find (a bare site or "
                         f"the project's notes is not one), so no statement is made from them: name the publication "
                         f"or mark the row unverified")
    publications = official_publications(rows)
    secondary = (rows["verification"].astype("string") == "secondary").any()
    known = known_package(package)
    zh = description_zh or known.get("description_zh", package)
    en = description_en or known.get("description_en", package)
    if secondary:
        zh, en = f"{zh}（转引自二手来源）", f"{en} (relayed by a secondary source)"
    version = content_hash(rows)
    return DataSource(package, zh, en, version, rows=len(rows), population="official",
                      citation=package_citation(package, version), publications=publications)


def official_publications(rows: pd.DataFrame) -> tuple[str, ...]:
    """Where official-statistics rows were published, once each, in row order: "publisher: source_ref"."""
    return tuple(dict.fromkeys(f"{p}: {ref}" for p, ref in zip(rows["publisher"], rows["source_ref"])))


def _official_rows(table: pd.DataFrame, record_ids: Any) -> pd.DataFrame:
    ids = list(dict.fromkeys([record_ids] if isinstance(record_ids, str) else record_ids))
    rows = table[table["record_id"].isin(ids)]
    missing = [i for i in ids if i not in set(rows["record_id"])]
    if missing:
        raise ValueError(f"official-statistics: no row {', '.join(map(repr, missing))}")
    return rows.set_index("record_id").loc[ids].reset_index()


def official_citation(table: pd.DataFrame, record_ids: Any) -> str:
    """The publications of the given rows as one line, to print beside a number computed from them
    (a record id not in the table is a ValueError)."""
    return "; ".join(official_publications(_official_rows(table, record_ids)))


class SourceNotes:
    """Numbered source notes for official figures shown in a table: each row gets a short mark (`[2]`,
    `[1][3]`) and the publications are printed in full below the table, so a number never appears
    without the publication it comes from. One numbering across every table given to `mark`."""

    def __init__(self) -> None:
        self.publications: list[str] = []

    def mark(self, table: pd.DataFrame, record_ids: Any) -> str:
        marks = []
        for publication in official_publications(_official_rows(table, record_ids)):
            if publication not in self.publications:
                self.publications.append(publication)
            marks.append(f"[{self.publications.index(publication) + 1}]")
        return "".join(marks)

    def notes(self, marks: Any) -> str:
        """The full publications of the marks used (e.g. a table's source column), one per line."""
        import re

        used = sorted({int(n) for mark in marks for n in re.findall(r"\[(\d+)\]", str(mark))})
        return "\n".join(f"[{n}] {self.publications[n - 1]}" for n in used)


def _official_row(table: pd.DataFrame, record_id: str) -> pd.Series:
    match = table[table["record_id"] == record_id]
    if len(match) != 1:
        raise ValueError(f"official-statistics: no row {record_id!r}" if len(match) == 0 else
                         f"official-statistics: {len(match)} rows with record_id {record_id!r}")
    return match.iloc[0]


def _year(value: Any) -> int:
    return int(str(value)[:4])


def official_proportion(
    table: pd.DataFrame, numerator: str, denominator: str, measure: str = "acquittal",
    method: str = "clopper-pearson", alpha: float = 0.05,
) -> tuple[Rate, DataSource]:
    """A published k of n (two rows of the same period and area) as a Rate, with its DataSource.

    E.g. official_proportion(load_table("official-statistics", "national_adjudication"),
    "sec-2008-2012-acquitted-all", "sec-2008-2012-defendants").
    """
    from toolkit.analysis.outcomes import rate_from_counts

    k_row, n_row = _official_row(table, numerator), _official_row(table, denominator)
    rows = table[table["record_id"].isin([numerator, denominator])]
    source = official_source(rows)  # refuses unverified rows before anything else
    for row in (k_row, n_row):
        if str(row.get("unit")) not in ("persons", "cases", "judgments"):
            raise ValueError(f"official-statistics row {row['record_id']}: unit {row.get('unit')!r} is not a count")
    for column in ("period_start", "period_end", "area", "unit"):
        if column in table.columns and str(k_row[column]) != str(n_row[column]):
            raise ValueError(f"official-statistics rows {numerator} and {denominator} differ in {column} "
                             f"({k_row[column]} vs {n_row[column]}): not a proportion")
    k, n = int(k_row["value"]), int(n_row["value"])
    if not 0 <= k <= n:
        raise ValueError(f"official-statistics: {numerator} = {k} is not between 0 and {denominator} = {n}")
    if bool(k_row.get("approx")) or bool(n_row.get("approx")):
        source = replace(source, description_zh=source.description_zh + "（数字为约数）",
                         description_en=source.description_en + " (rounded figures)")
    years = (_year(n_row["period_start"]), _year(n_row["period_end"])) if pd.notna(n_row.get("period_start")) else None
    return rate_from_counts(measure, k, n, method, alpha, years=years), source


def official_rate_ratio(
    table: pd.DataFrame, first: str, second: str, alpha: float = 0.05,
) -> tuple[RateRatio, DataSource, dict[str, Any]]:
    """Monthly rate of row `first` against row `second` (counts over their inclusive months), exact interval.

    Returns the RateRatio, its DataSource and the statement options (labels, unit, what) to pass on:
    statement(ratio, source, **options).
    """
    from toolkit.rates import monthly_rate_ratio

    a, b = _official_row(table, first), _official_row(table, second)
    source = official_source(table[table["record_id"].isin([first, second])])
    for row in (a, b):
        if pd.isna(row.get("period_start")):
            raise ValueError(f"official-statistics row {row['record_id']}: no start month, no monthly rate")
    if str(a.get("unit")) != str(b.get("unit")) or str(a.get("measure")) != str(b.get("measure")):
        raise ValueError(f"official-statistics rows {first} and {second} count different things: no rate ratio")
    ratio = monthly_rate_ratio(int(a["value"]), str(a["period_start"]), str(a["period_end"]),
                               int(b["value"]), str(b["period_start"]), str(b["period_end"]), alpha)
    unit = str(a.get("unit"))
    what = {"persons": ("人", "persons"), "cases": ("件", "cases"), "judgments": ("份判决", "judgments")}.get(unit, ("例", unit))
    options = {"labels": (f"{a['period_start']}至{a['period_end']}", f"{b['period_start']}至{b['period_end']}"),
               "unit": ("个月", "months"), "what": what}
    options["labels"] = ((options["labels"][0], f"{a['period_start']} to {a['period_end']}"),
                         (options["labels"][1], f"{b['period_start']} to {b['period_end']}"))
    return ratio, source, options


def statement(result: Any, source: DataSource, today: date | str | None = None, **options: Any) -> Statement:
    """The citation-ready sentence for any analysis result, followed by its provenance line.

    Options by result type: RegressionResult term=...; Comparison part="difference"|"risk_ratio"|"odds_ratio";
    RateRatio labels=, unit=, what=; Interval what=, unit=.
    """
    if isinstance(result, Rate):
        body = rate_statement(result, source)
    elif isinstance(result, Comparison):
        part = options.pop("part", None)
        body = comparison_part_statement(result, source, part) if part else comparison_statement(result, source)
    elif isinstance(result, ITSResult):
        body = its_statement(result, source)
    elif isinstance(result, SegmentedResult):
        body = segmented_statement(result, source)
    elif isinstance(result, Feasibility):
        body = feasibility_statement(result, source)
    elif isinstance(result, Compliance):
        body = compliance_statement(result, source)
    elif isinstance(result, RegressionResult):
        body = regression_statement(result, source, **options)
    elif isinstance(result, RateRatio):
        body = rate_ratio_statement(result, source, **options)
    elif isinstance(result, Interval):
        body = interval_statement(result, source, **options)
    else:
        raise TypeError(f"no statement for a {type(result).__name__}; expected one of {', '.join(RESULT_TYPES)}")
    tail = provenance(source, today)
    return Statement(f"{body.zh}{tail.zh}", f"{body.en} {tail.en}")


RESULT_TYPES = ("Rate", "Interval", "Comparison", "RateRatio", "ITSResult", "SegmentedResult", "Feasibility",
                "Compliance", "RegressionResult")
