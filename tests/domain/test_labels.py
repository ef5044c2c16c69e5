"""Every labelled code has a Chinese and an English label, and each label is used by one code only."""

from __future__ import annotations

import pytest

from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.labels import Labelled
from jundeng.domain.tasks import Light, ReviewStatus, TaskStatus


@pytest.mark.parametrize("enum", [TaskStatus, Light, ReviewStatus, AttainmentStatus])
def test_every_member_has_both_labels(enum: type[Labelled]) -> None:
    zh = [m.label("zh") for m in enum]
    en = [m.label("en") for m in enum]
    assert all(zh) and all(en)
    assert len(set(zh)) == len(zh) and len(set(en)) == len(en)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in label) for label in zh)


def test_labels_follow_the_pages_wording() -> None:
    assert TaskStatus.OVERDUE.label("zh") == "已逾期" and Light.RED.label("en") == "Red"
    assert AttainmentStatus.OFF_TRACK.label_zh == "进度滞后"
