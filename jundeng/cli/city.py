"""``jundeng city init CODE``: set up a programme for any province, city or county."""

from __future__ import annotations

from pathlib import Path

import typer

from jundeng.cli.common import console, open_db, settings

app = typer.Typer(help="设立城市或区县的均等化工作 / set up a city's or county's programme.")
LEVEL_NAMES = {"province": "省", "city": "市", "district": "县/区", "town": "乡镇/街道", "village": "村/社区"}


@app.command("init")
def init(
    ctx: typer.Context,
    code: str = typer.Argument(
        ..., help="区划代码：省2位、市4位或以00结尾的6位、县6位 / province, city or county code"
    ),
    name: str | None = typer.Option(None, help="名称（默认取全国区划名）/ name (default: the division's own)"),
    zones: Path | None = typer.Option(
        None, help="功能区文件（见 docs/zones-format.md）/ functional zones file (see docs/zones-format.md)"
    ),
) -> None:
    """Load a city's (or county's, or province's) regions from the national divisions, and the default
    catalogue if none is loaded; running it again changes nothing."""
    from jundeng.services import city

    done = city.init(open_db(ctx), code=code, name=name, zones=zones, user=settings(ctx).who)
    console.print(f"[bold]{done.name}[/] ({done.code}, {LEVEL_NAMES[done.level]} {done.level})")
    for level in ("province", "city", "district", "town", "village"):
        if level in done.regions:
            console.print(f"  {LEVEL_NAMES[level]} {level}: {done.regions[level]}")
    console.print(f"  区划 regions: 新增 inserted {done.inserted}, 更新 updated {done.updated}")
    if done.zones:
        console.print(f"  功能区 zones: {', '.join(done.zones)}")
    if done.catalog_loaded:
        console.print(f"  目录 catalogue: {city.DEFAULT_CATALOG}（已载入 loaded）")
    where = done.boundaries or "无内置边界 no built-in boundaries"
    console.print(f"  地图 map: {where}")
    console.print(f"  用时 took {done.seconds:.1f} s")
