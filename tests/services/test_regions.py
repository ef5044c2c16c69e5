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


def test_boundaries_of_several_programmes_are_never_guessed(db: Database) -> None:
    """With 江门 beside 珠海, boundaries asked without a city refuse (they used to be the first stored city's);
    a city without boundaries, or town boundaries (none ship), are NotFoundError, never another city's map."""
    import pytest

    from jundeng.errors import NotFoundError, ScopeError
    from jundeng.services import city

    assert {str(f["id"])[:4] for f in regions.boundaries(db)["features"]} == {"4404"}  # the only programme
    city.init(db, code="440700", user="office")
    with pytest.raises(ScopeError):
        regions.boundaries(db)
    assert {str(f["id"])[:4] for f in regions.boundaries(db, city="440700")["features"]} == {"4407"}
    assert {str(f["id"])[:4] for f in regions.boundaries(db, region="440402")["features"]} == {"4404"}
    assert regions.has_boundaries("440700") and regions.has_boundaries("420100")  # 武汉市: from the bundle
    assert not regions.has_boundaries("441900") and not regions.has_boundaries("420881")  # 东莞市, a county
    assert not regions.has_boundaries("440400-HQ") and not regions.has_boundaries(None)
    assert not regions.has_town_boundaries("440700") and not regions.has_town_boundaries("*")
    with pytest.raises(NotFoundError, match="no town boundaries for this city") as caught:
        regions.town_boundaries(city="440700", district="440703")
    assert caught.value.zh.startswith("本市暂无乡镇边界")
