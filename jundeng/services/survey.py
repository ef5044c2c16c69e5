"""Satisfaction surveys on files: the weighted share of satisfied answers (or mean score) of one item per group.

Reads a questionnaire and its microdata (:mod:`jundeng.io.survey_files`), builds the design and hands the answers
to :mod:`jundeng.survey` (Taylor-linearised standard errors; every group is a domain of the whole design, never
a separate sample). ``by`` names columns of the file, ``region``, or ``district`` / ``town`` (the region's
ancestor at that level, from the database's regions); several give one cell per combination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jundeng.domain.regions import Region, ancestry
from jundeng.domain.survey import Questionnaire
from jundeng.errors import JundengError
from jundeng.io.survey_files import PSU, STRATUM, STRATUM_SIZE, WEIGHT, Microdata, read_microdata, read_questionnaire
from jundeng.survey import Design, Estimate, SurveyError, post_stratify, proportion
from jundeng.survey import mean as mean_of
from jundeng.survey.design import LONELY
from jundeng.survey.estimate import CI_METHODS

COLUMNS = ["group", "estimate", "se", "ci_low", "ci_high", "n", "deff", "n_eff", "small"]
LEVELS = ("district", "town")
JOIN = " · "


@dataclass(frozen=True)
class SurveyAnswer:
    """One cell per group (COLUMNS), the item estimated and whether it is a ``share`` or a ``mean``."""

    cells: pd.DataFrame
    item: str
    kind: str


def _ancestors(codes: pd.Series, level: str, regions: Sequence[Region] | None) -> list[str | None]:
    """Return each region's ancestor at ``level`` (else itself), refusing unknown codes."""
    if regions is None:
        raise JundengError(
            f"按 {level} 分组需要数据库中的区划：请用 --db 指定已载入区划的数据库",
            f"grouping by {level} needs the regions of a database: give --db with the regions loaded",
        )
    found = ancestry({r.code: r.parent for r in regions}, {r.code: str(r.level) for r in regions}, (level,))
    unknown = sorted(set(codes.dropna()) - set(found))
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise JundengError(f"未知的区划代码 {shown}", f"unknown region code(s): {shown}")
    return [None if c is None else (found[c][level] or c) for c in codes]


def domain_labels(micro: Microdata, by: Sequence[str], regions: Sequence[Region] | None) -> list[str | None] | None:
    """Return each respondent's group, the labels of ``by`` joined by `` · `` (None when one is empty)."""
    if not by:
        return None
    parts: list[list[str | None]] = []
    for name in by:
        if name in micro.groups or name == "region":
            parts.append([None if pd.isna(v) else str(v) for v in micro.frame[name]])
        elif name in LEVELS:
            parts.append(_ancestors(micro.frame["region"].astype(object), name, regions))
        else:
            known = ", ".join(["region", *LEVELS, *micro.groups])
            raise JundengError(
                f"无法按 {name!r} 分组（可选：{known}）", f"cannot group by {name!r} (choose among: {known})"
            )
    return [None if None in row else JOIN.join(str(v) for v in row) for row in zip(*parts, strict=True)]


def design_of(micro: Microdata) -> Design:
    """Return the survey design of the microdata (weight, and the strata, PSUs and stratum sizes it has)."""
    frame, columns = micro.frame, micro.design

    def column(role: str, kind: type) -> NDArray[Any] | None:
        name = columns.get(role)
        return None if name is None else frame[name].to_numpy(dtype=kind)

    weight = column("weight", float)
    assert weight is not None
    return Design(weight, column("stratum", object), column("psu", object), column("stratum_size", float))


def _check(lonely: str, ci: str, design: Design) -> None:
    """Refuse unknown options, and single-PSU strata unless ``lonely`` says how to treat them."""
    for name, value, allowed in (("lonely", lonely, LONELY), ("ci", ci, CI_METHODS)):
        if value not in allowed:
            raise SurveyError(
                f"--{name} 须为 {'|'.join(allowed)} 之一，而非 {value!r}",
                f"--{name} must be one of {'|'.join(allowed)}, not {value!r}",
            )
    single = design.lonely_strata()
    if lonely == "error" and single:
        shown = ", ".join(single[:5]) + (" …" if len(single) > 5 else "")
        raise SurveyError(
            f"层 {shown} 只有一个初级抽样单元（PSU），无法估计方差；请用 --lonely certainty（该层不计方差）"
            f"或 --lonely adjust（以全样本均值为中心）",
            f"stratum {shown} has a single PSU: no variance can be estimated; choose --lonely certainty "
            f"(the stratum adds no variance) or --lonely adjust (centred at the grand mean)",
        )


def estimate(
    micro: Microdata,
    questionnaire: Questionnaire,
    *,
    item: str,
    by: Sequence[str] = (),
    mean: bool = False,
    lonely: str = "error",
    ci: str = "logit",
    level: float = 0.95,
    regions: Sequence[Region] | None = None,
    min_n: int = 30,
    post_strata: tuple[str, Mapping[str, float]] | None = None,
) -> SurveyAnswer:
    """Return the weighted share of satisfied answers (or mean score) of ``item`` per group of read microdata;
    with ``post_strata`` (a column and the known population total of each of its cells) the weights are first
    post-stratified to those totals (non-response adjustment)."""
    question = questionnaire.item(item)
    design = design_of(micro)
    if post_strata is not None:
        column, totals = post_strata
        if column not in micro.frame.columns:
            raise SurveyError(f"没有事后分层列 {column!r}", f"no post-stratification column {column!r}")
        weight = post_stratify(design.weight, micro.frame[column].to_numpy(dtype=object), totals)
        design = Design(weight, design.stratum, design.psu, design.stratum_size)
    _check(lonely, ci, design)
    labels = domain_labels(micro, list(by), regions)
    domain = None if labels is None else np.asarray(labels, dtype=object)
    answers = micro.frame[item].to_numpy(dtype=float)
    results: list[Estimate]
    if mean:
        results = mean_of(answers, design, domain=domain, level=level, lonely=lonely, min_n=min_n)
    else:
        satisfied = np.where(np.isnan(answers), np.nan, np.isin(answers, question.satisfied).astype(float))
        results = proportion(satisfied, design, domain=domain, level=level, ci=ci, lonely=lonely, min_n=min_n)
    cells = pd.DataFrame([asdict(r) for r in results], columns=COLUMNS)
    return SurveyAnswer(cells, item, "mean" if mean else "share")


def estimate_file(
    data: str | Path,
    questionnaire: str | Path | Questionnaire,
    *,
    item: str,
    by: Sequence[str] = (),
    mean: bool = False,
    weight: str | None = WEIGHT,
    stratum: str | None = STRATUM,
    psu: str | None = PSU,
    stratum_size: str | None = STRATUM_SIZE,
    lonely: str = "error",
    ci: str = "logit",
    level: float = 0.95,
    regions: Sequence[Region] | None = None,
    min_n: int = 30,
    post_strata: tuple[str, Mapping[str, float]] | None = None,
) -> SurveyAnswer:
    """Return the estimate of ``item`` per group from a microdata file (design columns named by the options;
    None or left at the default: the usual name, optional except the weight)."""
    form = questionnaire if isinstance(questionnaire, Questionnaire) else read_questionnaire(questionnaire)
    form.item(item)
    micro = read_microdata(
        data,
        form,
        weight=WEIGHT if weight is None else weight,
        stratum=STRATUM if stratum is None else stratum,
        psu=PSU if psu is None else psu,
        stratum_size=STRATUM_SIZE if stratum_size is None else stratum_size,
        item=item,
    )
    return estimate(
        micro, form, item=item, by=by, mean=mean, lonely=lonely, ci=ci, level=level, regions=regions, min_n=min_n,
        post_strata=post_strata,
    )  # fmt: skip
