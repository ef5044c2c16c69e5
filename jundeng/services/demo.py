"""The demo city: Zhuhai's regions, the built-in catalogues, synthetic data, the 2017 ledger and accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from jundeng.store.db import Database
from jundeng.store.demo_loader import DemoSummary, load_demo

__all__ = ["DEMO_PASSWORD", "DEMO_TODAY", "DemoCity", "build", "gap_overview", "load_demo"]


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
    from jundeng.store import catalog_repo, observations_repo, regions_repo
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
