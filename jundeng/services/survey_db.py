"""Surveys on the database: import a wave (questionnaire and microdata, unknown regions refused, located), estimate
from what is stored, publish the estimates as observations of the indicators the items feed (their standard error,
interval, n and design effect kept beside them) and judge the targets on those indicators with the interval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import yaml

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.survey import Questionnaire
from jundeng.errors import InputError, NotFoundError, Problem
from jundeng.io.survey_files import (
    PSU,
    STRATUM,
    STRATUM_SIZE,
    WEIGHT,
    Microdata,
    read_microdata,
    read_questionnaire,
)
from jundeng.io.yaml_files import read_text
from jundeng.services.ledger import SYNTHETIC_MARK
from jundeng.services.survey import SurveyAnswer, estimate
from jundeng.store import catalog_repo, observations_repo, regions_repo, survey_repo
from jundeng.store.db import Database
from jundeng.survey import Estimate, SurveyError, judge

DISTRICT = "district"


@dataclass(frozen=True)
class Imported:
    """What a survey import stored: the wave, its revision, respondents and the questionnaire's revision."""

    wave: str
    revision: int
    respondents: int
    questionnaire: str
    questionnaire_revision: int


def import_wave(
    db: Database,
    data: str | Path,
    questionnaire: str | Path,
    *,
    year: int | None,
    user: str,
    wave: str | None = None,
    source: str | None = None,
    weight: str = WEIGHT,
    stratum: str = STRATUM,
    psu: str = PSU,
    stratum_size: str = STRATUM_SIZE,
) -> Imported:
    """Store a survey wave, all or nothing: every problem of the file (an unknown region included) is located; a
    re-imported wave is a new revision of the whole wave, the old one kept. Without ``year`` the file's ``year``
    column gives it (one year in the whole file)."""
    form = read_questionnaire(questionnaire)
    micro = read_microdata(data, form, weight=weight, stratum=stratum, psu=psu, stratum_size=stratum_size)
    year = year if year is not None else _year_of(micro)
    name = wave or f"{form.code}-{year}"
    column = list(micro.frame.columns).index("region") + 1
    with db.session(write=True) as session:
        known = regions_repo.region_codes(session)
        problems = [
            Problem(micro.name, line, column, f"未知的区划代码 {code!r}", f"unknown region code {code!r}")
            for code, line in zip(micro.frame["region"], micro.lines, strict=True)
            if str(code) not in known
        ]
        if problems:
            raise InputError(problems)
        text = read_text(questionnaire)
        q_revision = survey_repo.write_questionnaire(session, code=form.code, title=form.title, yaml=text, user=user)
        frame = micro.frame.rename(columns={c: role for role, c in micro.design.items() if c is not None})
        revision = survey_repo.write_wave(
            session,
            frame,
            wave=name,
            year=year,
            questionnaire=(form.code, q_revision),
            items=micro.items,
            groups=micro.groups,
            user=user,
            source=source,
            what=Path(data).name,
        )
    return Imported(name, revision, len(micro.frame), form.code, q_revision)


def _year_of(micro: Microdata) -> int:
    """Return the one year of the microdata's ``year`` column; SurveyError when there is none or several."""
    years = set(micro.frame["year"].dropna().astype(str)) if "year" in micro.frame.columns else set()
    if len(years) != 1 or not next(iter(years)).isdigit():
        raise SurveyError(
            "请用 --year 给出调查年份（或在文件中给出只含一个年份的 year 列）",
            "give the survey's year with --year (or a year column holding one year)",
        )
    return int(next(iter(years)))


@dataclass(frozen=True)
class Wave:
    """A stored wave read back: its microdata (as a file would give it), questionnaire, year and source."""

    name: str
    revision: int
    year: int
    micro: Microdata
    questionnaire: Questionnaire
    source: str | None


def stored_wave(db: Database, *, wave: str | None = None, year: int | None = None) -> Wave:
    """Return the latest revision of ``wave`` (else the latest wave of ``year``, else the latest wave)."""
    with db.session() as session:
        waves = survey_repo.waves(session)
        chosen = waves[waves["wave"] == wave] if wave else waves[waves["year"] == year] if year else waves
        if chosen.empty:
            raise NotFoundError(
                "库中没有该调查：请先运行 jundeng survey import", "no such survey stored: run `jundeng survey import`"
            )
        row = chosen.iloc[-1]
        frame = survey_repo.responses(session, str(row["wave"]), int(row["revision"]))
        form_row = survey_repo.questionnaire(session, str(row["questionnaire"]))
    assert form_row is not None
    form = Questionnaire.model_validate(yaml.safe_load(form_row.yaml))
    items = [c.removeprefix("item:") for c in frame.columns if c.startswith("item:")]
    frame = frame.rename(columns={f"item:{i}": i for i in items})
    for item in items:
        frame[item] = pd.to_numeric(frame[item], errors="coerce").astype(float)
    design = {role: (role if role in frame and frame[role].notna().any() else None) for role in survey_repo.DESIGN}
    groups = [c for c in frame.columns if c not in {"id", "region", *survey_repo.DESIGN, *items}]
    micro = Microdata(str(row["wave"]), frame, list(range(2, len(frame) + 2)), items, groups, design)
    return Wave(str(row["wave"]), int(row["revision"]), int(row["year"]), micro, form, row["source"])


def estimate_db(
    db: Database,
    *,
    item: str,
    by: Sequence[str] = (),
    wave: str | None = None,
    year: int | None = None,
    **options: Any,
) -> SurveyAnswer:
    """Return the estimate of ``item`` per group from a stored wave (options as :func:`survey.estimate`)."""
    found = stored_wave(db, wave=wave, year=year)
    with db.session() as session:
        regions = regions_repo.regions(session)
    return estimate(found.micro, found.questionnaire, item=item, by=by, regions=regions, **options)


@dataclass(frozen=True)
class Published:
    """What a survey publication wrote: per item, the indicator and the values written."""

    wave: str
    items: dict[str, str]  # item → indicator
    written: int
    source: str


def _cells(db: Database, found: Wave, item: str, top: str, options: dict[str, Any]) -> pd.DataFrame:
    """Return the item's estimate for the programme's top region and each district (region, Estimate fields)."""
    with db.session() as session:
        regions = regions_repo.regions(session)
    common = {"item": item, "regions": regions} | options
    total = estimate(found.micro, found.questionnaire, **common).cells.assign(region=top)
    districts = estimate(found.micro, found.questionnaire, by=[DISTRICT], **common).cells
    return pd.concat([total, districts.assign(region=districts["group"])], ignore_index=True)


def publish(db: Database, *, user: str, wave: str | None = None, year: int | None = None, **options: Any) -> Published:
    """Write the satisfied share of every item that feeds an indicator, for the programme and each district, as
    observations of that indicator (× its scale: 100 for %), with the estimate's SE, interval, n and deff."""
    found = stored_wave(db, wave=wave, year=year)
    with db.session() as session:
        indicators = {i.code: i for i in catalog_repo.indicators(session)}
        top = regions_repo.top_of(session, str(found.micro.frame["region"].iloc[0])) or ""
    fed = {i.code: i.indicator for i in found.questionnaire.items if i.indicator and i.code in found.micro.items}
    unknown = sorted(ind for ind in fed.values() if ind not in indicators)
    if unknown:
        raise NotFoundError(
            f"目录中没有题目所对应的指标：{', '.join(unknown)}", f"items feed unknown indicators: {', '.join(unknown)}"
        )
    synthetic = SYNTHETIC_MARK in (found.source or "")
    label = f"{found.name} r{found.revision}"
    source = f"抽样调查估计（{label}）design-based survey estimate ({label})"
    source += f" · 合成 {SYNTHETIC_MARK}" if synthetic else ""
    observations: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    period = str(found.year)
    for item, code in fed.items():
        scale = indicators[code].value_scale
        for cell in _cells(db, found, item, top, options).to_dict("records"):
            key = {"indicator": code, "region": str(cell["region"]), "period": period, "disaggregation": ""}
            value = float(cell["estimate"]) * scale
            observations.append(key | {"year": found.year, "value": value, "numerator": None, "denominator": None})
            details.append(
                key
                | {"wave": found.name, "wave_revision": found.revision, "item": item, "n": int(cell["n"])}
                | {k: _scaled(cell[k], scale) for k in ("estimate", "se", "ci_low", "ci_high")}
                | {"deff": _number(cell["deff"]), "n_eff": _number(cell["n_eff"]), "small": bool(cell["small"])}
            )
    frame = pl.DataFrame(
        [o | {"note": None} for o in observations],
        schema_overrides={"note": pl.String, "numerator": pl.Float64, "denominator": pl.Float64},
    )
    with db.session(write=True) as session:
        written = observations_repo.record(
            session,
            frame=frame,
            kind="survey",
            filename=f"survey:{found.name}",
            sha256=None,
            user=user,
            status=ObservationStatus.APPROVED,
            source=source,
        )
        survey_repo.write_estimates(session, details, user=user)
    return Published(found.name, fed, written, source)


def _number(x: Any) -> float | None:
    value = None if x is None else float(x)
    return None if value is None or value != value else value


def _scaled(x: Any, scale: float) -> float | None:
    value = _number(x)
    return None if value is None else value * scale


def judged(db: Database, *, year: int) -> pd.DataFrame:
    """Return every target of ``year`` on an indicator with a survey estimate for its region, judged with the
    estimate's interval: met (the whole interval meets it), not_met (none of it does) or undetermined."""
    with db.session() as session:
        targets = [t for t in catalog_repo.targets(session) if t.year == year]
        found = survey_repo.estimates(session)
    found = found[(found["period"] == str(year)) & (found["disaggregation"] == "")]
    by_key = {(r["indicator"], r["region"]): r for r in found.to_dict("records")}
    rows = []
    for target in targets:
        row = by_key.get((target.indicator, target.region))
        if row is None or target.value is None:
            continue
        cell = Estimate(
            group=str(row["region"]),
            estimate=float(row["estimate"]),
            se=float(row["se"]),
            ci_low=float(row["ci_low"]),
            ci_high=float(row["ci_high"]),
            n=int(row["n"]),
            deff=float(row["deff"]) if row["deff"] is not None else float("nan"),
            n_eff=float(row["n_eff"]) if row["n_eff"] is not None else float("nan"),
            small=bool(row["small"]),
        )
        comparator = str(getattr(target.comparator, "value", target.comparator))
        rows.append(
            {
                "indicator": target.indicator,
                "region": target.region,
                "year": year,
                "comparator": comparator,
                "target": target.value,
                "estimate": cell.estimate,
                "ci_low": cell.ci_low,
                "ci_high": cell.ci_high,
                "n": cell.n,
                "judgement": judge(cell, comparator, float(target.value)),
            }
        )
    columns = ["indicator", "region", "year", "comparator", "target", "estimate", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows, columns=[*columns, "judgement"])
