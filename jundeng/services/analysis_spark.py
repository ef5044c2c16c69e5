"""The gap table of one indicator and period on Apache Spark, for a PostgreSQL database too large for pandas: the
observations are read through Spark's JDBC source (the latest approved revision of each region, filtered in
PostgreSQL, read in parallel by id ranges), joined with the regions and populations (small: read once on the
driver and broadcast), and measured by :func:`jundeng.measure.spark.spark_gap_report`.

Compared with :func:`jundeng.services.analysis.gap_table` (the local engine): the same units (one level, functional
zones left out, the programme's subtree), the same population weights (resident, else registered), the same
groupings ("name (code)"), so the same report on the same rows. What Spark does not do: roll reported values up
from the level below (a level is measured as reported) — say so when a level lacks values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy.engine import make_url

from jundeng.domain.regions import LEVELS, ancestry
from jundeng.errors import JundengError, NotFoundError
from jundeng.services.analysis import GapTable
from jundeng.store import catalog_repo, regions_repo
from jundeng.store.db import Database

PERIOD = re.compile(r"^[0-9]{4}([HQ][1-4]|-[0-9]{2})?$")
JDBC_PARTITIONS = 8


def _jdbc(db: Database) -> tuple[str, dict[str, str]]:
    """Return the JDBC URL and properties of a PostgreSQL database (refusing any other)."""
    url = make_url(db.url)
    if url.get_backend_name() != "postgresql":
        raise JundengError(
            "Spark 引擎经 JDBC 读取 PostgreSQL 数据库；SQLite 请用本地引擎",
            "the Spark engine reads a PostgreSQL database through JDBC; use the local engine with SQLite",
        )
    host, port = url.host or "127.0.0.1", url.port or 5432
    props = {"user": url.username or "postgres", "driver": "org.postgresql.Driver"}
    if url.password:
        props["password"] = str(url.password)  # passed to the JDBC driver, never logged
    return f"jdbc:postgresql://{host}:{port}/{url.database}", props


def _regions(db: Database, under: str | None, year: int) -> pd.DataFrame:
    """Return the programme's regions (level, urban_rural, zone flag, district and town as "name (code)") with
    their population in ``year`` (resident, else registered)."""
    with db.session() as session:
        keep = regions_repo.programme_codes(session, under=under)
        stored = [r for r in regions_repo.regions(session) if r.code in keep]
        people = regions_repo.population(session)
    names = {r.code: r.name for r in stored}
    found = ancestry({r.code: r.parent for r in stored}, {r.code: str(r.level) for r in stored})
    rows = []
    for r in stored:
        row: dict[str, Any] = {"region": r.code, "level": str(r.level), "urban_rural": str(r.urban_rural)}
        row["functional_zone"] = bool(r.functional_zone)
        for column in ("district", "town"):
            code = found[r.code][column]
            row[column] = f"{names.get(code, '') if code else ''} ({code or ''})"
        rows.append(row)
    frame = pd.DataFrame(rows)
    resident = {p.region: p.resident for p in people if p.year == year and p.group in (None, "")}
    registered = {p.region: p.registered for p in people if p.year == year and p.group in (None, "")}
    frame["population"] = [resident[c] if resident.get(c) is not None else registered.get(c) for c in frame["region"]]
    return frame


def gap_table_spark(
    db: Database,
    *,
    indicator: str,
    period: str,
    by: Sequence[str] = ("district",),
    level: str | None = None,
    under: str | None = None,
    master: str = "local[*]",
    spark: Any = None,
) -> GapTable:
    """Return the gap table of ``indicator`` in ``period`` computed on Spark (``values`` left empty: the rows stay
    in Spark; see the module docstring)."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    from jundeng.measure.spark.gini import quiet
    from jundeng.measure.spark.report import session, spark_gap_report

    with db.session() as session_:
        found = [i for i in catalog_repo.indicators(session_) if i.code == indicator]
    if not found or not PERIOD.match(period):
        raise NotFoundError(
            f"未知的指标代码或期间 {indicator} {period}", f"unknown indicator or period: {indicator} {period}"
        )
    url, props = _jdbc(db)
    regions = _regions(db, under, int(period[:4]))
    spark = spark or session(master)
    latest = (
        "(select o.id, o.region, o.value from observations o join (select region, max(revision) as rev "
        f"from observations where indicator = '{indicator}' and period = '{period}' and disaggregation = '' "
        "and status = 'approved' group by region) l on o.region = l.region and o.revision = l.rev "
        f"where o.indicator = '{indicator}' and o.period = '{period}' and o.disaggregation = '') q"
    )  # the code and period are checked above: a catalogue code and a period's shape
    bounds = spark.read.jdbc(url, f"(select min(id) lo, max(id) hi from {latest}) b", properties=props).first()
    if bounds is None or bounds["lo"] is None:
        raise NotFoundError(f"{indicator} 在 {period} 没有数据", f"no data for {indicator} in {period}")
    values = spark.read.jdbc(
        url, latest, column="id", lowerBound=int(bounds["lo"]), upperBound=int(bounds["hi"]) + 1,
        numPartitions=JDBC_PARTITIONS, properties=props,
    )  # fmt: skip
    units = regions[~regions["functional_zone"]]
    if level is None:
        with quiet():
            present = set(values.select("region").distinct().toPandas()["region"])
        levels = [lv for lv in LEVELS if set(units.loc[units["level"] == lv, "region"]) & present]
        if not levels:
            raise NotFoundError(f"{indicator} 在 {period} 没有数据", f"no data for {indicator} in {period}")
        level = levels[0]
    chosen = units[units["level"] == level].drop(columns=["functional_zone"])
    with quiet():
        frame = values.join(F.broadcast(spark.createDataFrame(chosen)), on="region", how="inner")
    weighted = frame.where(F.col("population").isNull()).limit(1).count() == 0
    usable = [b for b in by if b in chosen.columns and frame.select(b).distinct().count() > 1]
    report = spark_gap_report(
        [], "value", "population" if weighted else None, usable, direction=found[0].direction.value,
        spark=spark, frame=frame,
    )  # fmt: skip
    return GapTable(found[0], period, level, pd.DataFrame(), weighted, report)
