"""Codes that people read: enums whose members carry their Chinese and English labels (the pages' wording)."""

from __future__ import annotations

from enum import StrEnum

# enum class name → member value → (Chinese, English)
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "TaskStatus": {
        "not_started": ("未开始", "Not started"),
        "in_progress": ("推进中", "In progress"),
        "completed": ("已完成", "Completed"),
        "overdue": ("已逾期", "Overdue"),
        "suspended": ("已暂停", "Suspended"),
    },
    "Light": {"green": ("绿灯", "Green"), "yellow": ("黄灯", "Yellow"), "red": ("红灯", "Red")},
    "ReviewStatus": {
        "submitted": ("待审核", "Submitted"),
        "accepted": ("已采纳", "Accepted"),
        "returned": ("已退回", "Returned"),
    },
    "AttainmentStatus": {
        "achieved": ("已达成", "Achieved"),
        "on_track": ("进度正常", "On track"),
        "off_track": ("进度滞后", "Off track"),
        "worsening": ("退步", "Worsening"),
        "no_data": ("无数据", "No data"),
    },
}


class Labelled(StrEnum):
    """A code with the words people read, from :data:`LABELS`."""

    @property
    def label_zh(self) -> str:
        """Return the Chinese label."""
        return LABELS[type(self).__name__][self.value][0]

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return LABELS[type(self).__name__][self.value][1]

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` (``en``, else Chinese)."""
        return self.label_en if lang == "en" else self.label_zh
