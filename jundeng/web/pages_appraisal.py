"""The appraisal pages: the ranking of a year (picked from the years with approved data) with its Monte Carlo
rank intervals and its method in words; saving it as a named run (office); the stored runs; and two runs or
two years side by side (``/appraisal/compare``). Only runs of the user's programme are shown or compared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from jundeng.appraise.method import Method, parse_method
from jundeng.domain.appraisal import AppraisalRun
from jundeng.errors import JundengError, NotFoundError
from jundeng.services import appraisal
from jundeng.services import facts as facts_
from jundeng.services.review import local_time
from jundeng.web.auth import Principal, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language
from jundeng.web.pages_base import (
    APPRAISAL_ROLES,
    N_,
    REGION,
    Column,
    Table,
    choose,
    choose_programme,
    frame_rows,
    render,
)
from jundeng.web.pages_tasks import back, take_flash

router = APIRouter(include_in_schema=False)
SAVERS = ("admin", "office")
LABEL_MAX = 100

METHOD_WORDS: dict[str, str] = {
    # normalization
    "minmax": N_("最小-最大标准化"),
    "minmax_fixed": N_("固定上下限的最小-最大标准化"),
    "zscore": N_("Z 分数标准化"),
    "rank": N_("位次标准化"),
    "target": N_("距目标标准化"),
    "ratio": N_("比值标准化"),
    # weighting (indicators and domains)
    "equal": N_("等权"),
    "fixed": N_("固定权重"),
    "ahp": N_("层次分析法"),
    "entropy": N_("熵权法"),
    "critic": N_("CRITIC 客观赋权法"),
    "pca": N_("主成分分析赋权"),
    # aggregation
    "arithmetic": N_("加权算术平均"),
    "geometric": N_("加权几何平均"),
    "topsis": N_("逼近理想解排序法（TOPSIS）"),
    # treatment
    "winsorize": N_("极端值缩尾"),
    "log": N_("对数变换"),
    "impute_none": N_("缺失值不填补"),
    "impute_mean": N_("缺失值以当年均值填补"),
    "impute_last": N_("缺失值以该区最近一年数值填补"),
}


def method_words(method: Method) -> list[tuple[str, list[str]]]:
    """Return the method's settings as (label, words) msgids, each code through :data:`METHOD_WORDS`."""
    treatment = [k for k in ("winsorize", "log") if getattr(method.treatment, k)]
    treatment.append(f"impute_{method.treatment.impute}")
    settings: list[tuple[str, list[str]]] = [
        (N_("归一化"), [method.normalization]),
        (N_("指标权重"), [method.weighting]),
        (N_("领域权重"), [method.domain_weighting]),
        (N_("合成方式"), [method.aggregation]),
        (N_("数据处理"), treatment),
    ]
    return [(label, [METHOD_WORDS.get(c, c) for c in codes]) for label, codes in settings]


def _year(text: str | None) -> int | None:
    """Return the year asked (None when not asked); a located error for anything but a plausible year."""
    if text is None or text == "":
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise JundengError(f"year：年度须为四位数字，收到 {text[:20]!r}", f"year: a four-digit year, not {text[:20]!r}")
    return int(text)


def _ranks_in(run: AppraisalRun, keep: set[str]) -> bool:
    """Return True when a stored run ranked regions of the programme ``keep`` only (its subtree, else the
    regions of its scorecard)."""
    if run.under is not None:
        return run.under in keep
    ranked = {str(r.get("region")) for r in run.results.get("scorecard", []) if isinstance(r, dict)}
    return bool(ranked) and ranked <= keep


def _runs(db: DB, facts: facts_.Facts) -> list[AppraisalRun]:
    keep = set(facts.regions["code"])
    return [r for r in appraisal.runs(db) if _ranks_in(r, keep)]


def _method_name(run: AppraisalRun, lang: str) -> str:
    """Return the name of a stored run's method in the page's language."""
    english = parse_method(run.method_yaml, f"run {run.id}").name_en if lang == "en" else None
    return choose(lang, run.method_name, english)


def _run_title(run: AppraisalRun) -> str:
    label = run.results.get("label")
    return f"#{run.id} {run.year} {label or run.method_name}"


@router.get("/appraisal", dependencies=[allow(*APPRAISAL_ROLES)])
def appraisal_page(request: Request, user: User, db: DB, programme: Programme, year: int | None = None) -> Response:
    """The ranking of the programme's districts in the year picked, with Monte Carlo rank intervals, the
    method in words and the date of the data; the form that saves it as a named run; the programme's runs."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    facts = facts_.load(db, user, under=programme.code)
    years = facts_.years(facts)
    year = year or (years[0] if years else None)
    result = facts_.appraisal(db, facts, year=year, with_uncertainty=True) if year is not None else None
    rows = frame_rows(result.scorecard) if result is not None else []
    rows = [r for r in rows if user.sees_region(r["region"])]
    domains = list(result.composite.domain_weights.index) if result is not None else []
    for r in rows:
        r["interval"] = f"{r['rank_p05']:g}–{r['rank_p95']:g}" if r.get("rank_p05") is not None else None
        r["derived"] = "、".join(r.get("derived") or []) or None
    columns = [
        Column("rank", N_("排名"), "int"),
        REGION,
        Column("name", N_("区划")),
        Column("score", N_("综合得分"), "num"),
        Column("interval", N_("排名区间（90%）")),
        Column("rank_median", N_("排名中位数"), "num"),
        Column("targets_achieved", N_("已达成目标"), "int"),
        Column("targets_missed", N_("未达成目标"), "int"),
        Column("score_change", N_("得分变化"), "num"),
        Column("derived", N_("推算指标")),
    ]
    columns += [Column(d, choose(lang, facts.domains[d].name, facts.domains[d].name_en), "num") for d in domains]
    table = Table("ranking", N_("考评排名"), columns, rows, empty=N_("该年没有可考评的数据"))
    runs = _runs(db, facts)
    times = appraisal.data_times(db, [r.data_watermark for r in runs] + ([result.watermark] if result else []))
    stored_rows = [
        r.model_dump(exclude={"method_yaml", "statuses", "results"})
        | {
            "label": r.results.get("label"),
            "method_name": _method_name(r, lang),
            "data_time": local_time(times.get(r.data_watermark)),
            "created_at": local_time(r.created_at),
        }
        for r in runs
    ]
    stored = Table(
        "runs",
        N_("已保存的考评"),
        [
            Column("id", N_("编号")),
            Column("label", N_("名称")),
            Column("year", N_("年度")),
            Column("level", N_("层级"), "enum"),
            Column("method_name", N_("方法")),
            Column("method_version", N_("方法版本")),
            Column("data_time", N_("数据截点")),
            Column("created_by", N_("执行人")),
            Column("created_at", N_("时间")),
        ],
        stored_rows,
        empty=N_("尚未保存考评结果"),
    )
    return render(
        request,
        user,
        "appraisal.html",
        title=N_("绩效考评"),
        tables=[table, stored],
        synthetic=facts_.synthetic(facts),
        derived=any(r["derived"] for r in rows),
        year=year,
        years=years,
        result=result,
        words=method_words(result.method) if result is not None else [],
        data_time=local_time(times.get(result.watermark)) if result is not None else None,
        can_save=user.role in SAVERS and result is not None,
        label_max=LABEL_MAX,
        runs=[(r.id, _run_title(r)) for r in runs],
        flash=take_flash(request),
    )


@router.post("/appraisal/runs", dependencies=[allow(*SAVERS)])
def save_run(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    year: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
) -> Response:
    """Save the appraisal of ``year`` (as the page shows it) as a run named ``label``; back to the page."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    name = " ".join(label.split())
    try:
        asked = _year(year)
        if asked is None:
            raise JundengError("year：请选择年度", "year: choose a year")
        if not name or len(name) > LABEL_MAX:
            zh, en = f"label：请填写考评名称（不超过 {LABEL_MAX} 字）", f"label: name the run (≤ {LABEL_MAX} chars)"
            raise JundengError(zh, en)
        facts = facts_.load(db, user, under=programme.code)
        result = facts_.appraisal(db, facts, year=asked, with_uncertainty=True)
        if result is None:
            raise JundengError(f"{asked} 年没有可考评的数据", f"no data to appraise in {asked}")
        run_id = appraisal.save(db, result, user=user.username, under=programme.code, label=name)
    except JundengError as refused:
        return back(request, f"/appraisal?year={year}" if year.isdigit() else "/appraisal", refused)
    done = (f"已保存考评“{name}”（编号 {run_id}）", f"Saved the appraisal '{name}' as run {run_id}")
    return back(request, f"/appraisal?year={asked}#table-runs", done)


@dataclass
class Side:
    """One side of a comparison: a stored run or a year's appraisal, its scores by region and its method."""

    title: str
    year: int
    method_name: str
    method_version: str
    data_time: str
    words: list[tuple[str, list[str]]]
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


def _run_side(db: DB, run_id: str, keep: set[str], lang: str) -> Side:
    if not run_id.isdigit():
        raise JundengError(f"考评编号须为数字，收到 {run_id[:20]!r}", f"a run id is a number, not {run_id[:20]!r}")
    try:
        run = appraisal.run(db, int(run_id))
    except (NotFoundError, OverflowError):
        run = None
    if run is None or not _ranks_in(run, keep):  # another programme's run reads as absent
        raise NotFoundError(f"没有编号为 {run_id} 的考评", f"no appraisal run {run_id}")
    method = parse_method(run.method_yaml, f"run {run.id}")
    cards = [r for r in run.results.get("scorecard", []) if isinstance(r, dict)]
    time = local_time(appraisal.data_times(db, [run.data_watermark]).get(run.data_watermark))
    name = choose(lang, method.name, method.name_en)
    side = Side(_run_title(run), run.year, name, run.method_version, time, method_words(method))
    side.scores = {str(r["region"]): r for r in cards}
    return side


def _year_side(db: DB, facts: facts_.Facts, text: str, lang: str) -> Side:
    year = _year(text)
    result = facts_.appraisal(db, facts, year=year, with_uncertainty=False) if year is not None else None
    if year is None or result is None:
        raise NotFoundError(f"{text} 年没有可考评的数据", f"no data to appraise in {text}")
    time = local_time(appraisal.data_times(db, [result.watermark]).get(result.watermark))
    method = result.method
    name = choose(lang, method.name, method.name_en)
    side = Side(str(year), year, name, method.version, time, method_words(method))
    side.scores = {str(r["region"]): r for r in frame_rows(result.scorecard)}
    return side


def _compare_rows(a: Side, b: Side, user: Principal) -> list[dict[str, Any]]:
    rows = []
    for region in sorted(set(a.scores) | set(b.scores)):
        if not user.sees_region(region):
            continue
        left, right = a.scores.get(region, {}), b.scores.get(region, {})
        score_a, score_b, rank_a, rank_b = left.get("score"), right.get("score"), left.get("rank"), right.get("rank")
        rows.append(
            {
                "region": region,
                "name": left.get("name") or right.get("name"),
                "score_a": score_a,
                "rank_a": rank_a,
                "score_b": score_b,
                "rank_b": rank_b,
                "score_change": None if score_a is None or score_b is None else score_b - score_a,
                "rank_change": None if rank_a is None or rank_b is None else int(rank_a) - int(rank_b),
            }
        )
    return sorted(rows, key=lambda r: (r["rank_b"] is None, r["rank_b"] or 0, r["region"]))


@router.get("/appraisal/compare", dependencies=[allow(*APPRAISAL_ROLES)])
def compare_page(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """Two stored runs (``?a=ID&b=ID``), two years (``?year_a=&year_b=``) or a run and a year
    (``?a=run:ID&b=year:YYYY``, as the form sends them) side by side: per region the score and rank in each and
    the change, and the method and data each used."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    facts = facts_.load(db, user, under=programme.code)
    years = facts_.years(facts)
    runs = _runs(db, facts)
    keep = set(facts.regions["code"])
    query = request.query_params
    sides: list[Side] = []
    picked: dict[str, str] = {}
    for run_key, year_key in (("a", "year_a"), ("b", "year_b")):
        picked[run_key] = _picked(query.get(run_key, ""), query.get(year_key, ""))
        kind, _, value = picked[run_key].partition(":")
        if kind == "run":
            sides.append(_run_side(db, value, keep, lang))
        elif kind == "year":
            sides.append(_year_side(db, facts, value, lang))
        elif picked[run_key]:
            raise JundengError(f"{run_key}：须为 run:编号 或 year:年度", f"{run_key}: write run:ID or year:YYYY")
    tables: list[Table] = []
    if len(sides) == 2:
        a, b = sides
        columns = [
            REGION,
            Column("name", N_("区划")),
            Column("score_a", N_("得分（甲）"), "num"),
            Column("rank_a", N_("排名（甲）"), "int"),
            Column("score_b", N_("得分（乙）"), "num"),
            Column("rank_b", N_("排名（乙）"), "int"),
            Column("score_change", N_("得分变化（乙减甲）"), "num"),
            Column("rank_change", N_("名次变化（上升为正）"), "int"),
        ]
        rows = _compare_rows(a, b, user)
        tables.append(Table("comparison", N_("考评对比"), columns, rows, empty=N_("两次考评没有共同的区划")))
    return render(
        request,
        user,
        "compare.html",
        title=N_("考评对比"),
        tables=tables,
        sides=sides if len(sides) == 2 else [],
        years=years,
        runs=[(r.id, _run_title(r)) for r in runs],
        query=dict(query),
        picked=picked,
    )


def _picked(side: str, year: str) -> str:
    """Return one side of a comparison as ``run:ID`` or ``year:YYYY``: the form's choice (``a=year:2017``), a bare
    run id (``a=12``), else the year asked (``year_a=2017``); empty when none is."""
    if side.isdigit() or (side and ":" not in side):
        return f"run:{side}"
    return side or (f"year:{year}" if year else "")
