"""The 重点任务分工方案 spreadsheet: messy layouts in, located errors out, and the ledger export round trip."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import xlwt
from openpyxl import Workbook, load_workbook

from jundeng.domain.tasks import Task
from jundeng.io.task_sheet import read_task_sheet, write_task_sheet

TITLE = "2017年基本公共服务均等化重点任务分工表"
HEADER = ["序号", "任务内容", "牵头\n单位", "责任单位", "完成时限", "目标值", "标签"]


def messy_xlsx(path: Path) -> Path:
    """A sheet as offices send it: title row, blank row, header on row 3, sections, merged and multi-line cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "分工"
    sheet.append([TITLE])  # 1
    sheet.merge_cells("A1:G1")
    sheet.append([])  # 2
    sheet.append(HEADER)  # 3
    sheet.append(["一、公共教育"])  # 4: a heading merged across the row
    sheet.merge_cells("A4:G4")
    sheet.append(["（一）", "基本公共教育"])  # 5: numbering in 序号, name beside it
    sheet.append(
        [1, "1.新建12所中小学", "市教育局", "市发展改革委、市财政局等", "2017年底前", "新建12所中小学", "民生实事"]
    )
    sheet.append([2, "（一）推进学前教育\n扩大普惠性资源", None, "各区政府", "2017年12月底", "十二所"])  # 7
    sheet.append([3, "一是加强教师队伍建设；", None, "市人社局\n市编办", "２０１７年６月", "4万人"])  # 8
    sheet.merge_cells("C6:C8")  # one lead unit for three tasks
    sheet.append(["二", "公共卫生"])  # 9
    sheet.append([4, "(1)完善基层医疗卫生服务体系", "市卫生计生委；市财政局", "各区政府 市医保局", "2017年6月30日前"])
    sheet.append([5, "①实施家庭医生签约服务", "市卫生计生委", None, "2017年上半年"])  # 11
    sheet.append([6, "1、开展全民健康素养促进行动", "市卫生计生委", "各区、县（市）政府", "年内", "95%"])  # 12
    sheet.append([None, "三、住房保障"])  # 13
    sheet.append([7, "新增公共租赁住房", "市住房城乡建设局", "市国土资源局/市规划局", "2017-2018年", "2700套"])
    sheet.append([8, "推进棚户区改造", "市住房城乡建设局", None, "长期"])  # 15
    sheet.append([9, "落实住房保障政策", "市住房城乡建设局", None, "持续推进"])  # 16
    sheet.append([10, "住房保障信息公开", "市住房城乡建设局", None, "常态化"])  # 17
    sheet.append([11, "完成年度棚改任务", "市住房城乡建设局", None, "六月底", "两千户"])  # 18
    sheet.append(["注：各区政府参照本表制定分工。"])  # 19: a footnote
    book.save(path)
    return path


EDU = ("公共教育", "一、公共教育 （一）基本公共教育")
HEALTH = ("公共卫生", "二、公共卫生")
HOUSING = ("住房保障", "三、住房保障")
# code, title, (domain, clause), lead, responsible, deadline, deadline_text, target value, target unit
EXPECTED = [
    (
        "2017-001",
        "新建12所中小学",
        EDU,
        ["市教育局"],
        ["市发展改革委", "市财政局"],
        date(2017, 12, 31),
        "2017年底前",
        12,
        "所",
    ),
    (
        "2017-002",
        "推进学前教育\n扩大普惠性资源",
        EDU,
        ["市教育局"],
        ["各区政府"],
        date(2017, 12, 31),
        "2017年12月底",
        12,
        "所",
    ),
    (
        "2017-003",
        "加强教师队伍建设",
        EDU,
        ["市教育局"],
        ["市人社局", "市编办"],
        date(2017, 6, 30),
        "２０１７年６月",
        40000,
        "人",
    ),
    (
        "2017-004",
        "完善基层医疗卫生服务体系",
        HEALTH,
        ["市卫生计生委", "市财政局"],
        ["各区政府", "市医保局"],
        date(2017, 6, 30),
        "2017年6月30日前",
        None,
        None,
    ),
    ("2017-005", "实施家庭医生签约服务", HEALTH, ["市卫生计生委"], [], date(2017, 6, 30), "2017年上半年", None, None),
    (
        "2017-006",
        "开展全民健康素养促进行动",
        HEALTH,
        ["市卫生计生委"],
        ["各区、县（市）政府"],
        date(2017, 12, 31),
        "年内",
        95,
        "%",
    ),
    (
        "2017-007",
        "新增公共租赁住房",
        HOUSING,
        ["市住房城乡建设局"],
        ["市国土资源局", "市规划局"],
        date(2018, 12, 31),
        "2017-2018年",
        2700,
        "套",
    ),
    ("2017-008", "推进棚户区改造", HOUSING, ["市住房城乡建设局"], [], None, "长期", None, None),
    ("2017-009", "落实住房保障政策", HOUSING, ["市住房城乡建设局"], [], None, "持续推进", None, None),
    ("2017-010", "住房保障信息公开", HOUSING, ["市住房城乡建设局"], [], None, "常态化", None, None),
    ("2017-011", "完成年度棚改任务", HOUSING, ["市住房城乡建设局"], [], date(2017, 6, 30), "六月底", 2000, "户"),
]


def project(task: Task) -> tuple[Any, ...]:
    return (
        task.code,
        task.title,
        (task.domain, task.source_clause),
        task.lead_units,
        task.responsible_units,
        task.deadline,
        task.deadline_text,
        task.target_value,
        task.target_unit,
    )


def located(problems: list[Any]) -> list[str]:
    return [f"{p.file}:{p.row}:{p.column}" for p in problems]


def test_messy_xlsx_is_read_exactly(tmp_path: Path) -> None:
    tasks, problems = read_task_sheet(messy_xlsx(tmp_path / "tasks.xlsx"), plan="p1")
    assert problems == []
    assert [project(t) for t in tasks] == EXPECTED
    first = tasks[0]
    assert first == Task(
        code="2017-001",
        title="新建12所中小学",
        domain="公共教育",
        plan="p1",
        year=2017,  # found in the title row
        lead_units=["市教育局"],
        responsible_units=["市发展改革委", "市财政局"],
        target_value=12,
        target_unit="所",
        deadline=date(2017, 12, 31),
        deadline_text="2017年底前",
        tags=["民生实事"],
        source_document="tasks.xlsx",
        source_clause="一、公共教育 （一）基本公共教育",
    )
    assert all(t.year == 2017 and t.plan == "p1" for t in tasks)


def test_year_argument_wins_and_codes_fall_back_to_the_running_index(tmp_path: Path) -> None:
    """An .xls with other header names, no 序号 column, a merged lead cell and a prose 预期成果 column."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, 4, "2017年重点任务分工")
    for col, text in enumerate(["工作任务", "牵头单位", "配合单位", "时间要求", "预期成果"]):
        sheet.write(1, col, text)
    rows = [
        ["（1）建设社区综合服务设施", None, "各区政府等", "2018年9月", "建成社区综合服务设施15个"],
        ["2.开展评估\n形成报告", None, "市统计局、\n市财政局", "2018年第三季度", "形成评估报告"],
        ["3、推进信息共享", None, "", "2018年起持续推进", ""],
    ]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write_merge(2, 4, 1, 1, "市民政局")
    path = tmp_path / "tasks.xls"
    book.save(str(path))

    tasks, problems = read_task_sheet(path, year=2018)
    assert problems == []
    assert [(t.code, t.title, t.lead_units, t.responsible_units, t.deadline, t.start) for t in tasks] == [
        ("2018-001", "建设社区综合服务设施", ["市民政局"], ["各区政府"], date(2018, 9, 30), None),
        ("2018-002", "开展评估\n形成报告", ["市民政局"], ["市统计局", "市财政局"], date(2018, 9, 30), None),
        ("2018-003", "推进信息共享", ["市民政局"], [], None, date(2018, 1, 1)),
    ]
    # a prose outcome gives a target when it has a number and is kept as the description; no error otherwise
    assert [(t.target_value, t.target_unit, t.description) for t in tasks] == [
        (15, "个", "建成社区综合服务设施15个"),
        (None, None, "形成评估报告"),
        (None, None, None),
    ]


def test_gbk_csv_with_a_multiline_cell(tmp_path: Path) -> None:
    text = (
        "2016年重点任务分工表,,,,,,\n"
        "序号,主要任务,牵头单位,责任单位,完成时间,目标值,类别\n"
        '1,"改善农村义务教育\n薄弱学校办学条件",市教育局,各区政府,2016年底前,完成改造三十所学校,公共教育\n'
        "2,新增养老床位,市民政局,各区政府;市财政局,2016年10月底,1500张,社会服务\n"
        "3,健全残疾人服务,市残联,,明年某时,若干,残疾人服务\n"
    )
    path = tmp_path / "tasks.csv"
    path.write_bytes(text.encode("gbk"))
    tasks, problems = read_task_sheet(path)
    assert [
        (t.code, t.title, t.domain, t.responsible_units, t.deadline, t.target_value, t.target_unit) for t in tasks
    ] == [
        ("2016-001", "改善农村义务教育\n薄弱学校办学条件", "公共教育", ["各区政府"], date(2016, 12, 31), 30, "所"),
        ("2016-002", "新增养老床位", "社会服务", ["各区政府", "市财政局"], date(2016, 10, 31), 1500, "张"),
        ("2016-003", "健全残疾人服务", "残疾人服务", [], None, None, None),
    ]
    # the multi-line quoted cell spans lines 3-4, so the bad row is on line 6
    assert [str(p) for p in problems] == [
        "tasks.csv:6:5: 无法识别的完成时限“明年某时”：请写作“2017年底前”“2017年6月30日前”“2017年上半年”或“长期”等 / "
        "unreadable deadline '明年某时': write e.g. 2017年底前, 2017年6月30日前, 2017年上半年 or 长期",
        "tasks.csv:6:6: 无法识别的目标值“若干”：请写作“12所”“2700套”“4万人”等 / "
        "unreadable target value '若干': write e.g. 12所, 2700套 or 4万人",
    ]


def test_every_bad_cell_is_located(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["序号", "任务内容", "牵头单位", "责任单位", "完成时限", "目标值"])
    sheet.append([1, "好的任务", "市教育局", None, "2017年底前", "3所"])  # 2
    sheet.append([2, None, "市教育局", None, "2017年底前"])  # 3: no content
    sheet.append([3, "时限不明", "市教育局", None, "明年某时"])  # 4
    sheet.append([4, "日期无效", "市教育局", None, "2017年6月31日"])  # 5
    sheet.append([5, "没有年份", "市教育局", None, "年内"])  # 6: no year anywhere
    sheet.append([6, "目标不明", "市教育局", None, "长期", "若干所"])  # 7
    other = book.create_sheet("Sheet2")
    other.append(["汇总"])
    other.append(["序号", "单位", "完成时限"])
    book.create_sheet("说明").append(["填表说明：……"])  # instruction sheets are skipped
    book.create_sheet("空白")  # so are empty sheets
    book.save(tmp_path / "tasks.xlsx")

    tasks, problems = read_task_sheet(tmp_path / "tasks.xlsx")
    assert located(problems) == [
        "tasks.xlsx[Sheet1]:3:2",
        "tasks.xlsx[Sheet1]:4:5",
        "tasks.xlsx[Sheet1]:5:5",
        "tasks.xlsx[Sheet1]:6:5",
        "tasks.xlsx[Sheet1]:7:6",
        "tasks.xlsx[Sheet2]:2:0",
    ]
    assert [(p.zh, p.en) for p in problems] == [
        ("任务内容为空", "the task content (任务内容) is empty"),
        (
            "无法识别的完成时限“明年某时”：请写作“2017年底前”“2017年6月30日前”“2017年上半年”或“长期”等",
            "unreadable deadline '明年某时': write e.g. 2017年底前, 2017年6月30日前, 2017年上半年 or 长期",
        ),
        ("完成时限“2017年6月31日”不是有效日期", "deadline '2017年6月31日' is not a valid date"),
        (
            "完成时限“年内”没有年份：请写明年份（如 2017年6月底前），或导入时指定年度",
            "deadline '年内' names no year: write it (e.g. 2017年6月底前) or give the year",
        ),
        (
            "无法识别的目标值“若干所”：请写作“12所”“2700套”“4万人”等",
            "unreadable target value '若干所': write e.g. 12所, 2700套 or 4万人",
        ),
        (
            "未找到“任务内容”列：前 10 行内须有表头（序号、任务内容、牵头单位、责任单位、完成时限）",
            "no 任务内容 (task) column: the header (序号, 任务内容, 牵头单位, 责任单位, 完成时限) must be within the "
            "first 10 rows",
        ),
    ]
    assert all(p.severity == "error" for p in problems)
    assert tasks[0].code == "T-001" and tasks[0].year is None  # no year given or found: T-prefixed codes


def test_file_level_problems(tmp_path: Path) -> None:
    assert located(read_task_sheet(tmp_path / "missing.xlsx")[1]) == ["missing.xlsx:0:0"]
    (tmp_path / "tasks.docx").write_bytes(b"x")
    assert located(read_task_sheet(tmp_path / "tasks.docx")[1]) == ["tasks.docx:0:0"]
    (tmp_path / "empty.csv").write_bytes(b"")
    assert located(read_task_sheet(tmp_path / "empty.csv")[1]) == ["empty.csv:1:1"]
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    assert located(read_task_sheet(tmp_path / "broken.xlsx")[1]) == ["broken.xlsx:1:1"]
    (tmp_path / "header.csv").write_text("序号,任务内容,牵头单位\n", encoding="utf-8")
    assert [p.en for p in read_task_sheet(tmp_path / "header.csv")[1]] == ["no task rows found"]


def test_codes_come_from_the_serial_column_only_when_clean_and_unique(tmp_path: Path) -> None:
    def codes(serials: list[Any]) -> list[str]:
        book = Workbook()
        sheet = book.active
        sheet.append(["序号", "任务内容", "牵头单位"])
        for serial in serials:
            sheet.append([serial, f"任务{serial}", "市教育局"])
        book.save(tmp_path / "c.xlsx")
        tasks, problems = read_task_sheet(tmp_path / "c.xlsx", year=2019)
        assert problems == []
        return [t.code for t in tasks]

    assert codes([3, "5.", "7、"]) == ["2019-003", "2019-005", "2019-007"]
    assert codes([1, 2, 1]) == ["2019-001", "2019-002", "2019-003"]  # numbering restarts: running index
    assert codes([1, "(2)", 5]) == ["2019-001", "2019-002", "2019-003"]
    assert codes(["JY-01", "WS-02"]) == ["JY-01", "WS-02"]  # explicit codes (e.g. an exported ledger) are kept


def test_round_trip(tmp_path: Path) -> None:
    tasks, problems = read_task_sheet(messy_xlsx(tmp_path / "tasks.xlsx"))
    assert problems == []
    lights = ["green", "yellow", "red"]
    rows = [
        {
            **task.model_dump(include={"code", "title", "lead_units", "responsible_units", "deadline_text"}),
            "deadline": task.deadline,
            "target_value": task.target_value,
            "target_unit": task.target_unit,
            "status": "in_progress",
            "percent": 10.0 * i,
            "light": lights[i % 3],
            "latest": f"第{i}次进展",
            "domain": task.domain,
            "tags": task.tags,
        }
        for i, task in enumerate(tasks)
    ]
    rows.append({"code": "X-1", "title": "只有日期的任务", "deadline": date(2017, 9, 15)})
    out = tmp_path / "ledger.xlsx"
    write_task_sheet(out, rows)

    again, problems = read_task_sheet(out, year=2017)
    assert problems == []
    key = (
        "code",
        "title",
        "lead_units",
        "responsible_units",
        "deadline",
        "target_value",
        "target_unit",
        "domain",
        "tags",
    )
    assert [t.model_dump(include=set(key)) for t in again[:-1]] == [t.model_dump(include=set(key)) for t in tasks]
    assert (again[-1].code, again[-1].deadline, again[-1].deadline_text) == ("X-1", date(2017, 9, 15), "2017年9月15日")

    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == [
        "序号",
        "任务内容",
        "牵头单位",
        "责任单位",
        "完成时限",
        "目标值",
        "状态",
        "进度(%)",
        "灯号",
        "最新进展",
        "领域",
        "标签",
    ]
    assert [c.value for c in sheet[2]][:10] == [
        "2017-001",
        "新建12所中小学",
        "市教育局",
        "市发展改革委、市财政局",
        "2017年底前",
        "12所",
        "推进中",
        0,
        "绿",
        "第0次进展",
    ]
    assert sheet["F4"].value == "40000人"
    assert [sheet.cell(r, 9).value for r in (2, 3, 4)] == ["绿", "黄", "红"]
    assert [sheet.cell(r, 9).fill.fgColor.rgb for r in (2, 3, 4)] == ["0063BE7B", "00FFEB84", "00F8696B"]
    assert sheet.cell(len(rows) + 1, 9).value is None


def test_a_control_character_in_a_task_sheet_is_refused_where_it_is(tmp_path: Path) -> None:
    """A NUL in a task cell is a located error (it would poison exports and PostgreSQL), never stored."""
    path = tmp_path / "tasks.csv"
    path.write_text("序号,任务内容,牵头单位,完成时限\n1,建设\x00社区卫生服务中心,市卫健局,2017年底\n", encoding="utf-8")
    _, problems = read_task_sheet(path)
    assert any(p.row == 2 and p.column == 2 and "U+0000" in p.zh for p in problems), problems
