"""The annual report's use case: gather what it says through the services the pages use (facts, analysis,
ledger, regions, pending) and assemble the document (:func:`jundeng.report.annual.annual_report`).

Nothing is computed here that a service already offers: attainment and its roll-up are :mod:`facts`', the
gaps and their series :mod:`analysis`', the ledger's lights :mod:`ledger`'s, the appraisal and its scorecard
:func:`facts.appraisal`'s; this module only selects (the key indicators of each domain, the widest gap of each
domain) and arranges.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from jundeng.access import AccessError
from jundeng.catalogs.access_indicators import RULES
from jundeng.domain.principal import Principal
from jundeng.errors import NotFoundError
from jundeng.fiscal import FiscalError, growth_summary, inequality
from jundeng.report.annual import annual_report, report_day
from jundeng.report.annual_inputs import AccessYear, AnnualInputs, FiscalYear, GapSeries, KeyIndicator
from jundeng.report.cells import cell_number as _float
from jundeng.report.document import Document
from jundeng.services import access_db, analysis, fiscal_db
from jundeng.services import facts as facts_
from jundeng.services import ledger as ledger_
from jundeng.services import pending as pending_
from jundeng.services import regions as regions_
from jundeng.services.warm import WARMER
from jundeng.store.db import Database
from jundeng.terms import unit_in

KEY_PER_DOMAIN = 3  # key indicators per domain: the targets of the programme's top region, binding first
SEVERITY = {"worsening": 0, "off_track": 1, "on_track": 2, "achieved": 3, "no_data": 4}


def _year(x: Any) -> int | None:
    value = _float(x)
    return int(value) if value is not None else None


def _top(facts: facts_.Facts) -> tuple[str, str, str]:
    regions = facts.regions
    top = regions[regions["code"] == facts.programme] if facts.programme else regions[regions["parent"].isna()]
    if top.empty:
        raise NotFoundError("没有可报告的规划", "no programme to report on")
    return str(top["code"].iloc[0]), str(top["name"].iloc[0]), str(top["level"].iloc[0])


def _key_indicators(facts: facts_.Facts, att: pd.DataFrame, top: str) -> list[KeyIndicator]:
    """Return each domain's key indicators: the targets set for the programme's top region (binding, then the
    furthest behind first), with the indicator's yearly values there."""
    own = att[(att["region"].astype(str) == top) & att["domain"].notna()].copy()
    if own.empty:
        return []
    own["order"] = own["status"].map(SEVERITY).fillna(5)
    own = own.sort_values(["domain", "binding", "order"], ascending=[True, False, True], kind="stable")
    own = own.drop_duplicates("indicator").groupby("domain", sort=False).head(KEY_PER_DOMAIN)
    keys = []
    for r in own.to_dict("records"):
        rows = facts_.totals(facts, indicator=str(r["indicator"]))
        rows = rows[(rows["region"].astype(str) == top) & rows["value"].notna()]
        values = {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}
        keys.append(
            KeyIndicator(
                code=str(r["indicator"]),
                domain=str(r["domain"]),
                values=dict(sorted(values.items())),
                target=_float(r.get("target")),
                target_year=_year(r.get("target_year")),
                comparator=str(r.get("comparator") or ""),
                baseline_year=_year(r.get("baseline_year")),
                baseline_value=_float(r.get("baseline_value")),
                status=str(r["status"]),
            )
        )
    return keys


def _gaps(facts: facts_.Facts, year: int, group: str) -> list[GapSeries]:
    """Return each domain's widest gap between areas (Gini, with Theil T and its between share by year) and
    widest urban–rural gap (the ranking's median urban ÷ rural ratio by year)."""
    found: list[GapSeries] = []
    seen: set[str] = set()
    for row in analysis.gaps(facts, year, group).rows:
        if row["domain"] in seen:
            continue
        seen.add(row["domain"])
        points = analysis.inequality(facts, row["indicator"], group)
        if not points:
            continue
        found.append(
            GapSeries(
                indicator=row["indicator"],
                domain=row["domain"],
                index="gini",
                level=str(points[-1]["level"]),
                values={int(p["period"]): float(p["gini"]) for p in points if p["gini"] is not None},
                theil={int(p["period"]): float(p["theil"]) for p in points if p["theil"] is not None},
                between={int(p["period"]): float(p["between"]) for p in points if p["between"] is not None},
            )
        )
    ranking = analysis.gaps(facts, year, group, kind="urban_rural")
    chosen: dict[str, dict[str, Any]] = {}
    for row in ranking.rows:
        chosen.setdefault(row["domain"], row)
    earlier = {y: analysis.gaps(facts, y, group, kind="urban_rural").rows for y in facts_.years(facts) if y <= year}
    for domain, row in chosen.items():
        values = {
            y: float(r["ratio"]) for y, rows in earlier.items() for r in rows if r["indicator"] == row["indicator"]
        }
        found.append(GapSeries(row["indicator"], domain, "ratio", ranking.level, dict(sorted(values.items()))))
    return found


def _ledger(db: Database, day: date, principal: Principal, under: str | None, facts: facts_.Facts) -> pd.DataFrame:
    table = ledger_.ledger(db, today=day, principal=principal, under=under)
    codes = {d.name: d.code for d in facts.domains.values()} | {d.code: d.code for d in facts.domains.values()}
    return table.assign(domain_code=table["domain"].map(codes))


def _features(db: Database, top: str) -> tuple[dict[str, Any], ...]:
    if not regions_.has_boundaries(top):
        return ()
    try:
        return tuple(regions_.boundaries(db, city=top).get("features", []))
    except NotFoundError:
        return ()


def _growth(db: Database, year: int, top: str, regions: set[str]) -> pd.DataFrame:
    """Return the growth check per region over the years up to ``year``, with the first and last years checked."""
    checks = fiscal_db.growth_from_db(db, under=top).years
    checks = checks[(checks["year"] <= year) & checks["region"].isin(regions)].reset_index(drop=True)
    summary = growth_summary(checks)
    defined = checks[checks["ok"].notna()].groupby("region")["year"]
    first, last = defined.min(), defined.max()
    return summary.assign(
        first_year=summary["region"].map(lambda r: int(first[r]) if r in first.index else None),
        last_year=summary["region"].map(lambda r: int(last[r]) if r in last.index else None),
    )


def _fiscal(db: Database, year: int, top: str, levels: dict[str, str]) -> FiscalYear | None:
    """Return the programme's fiscal equalization in ``year`` (None without fiscal facts or costs for it)."""
    try:
        needs = fiscal_db.needs_from_db(db, year=year, under=top)
        received = fiscal_db.received_from_db(db, year=year, under=top)
    except FiscalError:
        return None
    if needs.empty:
        return None
    needs = needs.assign(transfers_received=needs["region"].map(received).astype(float))
    population = needs["population"].to_numpy(np.float64)
    capacity = needs["capacity"].to_numpy(np.float64)
    gini = inequality(capacity / population, population)["gini"]
    gini_received = None
    if needs["transfers_received"].notna().all():
        resources = capacity + needs["transfers_received"].to_numpy(np.float64)
        gini_received = inequality(resources / population, population)["gini"]
    return FiscalYear(
        level=levels.get(str(needs["region"].iloc[0]), ""),
        needs=needs,
        gini=float(gini),
        gini_received=float(gini_received) if gini_received is not None else None,
        growth=_growth(db, year, top, set(needs["region"].astype(str))),
    )


TOWNS_LISTED = 5  # towns leaving the most people uncovered, per category


def _access(db: Database, year: int, top: str) -> AccessYear | None:
    """Return the coverage of each category of the access indicators' rules stored for the programme in ``year``
    (None without stored facilities and points)."""
    try:
        sites, points, _regions = access_db.stored_inputs(db, top)
    except AccessError:
        return None
    rows: list[dict[str, Any]] = []
    towns: list[pd.DataFrame] = []
    present = set(sites["category"].astype(str))
    for rule in (r for r in RULES.values() if r.category in present):
        ask: dict[str, Any] = {"within": rule.within, "under": top, "category": rule.category, "year": year}
        by_district = access_db.coverage(db, by="district", **ask)
        kinds = access_db.coverage(db, by="urban_rural", **ask).regions.set_index("region")["share"]
        summary = by_district.summary
        both = {"urban": kinds.get("urban"), "rural": kinds.get("rural")}
        head = {"category": rule.category, "within": rule.within}
        for r in by_district.regions.to_dict("records"):
            rows.append(head | {k: r[k] for k in ("region", "population", "covered", "share")})
        total = {"population": summary["population"], "covered": summary["covered"], "share": summary["share"]}
        rows.append(head | {"region": ""} | total | both | {"gini": summary.get("gini")})
        by_town = access_db.coverage(db, by="town", **ask).regions
        by_town = by_town.assign(uncovered=by_town["population"] - by_town["covered"])
        worst = by_town[by_town["uncovered"] > 0].nlargest(TOWNS_LISTED, "uncovered")
        towns.append(worst.rename(columns={"region": "town"}).assign(category=rule.category, within=rule.within))
    if not rows:
        return None
    coverage = pd.DataFrame(rows)
    for column in ("urban", "rural", "gini"):
        if column not in coverage:
            coverage[column] = None
    listed = pd.concat(towns, ignore_index=True) if towns else pd.DataFrame()
    synthetic = bool(points["source"].fillna("").astype(str).str.contains(ledger_.SYNTHETIC_MARK).any())
    return AccessYear(coverage, listed, synthetic)


def annual_inputs(
    db: Database, *, year: int, under: str | None = None, principal: Principal | None = None, today: date | None = None
) -> AnnualInputs:
    """Return what the annual report of ``year`` says about the programme ``under`` (the database's only one by
    default), in ``principal``'s scope (the office's by default); the ledger is assessed on ``today`` (the
    ledger day setting, else today), at most the year's last day."""
    principal = principal or WARMER
    day = report_day(year, ledger_.ledger_day(today))
    facts = facts_.load(db, principal, under=under)
    top, top_name, level = _top(facts)
    att = facts_.attained(facts, year, None)
    by_domain = facts_.attainment_by_domain(att)
    overall = facts_.attainment_by_domain(att.assign(domain="")) if len(att) else pd.DataFrame()
    keys = _key_indicators(facts, att, top)
    gaps = _gaps(facts, year, analysis.group_of(principal))
    ledger = _ledger(db, day, principal, under, facts)
    appraisal = facts_.appraisal(db, facts, year=year, with_uncertainty=True)
    used = set(att["domain"].dropna()) | set(ledger["domain_code"].dropna()) | {k.domain for k in keys}
    used |= {g.domain for g in gaps}
    return AnnualInputs(
        year=year,
        programme=top,
        programme_name=top_name,
        level=level,
        domains=tuple(d for d in facts.domains.values() if d.code in used),
        indicators=dict(facts.indicators),
        attainment=att,
        by_domain=by_domain,
        overall=overall,
        key_indicators=tuple(keys),
        gaps=tuple(gaps),
        ledger=ledger,
        ledger_day=day,
        scorecard=appraisal.scorecard if appraisal is not None else None,
        region_names=dict(zip(facts.regions["code"].astype(str), facts.regions["name"].astype(str), strict=True)),
        features=_features(db, top),
        synthetic=facts_.synthetic(facts) or ledger_.synthetic_reports(db),
        derived=facts_.derived(facts, facts_.totals(facts, year=year)),
        pending=pending_.awaiting_review(db, principal, under=under),
        fiscal=_fiscal(
            db, year, top, dict(zip(facts.regions["code"].astype(str), facts.regions["level"].astype(str), strict=True))
        ),
        access=_access(db, year, top),
    )


def annual_document(
    db: Database,
    *,
    year: int,
    under: str | None = None,
    lang: str = "zh",
    principal: Principal | None = None,
    today: date | None = None,
) -> Document:
    """Return the annual report of ``year`` (see :func:`annual_inputs`) as a document in ``lang``, its units in
    the same language (:func:`jundeng.terms.unit_in`)."""
    inputs = annual_inputs(db, year=year, under=under, principal=principal, today=today)
    units = {i.unit for i in inputs.indicators.values() if i.unit}
    inputs = dataclasses.replace(inputs, units_en={u: unit_in("en", u) for u in units})
    return annual_report(inputs, lang)
