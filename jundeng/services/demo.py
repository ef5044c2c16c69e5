"""The demo city: Zhuhai's regions, the built-in catalogues, seeded synthetic data, the 2017 ledger and accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import polars as pl
import yaml
from sqlalchemy.orm import Session

from jundeng.catalogs import (
    DEMO_PROFILE,
    access_demo,
    builtin_catalog,
    demo,
    divisions,
    fiscal_demo,
    survey_demo,
    zhuhai_regions,
)
from jundeng.catalogs.access_indicators import RULES
from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.regions import Population, Region
from jundeng.domain.survey import Questionnaire
from jundeng.io.access_files import WGS84
from jundeng.io.yaml_files import read_catalog
from jundeng.services import access_publish
from jundeng.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from jundeng.store import access_repo, catalog_repo, fiscal_repo, observations_repo, regions_repo, survey_repo
from jundeng.store.db import Database

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "DemoCity",
    "DemoSummary",
    "build",
    "gap_overview",
    "load_demo",
    "read_profiles",
]


@dataclass
class DemoSummary:
    """What the demo load put in the database."""

    regions: int
    indicators: int
    targets: int
    items: int
    population_rows: int
    observations_written: int
    observations_total: int
    fiscal_rows: int = 0
    facilities: int = 0
    access_points: int = 0
    respondents: int = 0


def read_profiles() -> list[demo.Profile]:
    """Return the demo generator's per-indicator profiles shipped with the package."""
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    return [demo.Profile(**entry) for entry in data["indicators"]]


def load_demo(db: Database, *, user: str, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Load regions, both built-in catalogues and the seeded synthetic data (fiscal facts included); safe to
    run again."""
    say = progress or (lambda _msg: None)
    db.upgrade()
    regions = zhuhai_regions()
    with db.session(write=True) as session:
        say("区划 regions")
        regions_repo.load_regions(session, regions=regions, user=user)
        session.flush()
        for name in ("national-13th-fyp", "zhuhai"):
            say(f"目录 catalogue {name}")
            catalog = read_catalog(builtin_catalog(name), **catalog_repo.known_codes(session))
            if name != "zhuhai":  # the national list's items only: the demo city reports its own indicators
                catalog = catalog.model_copy(update={"indicators": [], "targets": []})
            catalog_repo.load_catalog(session, catalog=catalog, user=user)
            session.flush()
        indicators = catalog_repo.indicators(session)
        say("生成合成数据 generating synthetic data")
        pop, obs = demo.generate(regions, indicators, read_profiles())
        regions_repo.load_population(
            session,
            rows=(Population(**row) for row in pop.iter_rows(named=True)),
            user=user,
            source=demo.SOURCE,
        )
        say("写入观测值 writing observations")
        written = observations_repo.record(
            session,
            frame=obs,
            kind="demo",
            filename="demo",
            sha256=None,
            user=user,
            status=ObservationStatus.APPROVED,
            source=demo.SOURCE,
        )
        catalog = catalog_repo.read_catalog(session)
        say("财政数据 fiscal facts")
        costs = fiscal_demo.unit_costs(catalog.items)
        fiscal = fiscal_demo.facts(regions, pop, costs)
        fiscal_repo.write_costs(session, costs, user=user, source=fiscal_demo.SOURCE, what="demo")
        items = list(costs["item"])
        fiscal_repo.write_facts(session, fiscal, items=items, user=user, source=fiscal_demo.SOURCE, what="demo")
        say("设施与人口点 facilities and population points")
        points, sites = _access(regions, pop)
        access_repo.write_points(session, points, user=user, source=access_demo.SOURCE, what="demo")
        access_repo.write_facilities(session, sites, user=user, source=access_demo.SOURCE, what="demo")
        access = read_catalog(builtin_catalog("access"), **catalog_repo.known_codes(session))
        access = access.model_copy(update={"targets": access_demo.targets()})
        catalog_repo.load_catalog(session, catalog=access, user=user, bind_plan=False)
        catalog = catalog_repo.read_catalog(session)
        say("满意度调查 satisfaction survey")
        respondents = _survey(session, regions, pop, user)
    say("可达性指标 access indicators")
    computed = [access_publish.publish(db, indicator=code, years=demo.YEARS, user=user) for code in RULES]
    return DemoSummary(
        regions=len(regions),
        indicators=len(catalog.indicators),
        targets=len(catalog.targets),
        items=len(catalog.items),
        population_rows=pop.height,
        observations_written=written + sum(p.written for p in computed),
        observations_total=obs.height + sum(p.rows for p in computed),
        fiscal_rows=len(fiscal),
        facilities=len(sites),
        access_points=len(points),
        respondents=respondents,
    )


def _survey(session: Session, regions: list[Region], pop: pl.DataFrame, user: str) -> int:
    """Store the demo's synthetic 2017 satisfaction survey (questionnaire and microdata); return respondents."""
    latest = pop.filter(pop["year"] == survey_demo.YEAR)
    residents = dict(zip(latest["region"].to_list(), latest["resident"].to_list(), strict=True))
    form = Questionnaire.model_validate(yaml.safe_load(survey_demo.QUESTIONNAIRE))
    revision = survey_repo.write_questionnaire(
        session, code=form.code, title=form.title, yaml=survey_demo.QUESTIONNAIRE, user=user
    )
    frame = survey_demo.microdata(regions, residents)
    survey_repo.write_wave(
        session,
        frame,
        wave=f"{form.code}-{survey_demo.YEAR}",
        year=survey_demo.YEAR,
        questionnaire=(form.code, revision),
        items=form.codes,
        groups=["urban_rural", "sex", "age_group"],
        user=user,
        source=survey_demo.SOURCE,
        what="demo",
    )
    return len(frame)


def _access(regions: list[Region], pop: pl.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the demo's population points (2017 residents) and facilities, as stored (x = lon, y = lat)."""
    latest = pop.filter(pop["year"] == max(demo.YEARS))
    residents = dict(zip(latest["region"].to_list(), latest["resident"].to_list(), strict=True))
    shapes = divisions.boundary_collection("440400") or {"features": []}
    points = access_demo.points(regions, residents, shapes)
    sites = access_demo.facilities(regions, points, shapes)
    as_stored = {"lon": "x", "lat": "y"}
    return points.rename(columns=as_stored).assign(epsg=WGS84), sites.rename(columns=as_stored).assign(epsg=WGS84)


@dataclass
class DemoCity:
    """What building the demo city put in the database, and the ledger's traffic lights as of DEMO_TODAY."""

    summary: DemoSummary
    tasks: int
    reports: int
    lights: dict[str, int] = field(default_factory=dict)
    accounts: list[dict[str, str]] = field(default_factory=list)


def build(db: Database, *, user: str, progress: Callable[[str], None] | None = None) -> DemoCity:
    """Load the demo city (safe to run again): data, the 2017 work plan and its reports, demo accounts."""
    from jundeng.services import ledger

    summary = load_demo(db, user=user, progress=progress)
    tasks, reports = ledger.load_demo_ledger(db, user=user)
    lights = ledger.assessment(db, today=DEMO_TODAY)["light"].value_counts().to_dict()
    accounts = create_demo_accounts(db, by=user)
    return DemoCity(
        summary=summary,
        tasks=tasks,
        reports=reports,
        lights={str(k): int(v) for k, v in lights.items()},
        accounts=accounts,
    )


def gap_overview(db: Database, *, limit: int = 8) -> list[dict[str, Any]]:
    """Return, for the demo indicators reported below district level, Gini then and now and the σ verdict."""
    from jundeng.measure import MeasureError, decompose, gini, sigma_convergence
    from jundeng.store.frames import indicator_panel

    rows: list[dict[str, Any]] = []
    with db.session() as session:
        indicators = {i.code: i for i in catalog_repo.indicators(session)}
        local = {r.code for r in regions_repo.regions(session) if r.level.value in ("town", "village")}
        obs = observations_repo.observations(session)
        reported_locally = sorted(set(obs.filter(obs["region"].is_in(list(local)))["indicator"].to_list()))
        for code in reported_locally[:limit]:
            panel = indicator_panel(session, indicator=code)
            first, last = panel[panel["period"] == "2013"], panel[panel["period"] == "2017"]
            try:
                theil_2017 = decompose(last["value"], last["district"], last["population"])
                sigma = sigma_convergence(panel, "value", "period", weight="population", measure="gini")
            except MeasureError:
                continue
            rows.append(
                {
                    "indicator": code,
                    "name": indicators[code].name,
                    "level": panel["level"].iloc[0],
                    "gini_2013": gini(first["value"], first["population"]),
                    "gini_2017": gini(last["value"], last["population"]),
                    "between_district_2017": f"{theil_2017.between_share:.0%}",
                    "trend": "收敛 converging" if sigma.converging else ("发散 diverging" if sigma.slope > 0 else "—"),
                }
            )
    return rows
