"""The periodic reports' inputs from the database: the bulletin (定期通报) of a period and a district's scorecard
of a year. The numbers are the engines' (the task bulletin and ledger, the appraisal, target attainment, the gap
ranking); :mod:`jundeng.report.bulletin` and :mod:`jundeng.report.scorecard` say them as documents."""

from __future__ import annotations

from datetime import date

from jundeng.domain.periods import parse_period
from jundeng.domain.principal import Principal
from jundeng.errors import JundengError, NotFoundError
from jundeng.report.bulletin import BulletinInputs, bulletin_report
from jundeng.report.document import Document
from jundeng.report.scorecard import ScorecardInputs, scorecard_report
from jundeng.services import analysis, ledger, supervision
from jundeng.services import facts as facts_
from jundeng.services.ledger_scope import programme_tasks
from jundeng.services.warm import WARMER
from jundeng.store import regions_repo, tasks_repo
from jundeng.store.db import Database
from jundeng.tasks import assess_shares


def _programme(db: Database, under: str | None) -> tuple[str, str]:
    """Return the code and name of the programme ``under`` (else the database's single top)."""
    with db.session() as session:
        regions_repo.programme_codes(session, under=under)  # NotFoundError / ScopeError
        names = {r.code: r.name for r in regions_repo.regions(session)}
        tops = [r.code for r in regions_repo.tops(session)]
    code = under or tops[0]
    return code, names.get(code, code)


def _district_names(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {r.code: r.name for r in regions_repo.regions(session, level="district")}


def bulletin_inputs(
    db: Database, *, period: str, today: date | None = None, under: str | None = None, user: Principal | None = None
) -> BulletinInputs:
    """Return what the bulletin of ``period`` (2017Q3, 2017H1, 2017, 2017-09) says, assessed on ``today``
    (default: the period's last day) on the tasks of the programme ``under``."""
    chosen = parse_period(period)
    start, end = ledger.period_bounds(chosen.text)
    day = today or end
    _, name = _programme(db, under)
    result = ledger.period_bulletin(db, start=start, end=end, today=day, under=under)
    table = ledger.assessment(db, today=day, under=under)
    with db.session() as session:
        tasks = programme_tasks(session, under=under)
        reports = tasks_repo.reports(session, until=day)
    shares = assess_shares(tasks, reports, day)
    codes = set(table["code"])
    found = supervision.notices(db, user or WARMER, today=day, under=under)
    notices = tuple(
        n
        for n in reversed(found)  # oldest first; those closed before the period are done with
        if n.task in codes and (n.closed_at is None or n.closed_at.date() >= start)
    )
    return BulletinInputs(
        programme=name,
        period=chosen,
        today=day,
        bulletin=result,
        assessment=table,
        shares=shares,
        district_names=_district_names(db),
        notices=notices,
        synthetic=ledger.synthetic_reports(db),
    )


def bulletin_document(
    db: Database, *, period: str, today: date | None = None, under: str | None = None, lang: str = "zh"
) -> Document:
    """Return the bulletin (定期通报) of ``period`` as a document."""
    return bulletin_report(bulletin_inputs(db, period=period, today=today, under=under), lang)


def scorecard_inputs(
    db: Database, *, region: str, year: int, under: str | None = None, today: date | None = None
) -> ScorecardInputs:
    """Return what the scorecard of the district ``region`` in ``year`` says: its appraisal row, domain scores
    against the average, targets, gaps between its towns and villages, and its tasks assessed on ``today``
    (default: the ledger day, at most the year's last day). NotFoundError for a region that is not a district of
    the programme, or a year without an appraisal."""
    _, name = _programme(db, under)
    districts = _district_names(db)
    facts = facts_.load(db, WARMER, under=under)
    if region not in districts or region not in set(facts.regions["code"]):
        raise NotFoundError(f"未知的区（区划代码 {region}）", f"unknown district: {region}")
    appraisal = facts_.appraisal(db, facts, year=year, with_uncertainty=True)
    card = appraisal.scorecard if appraisal is not None else None
    if card is None or region not in set(card["region"]):
        raise NotFoundError(f"{year} 年没有 {districts[region]} 的考评数据", f"no appraisal of {region} in {year}")
    inner = facts_.load(db, WARMER, under=region)
    try:
        gaps = analysis.gaps(inner, year, "town").rows
    except JundengError:
        gaps = []
    day = min(ledger.ledger_day(today), date(year, 12, 31))
    table = ledger.ledger(db, today=day, district=region, under=under)
    with db.session() as session:
        tasks = [t for t in programme_tasks(session, under=under) if t.code in set(table["code"])]
        reports = tasks_repo.reports(session, until=day)
    shares = assess_shares(tasks, reports, day) if tasks else None
    own = shares[shares["district"] == region] if shares is not None else table.iloc[0:0]
    return ScorecardInputs(
        programme=name,
        region=region,
        name=districts[region],
        year=year,
        today=day,
        card=card,
        domains={code: (d.name, d.name_en or d.name) for code, d in facts.domains.items()},
        indicators={c: (i.name, i.name_en or i.name) for c, i in facts.indicators.items()},
        attainment=facts_.attained(facts, year, region),
        gaps=tuple(gaps),
        tasks=table,
        shares=own,
        synthetic=facts_.synthetic(facts) or ledger.synthetic_reports(db),
    )


def scorecard_document(
    db: Database, *, region: str, year: int, under: str | None = None, today: date | None = None, lang: str = "zh"
) -> Document:
    """Return the scorecard (考评报告) of the district ``region`` in ``year`` as a document."""
    return scorecard_report(scorecard_inputs(db, region=region, year=year, under=under, today=today), lang)
