"""The file-format documents stay true: every example block is read by the real reader, every key or header
a reader takes is documented, and the documents name no key or header the reader does not know."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import BaseModel
from typer.testing import CliRunner

from jundeng.appraise import method as method_module
from jundeng.appraise.method import IndicatorChoice, Method, Treatment, Uncertainty, parse_method
from jundeng.catalogs import builtin_catalog, divisions
from jundeng.cli import app
from jundeng.domain.catalog import (
    DEFAULT_DIMENSIONS,
    Aggregation,
    Catalog,
    Dimension,
    Domain,
    Indicator,
    Plan,
    ServiceItem,
    SourceRef,
    StandardAmount,
    Target,
    TargetKind,
    Unit,
)
from jundeng.domain.regions import Zone, ZoneFile
from jundeng.io import population, task_sheet
from jundeng.io.observations import ValidationContext, validate_table
from jundeng.io.tables import read_csv_text
from jundeng.io.yaml_files import parse_catalog, read_catalog
from jundeng.io.zones import read_zones
from jundeng.store import regions_repo
from jundeng.store.db import Database

DOCS = Path(__file__).resolve().parents[2] / "docs"
JSONish = dict[str, Any]


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _blocks(text: str, lang: str) -> list[str]:
    """Return the fenced code blocks of language ``lang`` in ``text``."""
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def _section(text: str, heading: str) -> str:
    """Return the part of ``text`` from the ``## heading`` line to the next ``## `` heading."""
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def _table_cells(text: str, column: int) -> list[str]:
    """Return the backticked names in column ``column`` of every table row of ``text`` (header rows skipped)."""
    names: list[str] = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        if n + 1 < len(lines) and lines[n + 1].startswith("|") and set(lines[n + 1]) <= set("|- "):
            continue  # the header row
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if column < len(cells):
            names.extend(re.findall(r"`([^`]+)`", cells[column]))
    return names


def _fields(*models: type[BaseModel]) -> set[str]:
    return {name for model in models for name in model.model_fields}


def _keys(items: Iterable[Any]) -> set[str]:
    return {key for item in items if isinstance(item, dict) for key in item}


@cache
def _national() -> Catalog:
    return read_catalog(builtin_catalog("national-13th-fyp"))


@cache
def _tree_codes(code: str) -> frozenset[str]:
    return frozenset(r.code for r in divisions.tree(code))


# ------------------------------------------------------------------------------------------------ catalogue


def test_catalog_examples_load_and_show_every_key() -> None:
    """Each YAML block of catalog-format.md parses against the national catalogue and 荆门's regions, and the
    blocks together use every key of every part of a catalogue."""
    text = _doc("catalog-format.md")
    blocks = _blocks(text, "yaml")
    assert len(blocks) >= 2
    national = _national()
    known = {
        "known_domains": {d.code for d in national.domains},
        "known_indicators": {i.code for i in national.indicators},
        "known_regions": _tree_codes("420800"),
    }
    used: dict[str, set[str]] = {}
    for n, block in enumerate(blocks):
        parse_catalog(block, f"catalog-format.md#yaml{n + 1}", **known)
        data: JSONish = yaml.safe_load(block)
        parts: dict[str, list[Any]] = {
            "": [data],
            "plan": [data.get("plan")],
            "dimensions": data.get("dimensions", []),
            "domains": data.get("domains", []),
            "items": data.get("items", []),
            "amount": [i.get("amount") for i in data.get("items", [])],
            "indicators": data.get("indicators", []),
            "targets": data.get("targets", []),
            "units": data.get("units", []),
        }
        parts["source"] = [x.get("source") for k in ("items", "indicators", "targets") for x in parts[k]]
        for part, items in parts.items():
            used.setdefault(part, set()).update(_keys(items))
    expected: dict[str, type[BaseModel]] = {
        "": Catalog,
        "plan": Plan,
        "dimensions": Dimension,
        "domains": Domain,
        "items": ServiceItem,
        "amount": StandardAmount,
        "indicators": Indicator,
        "targets": Target,
        "units": Unit,
        "source": SourceRef,
    }
    for part, model in expected.items():
        missing = _fields(model) - used[part]
        assert not missing, f"catalog-format.md shows no example of {part or 'top-level'} keys {sorted(missing)}"


def test_catalog_doc_explains_aggregation_and_target_kinds_with_the_cumulative_example() -> None:
    text = _doc("catalog-format.md")
    rows = set(_table_cells(_section(text, "How a county"), 0))
    assert rows == {a.value for a in Aggregation}
    for kind in TargetKind:
        assert f"`{kind.value}`" in text, kind
    targets = [t for block in _blocks(text, "yaml") for t in yaml.safe_load(block).get("targets", [])]
    cumulative = [t for t in targets if t.get("kind") == "cumulative"]
    assert {
        "indicator": "CN_EMP_URBAN_NEW_JOBS",
        "region": "420800",
        "kind": "cumulative",
        "start_year": 2016,
        "year": 2020,
        "comparator": ">=",
        "value": 20,
    } in cumulative
    assert next(i for i in _national().indicators if i.code == "CN_EMP_URBAN_NEW_JOBS").unit == "万人"


# --------------------------------------------------------------------------------------------------- method


def test_method_examples_parse_use_national_codes_and_sane_goalposts() -> None:
    text = _doc("method-format.md")
    blocks = _blocks(text, "yaml")
    assert len(blocks) >= 2
    codes = {i.code for i in _national().indicators}
    used: dict[str, set[str]] = {"": set(), "indicators": set(), "treatment": set(), "uncertainty": set()}
    for n, block in enumerate(blocks):
        method = parse_method(block, f"method-format.md#yaml{n + 1}")
        for choice in method.indicators:
            assert (choice.gap_of or choice.code) in codes, choice.code
            if choice.goalposts is not None:
                low, high = choice.goalposts
                assert low < high, f"{choice.code}: goalposts are [low, high]"
        data: JSONish = yaml.safe_load(block)
        used[""] |= set(data)
        used["indicators"] |= _keys(data["indicators"])
        used["treatment"] |= _keys([data.get("treatment")])
        used["uncertainty"] |= _keys([data.get("uncertainty")])
    expected: dict[str, type[BaseModel]] = {
        "": Method,
        "indicators": IndicatorChoice,
        "treatment": Treatment,
        "uncertainty": Uncertainty,
    }
    for part, model in expected.items():
        missing = _fields(model) - used[part]
        assert not missing, f"method-format.md shows no example of {part or 'top-level'} keys {sorted(missing)}"


def test_method_tables_name_exactly_the_readers_keys_and_choices() -> None:
    text = _doc("method-format.md")
    tables: dict[str, type[BaseModel]] = {
        "Top level": Method,
        "`indicators`": IndicatorChoice,
        "`treatment`": Treatment,
        "`uncertainty`": Uncertainty,
    }
    for heading, model in tables.items():
        start = text.index(f"### {heading}")
        end = text.find("\n### ", start + 1)
        rows = set(_table_cells(text[start : end if end >= 0 else None], 0))
        assert rows == _fields(model), heading
    choices = [
        *get_args(method_module.Normalization),
        *get_args(method_module.Weighting),
        *get_args(method_module.Aggregation),
        *get_args(method_module.GapMeasure),
        "none",
        "mean",
        "last",
        "town",
        "village",
    ]
    for choice in choices:
        assert f"`{choice}`" in text, choice


# ---------------------------------------------------------------------------------------------------- zones


def test_zones_example_is_read_against_the_real_tree_and_loaded_by_city_init(tmp_path: Path) -> None:
    text = _doc("zones-format.md")
    (block,) = _blocks(text, "yaml")
    path = tmp_path / "zones.yaml"
    path.write_text(block, encoding="utf-8")
    tree = divisions.tree("420800")
    zones = read_zones(path, tree)
    assert [z.code for z in zones] == ["420800-ZH", "420881-KFQ"]
    assert set(_table_cells(text, 0)) == _fields(Zone, ZoneFile)
    assert _keys(yaml.safe_load(block)["zones"]) == _fields(Zone)

    url = f"sqlite:///{tmp_path / 'zones.sqlite'}"
    for args in (["init"], ["city", "init", "420800", "--zones", str(path)]):
        result = CliRunner().invoke(app, ["--db", url, *args])
        assert result.exit_code == 0, (args, result.output)
    db = Database(url)
    with db.session() as session:
        regions = {r.code: r for r in regions_repo.regions(session)}
    assert regions["420800-ZH"].functional_zone and regions["420800-ZH"].parent == "420800"
    town = regions["420802102"]  # 漳河镇 stays in 东宝区: a zone is an overlay
    assert (town.parent, town.zone) == ("420802", "420800-ZH")
    assert regions["420881001003"].zone == "420881-KFQ"
    assert "420800-QJL" not in regions, "--zones replaces the shipped zones file"


def test_a_zones_file_naming_a_town_outside_its_parent_is_refused(tmp_path: Path) -> None:
    """The doc's promise that members must lie under the parent: the reader refuses the wrong answer."""
    (block,) = _blocks(_doc("zones-format.md"), "yaml")
    path = tmp_path / "zones.yaml"
    path.write_text(block.replace('parent: "420881"', 'parent: "420802"'), encoding="utf-8")
    with pytest.raises(Exception, match="420881001003"):
        read_zones(path, divisions.tree("420800"))


# --------------------------------------------------------------------------------------- import-format.md


def test_observations_example_is_accepted_by_the_importer() -> None:
    section = _section(_doc("import-format.md"), "Observations")
    (block,) = _blocks(section, "csv")
    (table,), problems = read_csv_text(block, "observations.csv")
    assert not problems
    national = _national()
    ctx = ValidationContext(
        indicators={i.code: i for i in national.indicators},
        regions=set(_tree_codes("420881")),
        dimensions={d.code: d for d in DEFAULT_DIMENSIONS},
        plan_years={i.code: (2016, 2020) for i in national.indicators},
    )
    checked = validate_table(table, ctx)
    assert not checked.errors, checked.errors
    assert checked.frame.height == 4


def test_population_example_and_columns() -> None:
    section = _section(_doc("import-format.md"), "Population")
    names = set(_table_cells(section, 0)) | set(_table_cells(section, 1))
    assert names == set(population.COLUMNS) | set(population.ALIASES)
    (block,) = _blocks(section, "csv")
    (table,), problems = read_csv_text(block, "pop.csv")
    assert not problems
    rows, problems = population.validate_population(table, _tree_codes("420881"))
    assert not problems, problems
    assert [(r.region, r.resident, r.registered) for r in rows] == [
        ("420881", 1_010_600, 1_035_400),
        ("420881100", None, 68_200),
        ("420881101", 45_300, 47_100),
    ]


def test_task_sheet_example_and_headers(tmp_path: Path) -> None:
    section = _section(_doc("import-format.md"), "Division of tasks")
    named = _table_cells(section, 1)
    known = {alias for aliases in task_sheet.HEADERS.values() for alias in aliases}
    assert set(named) == known, set(named) ^ known
    (block,) = _blocks(section, "csv")
    path = tmp_path / "分工方案.csv"
    path.write_text(block, encoding="utf-8")
    tasks, problems = task_sheet.read_task_sheet(path)
    assert not problems, problems
    assert [t.code for t in tasks] == ["2018-001", "2018-002", "2018-003"]
    first, standing, jobs = tasks
    assert (first.domain, first.deadline, first.target_value, first.target_unit) == (
        "基本公共教育",
        date(2018, 12, 31),
        5,
        "所",
    )
    assert first.lead_units == ["市教育局"] and first.responsible_units == ["各镇人民政府", "街道办事处"]
    assert standing.deadline is None
    assert (jobs.domain, jobs.target_value, jobs.target_unit) == ("基本劳动就业创业", 8600, "人")


# ------------------------------------------------------------------------------------------------- commands


def _command_lines() -> list[tuple[str, str]]:
    """Return (doc, line) for every ``jundeng …`` command in a code block or an inline code span of docs/."""
    found: list[tuple[str, str]] = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        blocks = re.findall(r"```(?:sh|text)\n(.*?)```", text, re.S)
        lines = [line for block in blocks for line in block.splitlines()]
        lines += re.findall(r"`(jundeng [^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
        found += [(path.name, line.split("  #")[0].strip()) for line in lines if line.startswith("jundeng ")]
    return found


def test_every_command_and_option_named_in_the_docs_exists() -> None:
    import typer.main

    root: Any = typer.main.get_group(app)
    global_options = {opt for param in root.params for opt in param.opts}
    lines = _command_lines()
    assert len(lines) > 20
    for doc, line in lines:
        words = line.split()[1:]
        command = root
        while words and words[0] in getattr(command, "commands", {}):
            command = command.commands[words.pop(0)]
        assert command is not root, (doc, line)
        known = global_options | {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for word in words:
            option = word.strip("[]").split("=")[0]
            assert not option.startswith("--") or option in known, (doc, line, option)
