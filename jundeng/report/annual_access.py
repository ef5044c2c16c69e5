"""The annual report's access section (设施覆盖与可达性), built from
:class:`~jundeng.report.annual_inputs.AccessYear` (pure): per facility category, the share of residents within its
distance of a facility open in the year, by district, urban and rural, with the Gini across villages and
communities, and the towns leaving the most people uncovered. Every figure in the text is a figure of the tables."""

from __future__ import annotations

from typing import Any

from jundeng.report.annual_inputs import AccessYear, AnnualInputs
from jundeng.report.cells import cell_number as num
from jundeng.report.document import Block, Column, Paragraph, Section, Table
from jundeng.report.narrative import _Say
from jundeng.report.words import t as tr

CATEGORY = {
    "bus_stop": ("公交站点", "a bus stop"),
    "clinic": ("基层医疗卫生机构", "a primary health facility"),
    "fitness": ("健身点", "a fitness site"),
    "school": ("学校", "a school"),
    "library": ("图书馆（分馆）", "a library"),
}


def _label(lang: str, category: str, within: float) -> str:
    zh, en = CATEGORY.get(category, (category, category))
    return tr(lang, f"{zh}（{within:g}米）", f"{en.removeprefix('a ').removeprefix('an ')} ({within:g} m)")


def _name(inputs: AnnualInputs, code: Any) -> str:
    return inputs.region_names.get(str(code), str(code))


def _paragraph(inputs: AnnualInputs, lang: str, scope: str, total: dict[str, Any], districts: list[dict[str, Any]],
               towns: list[str]) -> Paragraph:  # fmt: skip
    """Say the share covered in total, urban and rural, the lowest and highest district, the towns most uncovered."""
    say = _Say(lang)
    zh, en = CATEGORY.get(str(total["category"]), (str(total["category"]), str(total["category"])))
    within, y = f"{float(total['within']):g}", say.count(inputs.year)
    share = say.pct(float(total["share"]))
    kinds = [(k, total[k]) for k in ("urban", "rural") if num(total[k]) is not None]
    ranked = sorted((d for d in districts if num(d["share"]) is not None), key=lambda d: float(d["share"]))
    if lang == "en":
        text = f"In {y}, {share} of the residents of {scope} lived within {within} m (straight line) of {en}"
        words = {"urban": "urban", "rural": "rural"}
        text += f" ({', '.join(f'{words[k]} {say.pct(float(v))}' for k, v in kinds)})." if kinds else "."
        if len(ranked) > 1:
            low, high = ranked[0], ranked[-1]
            text += f" {_name(inputs, low['region'])} was lowest ({say.pct(float(low['share']))}),"
            text += f" {_name(inputs, high['region'])} highest ({say.pct(float(high['share']))})."
        if towns:
            text += f" Most people left uncovered: {', '.join(towns)}."
        return say.para(text)
    text = f"{y}年，{scope}常住人口中距{zh}直线{within}米以内的占{share}"
    words = {"urban": "城镇", "rural": "农村"}
    text += f"（{'、'.join(f'{words[k]}{say.pct(float(v))}' for k, v in kinds)}）" if kinds else ""
    if len(ranked) > 1:
        low, high = ranked[0], ranked[-1]
        text += f"；{_name(inputs, low['region'])}最低（{say.pct(float(low['share']))}），"
        text += f"{_name(inputs, high['region'])}最高（{say.pct(float(high['share']))}）"
    text += f"。未覆盖人口较多的镇街：{'、'.join(towns)}。" if towns else "。"
    return say.para(text)


def _gap_table(lang: str, totals: list[dict[str, Any]]) -> Table:
    rows = [
        {
            "category": _label(lang, str(r["category"]), float(r["within"])),
            "share": num(r["share"]),
            "urban": num(r["urban"]),
            "rural": num(r["rural"]),
            "difference": (float(r["urban"]) - float(r["rural"])) * 100
            if num(r["urban"]) is not None and num(r["rural"]) is not None
            else None,
            "gini": num(r["gini"]),
        }
        for r in totals
    ]
    columns = (
        Column("category", tr(lang, "设施（距离）", "Facility (distance)")),
        Column("share", tr(lang, "覆盖率", "Covered"), "pct", "%"),
        Column("urban", tr(lang, "城镇", "Urban"), "pct", "%"),
        Column("rural", tr(lang, "农村", "Rural"), "pct", "%"),
        Column("difference", tr(lang, "城乡差", "Urban − rural"), "pp"),
        Column("gini", tr(lang, "基尼系数（村居间）", "Gini (villages)"), "index"),
    )
    note = tr(
        lang,
        "覆盖率 = 距最近设施直线距离不超过所列距离的常住人口 ÷ 常住人口；只计当年及以前开放的设施。",
        "Covered = residents within the distance (straight line) of the nearest facility ÷ residents; facilities "
        "open in the year or before.",
    )
    return Table(tr(lang, "设施覆盖率与城乡差距", "Coverage and the urban–rural gap"), columns, tuple(rows), note,
                 tr(lang, "设施覆盖", "Access"))  # fmt: skip


def _district_table(inputs: AnnualInputs, lang: str, access: AccessYear, labels: dict[str, str]) -> Table:
    shares: dict[str, dict[str, Any]] = {}
    for r in access.coverage.to_dict("records"):
        key = str(r["region"])
        name = tr(lang, "合计", "Total") if key == "" else _name(inputs, key)
        shares.setdefault(key, {"name": name})[str(r["category"])] = num(r["share"])
    ordered = [v for k, v in shares.items() if k] + [shares[""]] if "" in shares else list(shares.values())
    columns = (Column("name", tr(lang, "地区", "Region")),) + tuple(
        Column(category, label, "pct", "%") for category, label in labels.items()
    )
    return Table(tr(lang, "各区设施覆盖率", "Coverage by district"), columns, tuple(ordered), sheet="")


def _town_table(inputs: AnnualInputs, lang: str, access: AccessYear, labels: dict[str, str]) -> Table:
    rows = [
        {
            "category": labels.get(str(r["category"]), str(r["category"])),
            "town": _name(inputs, r["town"]),
            "population": num(r["population"]),
            "uncovered": num(r["uncovered"]),
            "share": num(r["share"]),
        }
        for r in access.towns.to_dict("records")
    ]
    columns = (
        Column("category", tr(lang, "设施（距离）", "Facility (distance)")),
        Column("town", tr(lang, "镇街", "Town")),
        Column("population", tr(lang, "常住人口", "Residents"), "int"),
        Column("uncovered", tr(lang, "未覆盖人口", "Not covered"), "int"),
        Column("share", tr(lang, "覆盖率", "Covered"), "pct", "%"),
    )
    title = tr(lang, "未覆盖人口较多的镇街", "Towns with the most people not covered")
    return Table(title, columns, tuple(rows), sheet=tr(lang, "未覆盖镇街", "Uncovered towns"))


def access_section(inputs: AnnualInputs, lang: str, title: str, scope: str) -> Section | None:
    """Return the access section titled ``title`` (None when the inputs have no facilities and points)."""
    access = inputs.access
    if access is None or access.coverage.empty:
        return None
    records = [{str(k): v for k, v in r.items()} for r in access.coverage.to_dict("records")]
    totals = [r for r in records if r["region"] == ""]
    labels = {str(r["category"]): _label(lang, str(r["category"]), float(r["within"])) for r in totals}
    blocks: list[Block] = []
    for total in totals:
        category = total["category"]
        districts = [r for r in records if r["category"] == category and r["region"] != ""]
        towns = access.towns[access.towns["category"] == category] if len(access.towns) else access.towns
        names = [_name(inputs, t) for t in towns["town"]] if len(towns) else []
        blocks.append(_paragraph(inputs, lang, scope, total, districts, names[:3]))
    blocks += [_gap_table(lang, totals), _district_table(inputs, lang, access, labels)]
    if len(access.towns):
        blocks.append(_town_table(inputs, lang, access, labels))
    if access.synthetic:
        note = tr(lang, "注：设施与人口点为合成演示数据。", "Note: the facilities and population points are synthetic.")
        blocks.append(Paragraph(note, (), "note"))
    return Section(title, tuple(blocks))
