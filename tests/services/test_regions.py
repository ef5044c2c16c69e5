"""Regions: list by level and under a root, names and subtrees."""

from __future__ import annotations

from jundeng.services import regions
from jundeng.store.db import Database


def test_list_by_level_and_under(db: Database) -> None:
    districts = regions.regions(db, level="district")
    assert {"440402", "440403", "440404"} <= {r.code for r in districts}
    assert len(districts) == 8 and all(r.level == "district" for r in districts)
    towns = regions.regions(db, level="town", under="440404")
    assert len(towns) == 6 and all(r.parent == "440404" for r in towns)
    under = [r.code for r in regions.regions(db, under="440403")]
    assert under == sorted(under) and under[0] == "440403"
    assert all(c.startswith("440403") for c in under) and len(under) > 6
    assert len(regions.regions(db)) == 385


def test_subtree_and_names(db: Database) -> None:
    tree = regions.subtree(db, root="440402")
    assert {"440402", "440402001", "440402100"} <= tree
    assert not any(c.startswith(("440403", "440404")) for c in tree)
    assert tree == {r.code for r in regions.regions(db, under="440402")}
    assert regions.subtree(db, root="440402001") < tree
    assert regions.names(db)["440402"] == "香洲区"


def test_loading_the_same_tree_again_changes_nothing(db: Database) -> None:
    assert regions.load(db, user="again") == (0, 0)
    assert len(regions.regions(db)) == 385
