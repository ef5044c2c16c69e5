"""Read a zones file (``jundeng city init CODE --zones zones.yaml``) and place its zones on a region tree.

Format: ``docs/zones-format.md``. Every problem is located at its line and column; a member that is not in the
programme's tree, or not under the zone's parent, or in two zones, is refused and nothing is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jundeng.domain.regions import Region, RegionLevel, Zone, ZoneFile, zone_level
from jundeng.errors import InputError, Problem
from jundeng.io.yaml_files import _problem, parse_model, read_text

__all__ = ["place_zones", "read_zones"]


def read_zones(path: str | Path, tree: Sequence[Region] | None = None) -> list[Zone]:
    """Return the zones of the YAML file at ``path``; with ``tree``, check every parent and member against it
    (InputError with located problems)."""
    name = str(path)
    parsed, root = parse_model(read_text(path), name, ZoneFile)
    if tree is None:
        return list(parsed.zones)
    by_code = {r.code: r for r in tree}
    parents = {r.code: r.parent for r in tree}
    problems: list[Problem] = []
    owner: dict[str, str] = {}

    def under(code: str, top: str) -> bool:
        node: str | None = code
        while node is not None:
            if node == top:
                return True
            node = parents.get(node)
        return False

    for n, zone in enumerate(parsed.zones):
        if zone.code in by_code and not by_code[zone.code].functional_zone:
            problems.append(
                _problem(name, root, ("zones", n, "code"), f"代码 {zone.code} 已是区划", f"{zone.code} is a region")
            )
        if zone.parent not in by_code:
            problems.append(
                _problem(
                    name,
                    root,
                    ("zones", n, "parent"),
                    f"上级 {zone.parent} 不在本地区划中",
                    f"parent {zone.parent} is not in this programme's regions",
                )
            )
            continue
        for field, level in (("towns", RegionLevel.TOWN), ("villages", RegionLevel.VILLAGE)):
            for k, member in enumerate(getattr(zone, field)):
                loc = ("zones", n, field, k)
                found = by_code.get(member)
                if found is None or found.level is not level:
                    zh = f"{member} 不是本地区划中的{'乡镇' if level is RegionLevel.TOWN else '村/社区'}"
                    problems.append(_problem(name, root, loc, zh, f"{member} is not a {level.value} of this programme"))
                elif not under(member, zone.parent):
                    zh = f"{member} 不在上级 {zone.parent} 之下"
                    problems.append(_problem(name, root, loc, zh, f"{member} is not under {zone.parent}"))
                elif member in owner:
                    zh = f"{member} 已属于功能区 {owner[member]}"
                    problems.append(_problem(name, root, loc, zh, f"{member} already belongs to zone {owner[member]}"))
                else:
                    owner[member] = zone.code
    if problems:
        raise InputError(problems)
    return list(parsed.zones)


def place_zones(tree: Sequence[Region], zones: Sequence[Zone]) -> list[Region]:
    """Return the regions to write: each zone as a functional-zone region one level below its parent, and each
    member with ``zone`` set (its parent unchanged: the overlay never moves a town out of its county)."""
    by_code = {r.code: r for r in tree}
    changed: list[Region] = []
    for zone in zones:
        level = zone_level(by_code[zone.parent].level)
        changed.append(Region(code=zone.code, name=zone.name, level=level, parent=zone.parent, functional_zone=True))
        for member in [*zone.towns, *zone.villages]:
            changed.append(by_code[member].model_copy(update={"zone": zone.code}))
    return changed
