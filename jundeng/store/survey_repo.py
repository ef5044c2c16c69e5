"""Questionnaires, survey waves (respondents' microdata) and survey estimates: only ever inserted."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from jundeng.store.models import AuditRow, SurveyEstimateRow, SurveyQuestionnaireRow, SurveyResponseRow

DESIGN = ("weight", "stratum", "psu", "stratum_size")


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def questionnaire(session: Session, code: str) -> SurveyQuestionnaireRow | None:
    """Return the latest revision of the questionnaire ``code`` (None when not stored)."""
    query = select(SurveyQuestionnaireRow).where(SurveyQuestionnaireRow.code == code)
    return session.execute(query.order_by(SurveyQuestionnaireRow.revision.desc()).limit(1)).scalar()


def write_questionnaire(session: Session, *, code: str, title: str, yaml: str, user: str) -> int:
    """Store ``yaml`` as a new revision of the questionnaire unless it equals the latest; return its revision."""
    latest = questionnaire(session, code)
    if latest is not None and latest.yaml == yaml:
        return latest.revision
    revision = 1 if latest is None else latest.revision + 1
    session.add(SurveyQuestionnaireRow(code=code, title=title, yaml=yaml, revision=revision, created_by=user))
    return revision


def wave_revision(session: Session, wave: str) -> int:
    """Return the latest revision of a wave (0 when none is stored)."""
    found = session.execute(select(func.max(SurveyResponseRow.revision)).where(SurveyResponseRow.wave == wave))
    return int(found.scalar() or 0)


def write_wave(
    session: Session,
    frame: pd.DataFrame,
    *,
    wave: str,
    year: int,
    questionnaire: tuple[str, int],
    items: list[str],
    groups: list[str],
    user: str,
    source: str | None,
    what: str,
) -> int:
    """Insert every respondent of ``frame`` (id, region, DESIGN, groups, items) as a new revision of ``wave``;
    audit it as ``what``; return the revision."""
    revision = wave_revision(session, wave) + 1
    rows = []
    for number, record in enumerate(frame.to_dict(orient="records"), start=1):
        respondent = _plain(record.get("id")) or str(number)
        rows.append(
            {
                "wave": wave,
                "revision": revision,
                "questionnaire": questionnaire[0],
                "questionnaire_revision": questionnaire[1],
                "year": year,
                "respondent": str(respondent),
                "region": str(record["region"]),
                **{d: _plain(record.get(d)) for d in DESIGN},
                "groups": {g: _plain(record.get(g)) for g in groups} or None,
                "answers": {i: _plain(record.get(i)) for i in items},
                "source": source,
                "created_by": user,
            }
        )
    for row in rows:
        for key in ("stratum", "psu"):
            row[key] = None if row[key] is None else str(row[key])
    session.execute(insert(SurveyResponseRow), rows)
    after = {"wave": wave, "revision": revision, "respondents": len(rows), "year": year, "source": source}
    session.add(AuditRow(user=user, action="import", entity="survey_responses", key=what, after=after))
    return revision


def waves(session: Session) -> pd.DataFrame:
    """Return the latest revision of every wave: wave, revision, year, questionnaire, respondents, source."""
    latest = (
        select(SurveyResponseRow.wave, func.max(SurveyResponseRow.revision).label("revision"))
        .group_by(SurveyResponseRow.wave)
        .subquery()
    )
    query = (
        select(
            SurveyResponseRow.wave,
            SurveyResponseRow.revision,
            SurveyResponseRow.year,
            SurveyResponseRow.questionnaire,
            func.count().label("respondents"),
            func.max(SurveyResponseRow.source).label("source"),
        )
        .join(latest, (SurveyResponseRow.wave == latest.c.wave) & (SurveyResponseRow.revision == latest.c.revision))
        .group_by(
            SurveyResponseRow.wave, SurveyResponseRow.revision, SurveyResponseRow.year, SurveyResponseRow.questionnaire
        )
        .order_by(SurveyResponseRow.year, SurveyResponseRow.wave)
    )
    columns = ["wave", "revision", "year", "questionnaire", "respondents", "source"]
    return pd.DataFrame([tuple(r) for r in session.execute(query)], columns=columns)


def responses(session: Session, wave: str, revision: int) -> pd.DataFrame:
    """Return the respondents of one wave revision: id, region, DESIGN, then group and item columns."""
    query = select(SurveyResponseRow).where(SurveyResponseRow.wave == wave, SurveyResponseRow.revision == revision)
    records = []
    for row in session.execute(query.order_by(SurveyResponseRow.id)).scalars():
        record = {"id": row.respondent, "region": row.region} | {d: getattr(row, d) for d in DESIGN}
        records.append(record | (row.groups or {}) | {f"item:{k}": v for k, v in row.answers.items()})
    return pd.DataFrame(records)


def write_estimates(session: Session, rows: list[dict[str, Any]], *, user: str) -> int:
    """Insert the estimates behind published observations; return how many."""
    if rows:
        session.execute(insert(SurveyEstimateRow), [r | {"created_by": user} for r in rows])
    return len(rows)


def estimates(session: Session, *, indicator: str | None = None) -> pd.DataFrame:
    """Return the latest estimate per indicator, region, period and disaggregation (highest id wins)."""
    query = select(SurveyEstimateRow).order_by(SurveyEstimateRow.id)
    if indicator is not None:
        query = query.where(SurveyEstimateRow.indicator == indicator)
    latest: dict[tuple[str, str, str, str], SurveyEstimateRow] = {}
    for row in session.execute(query).scalars():
        latest[row.indicator, row.region, row.period, row.disaggregation] = row
    fields = ["indicator", "region", "period", "disaggregation", "wave", "wave_revision", "item", "estimate", "se"]
    fields += ["ci_low", "ci_high", "n", "deff", "n_eff", "small"]
    return pd.DataFrame([{f: getattr(r, f) for f in fields} for r in latest.values()], columns=fields)
