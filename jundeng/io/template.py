"""Write the Excel template that a district or department fills in: one sheet per domain.

Each sheet is already in the import layout (指标代码, 区划代码, 期间, 数值 …), with indicator and region
names, units and definitions shown and data validation on the value cells, so a filled template
imports without editing. A 填报说明 (instructions) sheet lists every indicator's definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jundeng.domain.catalog import Domain, Indicator
from jundeng.domain.regions import Region
from jundeng.io import sanitize

INSTRUCTIONS = "填报说明"


def write_template(
    out: str | Path,
    *,
    indicators: Sequence[Indicator],
    domains: Sequence[Domain],
    regions: Sequence[Region],
    period: str,
) -> dict[str, int]:
    """Write the template XLSX to ``out``; return the number of rows to fill per sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    info = book.active
    assert info is not None
    info.title = INSTRUCTIONS
    info.append(["指标代码", "指标名称", "单位", "方向", "分子", "分母", "有效范围", "定义"])
    for ind in indicators:
        lo, hi = ind.valid_range
        valid = "" if lo is None and hi is None else f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"
        direction = "越高越好" if ind.direction.value == "higher" else "越低越好"
        row_values = [ind.code, ind.name, ind.unit, direction, ind.numerator, ind.denominator, valid, ind.definition]
        info.append(sanitize.row(row_values))
    info.append([])
    info.append(["填写“数值”列（比率指标也可只填分子、分母）；不要修改其他列、不要合并单元格。"])
    info.append(["Fill in the value column (or numerator and denominator for ratios); keep the other columns."])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    names = {d.code: d.name for d in domains}
    counts: dict[str, int] = {}
    used = {i.domain for i in indicators}
    order = [d.code for d in domains if d.code in used] + sorted(used - set(names))
    for domain_code in order:
        group = [i for i in indicators if i.domain == domain_code]
        ratio = any(i.is_ratio for i in group)
        sheet = book.create_sheet(title=names.get(domain_code, domain_code)[:31])
        header = ["指标代码", "指标名称", "单位", "区划代码", "区划名称", "期间", "数值"]
        header += ["分子", "分母"] if ratio else []
        header.append("备注")
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        value_col = header.index("数值") + 1
        row = 1
        for ind in group:
            lo, hi = ind.valid_range
            validation = DataValidation(
                type="decimal",
                operator="between",
                formula1=str(-1e15 if lo is None else lo),
                formula2=str(1e15 if hi is None else hi),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="数值无效 / invalid value",
                error=f"{ind.name}: 须为数值 {'' if lo is None else lo}–{'' if hi is None else hi} {ind.unit}",
            )
            sheet.add_data_validation(validation)
            first = row + 1
            for region in regions:
                row += 1
                values: list[object] = [ind.code, ind.name, ind.unit, region.code, region.name, period, None]
                values += [None, None] if ratio else []
                values.append(None)
                sheet.append(sanitize.row(values))
                sheet.cell(row=row, column=value_col).fill = fill
            validation.add(f"{_letter(value_col)}{first}:{_letter(value_col)}{row}")
            if ind.definition:
                sheet.cell(row=first, column=2).comment = Comment(ind.definition[:500], "Jundeng")
        counts[sheet.title] = row - 1
        for col, width in zip("ABCDEFG", (22, 28, 10, 14, 22, 10, 12), strict=True):
            sheet.column_dimensions[col].width = width
        sheet.freeze_panes = "A2"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return counts


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
