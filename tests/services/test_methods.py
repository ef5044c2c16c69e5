"""Appraisal methods per programme: located validation against the catalogue, uploads (nothing stored on an
error), the programme's choice used by appraisals, the national default stored by ``city init``, and the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.domain.regions import Region
from jundeng.errors import InputError, JundengError, NotFoundError, ScopeError
from jundeng.services import catalog, city, methods
from jundeng.services.appraisal import appraise, default_method
from jundeng.store import regions_repo
from jundeng.store.db import Database
from jundeng.store.models import AuditRow
from tests.conftest import Templates, fresh_database

runner = CliRunner()

METHOD = """\
name: 测试方法
indicators:
  - {code: GER}
  - {code: DROPOUT}
  - {code: BEDS}
domain_weighting: fixed
domain_weights: {edu: 0.6, health: 0.4}
"""


def problems(db: Database, text: str, name: str = "m.yaml") -> list[str]:
    """Return the located problems of validating ``text`` (none when it is valid)."""
    try:
        methods.validate(db, content=text.encode(), name=name)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def audit(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as session:
        rows = session.execute(select(AuditRow).where(AuditRow.entity == "appraisal_methods").order_by(AuditRow.id))
        return [(a.user, a.action, a.key) for a in rows.scalars()]


def test_a_valid_method_passes(db: Database) -> None:
    assert problems(db, METHOD) == []
    assert methods.validate(db, content=METHOD, name="m.yaml").name == "测试方法"


def test_unknown_and_retired_indicators_are_located(db: Database) -> None:
    text = METHOD.replace("{code: DROPOUT}", "{code: NOPE}")
    assert problems(db, text) == [
        "m.yaml:4:12: 字段 indicators.1.code: 未知的指标代码 NOPE"
        " / field indicators.1.code: unknown indicator code NOPE"
    ]
    catalog.retire(db, kind="indicator", key="BEDS", reason="停止统计", user="admin")
    [found] = problems(db, METHOD)
    assert found.startswith("m.yaml:5:12: ") and "BEDS 已停用" in found and "retired" in found


def test_bad_weights_and_domains_are_located(db: Database) -> None:
    unknown = METHOD.replace("{edu: 0.6, health: 0.4}", "{edu: 0.6, health: 0.4, nowhere: 1}")
    [found] = problems(db, unknown)
    assert re.match(r"m\.yaml:7:\d+: .*未知的领域代码 nowhere", found)
    missing = METHOD.replace("{edu: 0.6, health: 0.4}", "{edu: 1}")
    [found] = problems(db, missing)
    assert found.startswith("m.yaml:7:17: ") and "health" in found
    negative = METHOD.replace("{code: GER}", "{code: GER, weight: -1}")
    [found] = problems(db, negative)
    assert found.startswith("m.yaml:3:25: ") and "indicators.0.weight" in found
    zero = METHOD.replace("{code: GER}", "{code: GER, weight: 0}").replace(
        "{code: DROPOUT}", "{code: DROPOUT, weight: 0}"
    )
    assert problems(db, zero.replace("domain_weighting", "weighting: fixed\ndomain_weighting"))[0].startswith(
        "m.yaml:3:"
    )
    gap = METHOD + "  - {code: GAP, gap_of: GER, domain: nowhere}\n"
    gap = gap.replace("domain_weighting: fixed\ndomain_weights: {edu: 0.6, health: 0.4}\n", "")
    [found] = problems(db, gap)
    assert found.startswith("m.yaml:6:") and "indicators.3.domain" in found


def test_syntax_errors_are_located(db: Database) -> None:
    [found] = problems(db, METHOD.replace("{code: BEDS}", "{code: BEDS"), name="bad.yaml")
    assert re.match(r"bad\.yaml:\d+:\d+: YAML 语法错误", found)


def test_an_upload_is_validated_stored_chosen_and_audited(db: Database) -> None:
    with pytest.raises(InputError):
        methods.upload(db, content=METHOD.replace("GER", "NOPE"), name="m.yaml", user="admin")
    assert methods.methods(db) == [] and audit(db) == []
    assert methods.chosen(db) is None
    first = methods.upload(db, content=METHOD, name="m.yaml", user="admin", under="440402")
    assert (first.programme, first.chosen, first.created_by) == ("440400", False, "admin")
    assert methods.chosen(db) is None
    again = methods.upload(db, content=METHOD.encode(), name="m.yaml", user="admin", choose=True)
    assert again.id == first.id and again.chosen
    second = methods.upload(db, content=METHOD.replace("测试方法", "第二方法"), name="m2.yaml", user="office")
    assert [m.id for m in methods.methods(db)] == [second.id, first.id]
    chosen = methods.chosen(db, under="440400")
    assert chosen is not None and chosen.name == "测试方法"
    methods.choose(db, method_id=second.id, user="admin")
    assert [m.chosen for m in methods.methods(db)] == [True, False]
    assert audit(db) == [
        ("admin", "insert", str(first.id)),
        ("admin", "choose", "440400"),
        ("office", "insert", str(second.id)),
        ("admin", "choose", "440400"),
    ]
    with pytest.raises(NotFoundError):
        methods.choose(db, method_id=999, user="admin")


def test_each_programme_has_its_own_methods(db: Database) -> None:
    with db.session(write=True) as session:
        regions_repo.load_regions(session, regions=[Region(code="420800", name="荆门市", level="city")], user="t")
    with pytest.raises(ScopeError):
        methods.upload(db, content=METHOD, name="m.yaml", user="admin")
    stored = methods.upload(db, content=METHOD, name="m.yaml", user="admin", under="440400", choose=True)
    assert methods.methods(db, under="420800") == [] and methods.chosen(db, under="420800") is None
    assert methods.chosen(db, under="440403") is not None
    with pytest.raises(JundengError, match="another programme"):
        methods.choose(db, method_id=stored.id, user="admin", under="420800")
    with pytest.raises(NotFoundError):
        methods.methods(db, under="999999")


@pytest.fixture(scope="module")
def demo_copy(demo_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A module-wide copy of the demo city that the tests may change."""
    db, drop = fresh_database("sqlite", demo_templates, tmp_path_factory.mktemp("methods"))
    yield db
    drop()


def test_an_appraisal_takes_the_programmes_chosen_method(demo_copy: Database) -> None:
    assert appraise(demo_copy, year=2017, with_uncertainty=False).method.version == default_method().version
    codes = [i.code for i in default_method().indicators if i.gap_of is None][:6]
    text = "name: 六项指标\nindicators:\n" + "".join(f"  - {{code: {c}}}\n" for c in codes)
    methods.upload(demo_copy, content=text, name="six.yaml", user="admin", choose=True)
    result = appraise(demo_copy, year=2017, with_uncertainty=False)
    assert result.method.name == "六项指标" and set(result.composite.weights.index) == set(codes)
    explicit = appraise(demo_copy, year=2017, with_uncertainty=False, method=default_method())
    assert explicit.method.version == default_method().version


def test_cli_method_commands(demo_copy: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: 坏方法\nindicators:\n  - {code: NOPE}\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", demo_copy.url, "appraise", "method", "validate", str(bad)])
    assert result.exit_code == 1 and f"{bad}:3:12: " in result.output and "NOPE" in result.output
    result = runner.invoke(app, ["--db", demo_copy.url, "appraise", "method", "upload", str(bad)])
    assert result.exit_code == 1
    good = tmp_path / "good.yaml"
    good.write_text("name: 一项指标\nindicators:\n  - {code: SOC_DIBAO_STANDARD}\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", demo_copy.url, "appraise", "method", "validate", str(good)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", demo_copy.url, "--user", "admin", "appraise", "method", "upload", str(good)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["--db", demo_copy.url, "appraise", "method", "list", "--format", "json"])
    rows = {r["name"]: r for r in json.loads(listed.output)}
    assert "一项指标" in rows and not rows["一项指标"]["chosen"]
    chosen = str(rows["一项指标"]["id"])
    assert runner.invoke(app, ["--db", demo_copy.url, "appraise", "method", "choose", chosen]).exit_code == 0
    now = methods.chosen(demo_copy)
    assert now is not None and now.name == "一项指标"
    result = runner.invoke(
        app, ["--db", demo_copy.url, "appraise", "--year", "2017", "--no-uncertainty", "--no-save", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"method": "一项指标"' in result.output


NATIONAL_METHOD = """\
name: 小方法
indicators:
  - {code: CN_EDU_COMPULSORY_RETENTION}
"""


def test_city_init_stores_the_national_method_once(
    empty_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "appraisal-national.yaml"
    small.write_text(NATIONAL_METHOD, encoding="utf-8")
    monkeypatch.setattr(methods, "NATIONAL_METHOD", small)
    city.init(empty_db, code="420881", user="office")
    found = methods.chosen(empty_db, under="420881")
    assert found is not None and found.name == "小方法"
    city.init(empty_db, code="420881", user="office")
    assert len(methods.methods(empty_db, under="420881")) == 1
    assert [a[1] for a in audit(empty_db)] == ["insert", "choose"]


@pytest.mark.skipif(not methods.NATIONAL_METHOD.exists(), reason="the national method is not written yet")
def test_the_shipped_national_method_fits_the_national_catalogue(empty_db: Database) -> None:
    city.init(empty_db, code="420881", user="office")
    found = methods.chosen(empty_db, under="420881")
    assert found is not None, methods.validate_file(empty_db, methods.NATIONAL_METHOD)
