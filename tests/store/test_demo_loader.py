"""The demo city: real tree, built-in catalogues and synthetic data that is labelled and behaves as documented."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from jundeng.catalogs import demo
from jundeng.services.observations import import_files
from jundeng.store import export, observations_repo
from jundeng.store.db import Database
from jundeng.store.demo_loader import load_demo, read_profiles


def test_every_indicator_has_five_years_of_synthetic_data(demo_db: Database) -> None:
    with demo_db.session() as session:
        obs = observations_repo.observations(session)
    per_indicator = obs.group_by("indicator").agg(pl.col("period").n_unique().alias("years"))
    assert per_indicator.height >= 40
    assert set(per_indicator["years"]) == {5}
    assert set(obs["source"]) == {demo.SOURCE}
    assert "synthetic" in demo.SOURCE and "合成" in demo.SOURCE
    assert set(obs["status"]) == {"approved"}


def test_demo_data_passes_the_importers_own_checks(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    with demo_db.session() as session:
        export.write_frames({"o": export.observations_frame(session)}, "csv", out)
    report = import_files(demo_db, [out], user="check", dry_run=True)
    assert report.accepted, [str(p) for p in report.errors[:5]]


def test_loading_the_demo_twice_changes_nothing(demo_db: Database) -> None:
    assert load_demo(demo_db, user="demo").observations_written == 0


def _district_spread(obs: pl.DataFrame, code: str, period: str) -> float:
    rows = obs.filter(
        (pl.col("indicator") == code)
        & (pl.col("period") == period)
        & pl.col("region").is_in(["440402", "440403", "440404"])
        & (pl.col("disaggregation") == "")
    )
    values = rows["value"].to_numpy()
    return float(values.std() / values.mean())


def test_gaps_narrow_or_widen_as_the_profile_says(demo_db: Database) -> None:
    with demo_db.session() as session:
        obs = observations_repo.observations(session)
    profiles = {p.indicator: p for p in read_profiles()}
    checked = {"narrow": 0, "widen": 0}
    for code, profile in profiles.items():
        if profile.gap_trend not in checked or profile.district_gap < 0.1 or profile.noise > 0.05:
            continue
        first, last = _district_spread(obs, code, "2013"), _district_spread(obs, code, "2017")
        if profile.gap_trend == "narrow":
            assert last < first, code
        else:
            assert last > first, code
        checked[profile.gap_trend] += 1
    assert checked["narrow"] >= 3 and checked["widen"] >= 1, checked
