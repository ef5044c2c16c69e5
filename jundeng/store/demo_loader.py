"""Create the demo city in a database: Zhuhai's regions, the built-in catalogues and synthetic data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import yaml

from jundeng.catalogs import DEMO_PROFILE, builtin_catalog, demo, zhuhai_regions
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.regions import Population
from jundeng.io.yaml_files import read_catalog
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.db import Database


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


def read_profiles() -> list[demo.Profile]:
    """Return the demo generator's per-indicator profiles shipped with the package."""
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    return [demo.Profile(**entry) for entry in data["indicators"]]


def load_demo(db: Database, *, user: str, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Load regions, both built-in catalogues and the seeded synthetic data; safe to run again."""
    say = progress or (lambda _msg: None)
    db.upgrade()
    regions = zhuhai_regions()
    with db.session() as session:
        say("区划 regions")
        regions_repo.load_regions(session, regions=regions, user=user)
        session.flush()
        for name in ("national-13th-fyp", "zhuhai"):
            say(f"目录 catalogue {name}")
            catalog = read_catalog(builtin_catalog(name), **catalog_repo.known_codes(session))
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
    return DemoSummary(
        regions=len(regions),
        indicators=len(catalog.indicators),
        targets=len(catalog.targets),
        items=len(catalog.items),
        population_rows=pop.height,
        observations_written=written,
        observations_total=obs.height,
    )
