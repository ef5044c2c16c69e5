"""A satisfaction questionnaire: its items, their answer scales and which answers count as satisfied.

These pydantic models are both the domain objects and the schema of the questionnaire YAML files
(read by :func:`jundeng.io.survey_files.read_questionnaire`). They hold no I/O.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jundeng.errors import JundengError

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _shown(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


class SurveyItem(_Model):
    """One question: its code (the microdata column), text, answer scale, labels, satisfied answers, indicator."""

    code: Code
    text: str
    scale: list[int] = Field(min_length=1)  # the allowed answer values, e.g. [1, 2, 3, 4, 5]
    labels: dict[int, str] = Field(default_factory=dict)  # answer value → label (很满意 …)
    satisfied: list[int] = Field(min_length=1)  # the answers that count as satisfied, a subset of the scale
    indicator: Code | None = None  # the indicator the item's share of satisfied answers feeds

    @model_validator(mode="after")
    def _answers_on_the_scale(self) -> Self:
        repeated = sorted({v for v in self.scale if self.scale.count(v) > 1})
        if repeated:
            raise JundengError(f"量表取值重复：{_shown(repeated)}", f"repeated scale value(s): {_shown(repeated)}")
        off = [v for v in self.satisfied if v not in self.scale]
        if off:
            raise JundengError(
                f"满意答案 {_shown(off)} 不在量表 {_shown(self.scale)} 内",
                f"satisfied answer(s) {_shown(off)} not on the scale {_shown(self.scale)}",
            )
        if len(set(self.satisfied)) != len(self.satisfied):
            raise JundengError("满意答案重复", "repeated satisfied answer")
        unlabelled = [v for v in self.labels if v not in self.scale]
        if unlabelled:
            raise JundengError(
                f"标签 {_shown(unlabelled)} 不在量表 {_shown(self.scale)} 内",
                f"label(s) for {_shown(unlabelled)} not on the scale {_shown(self.scale)}",
            )
        return self


class Questionnaire(_Model):
    """A questionnaire: code, title and its items (codes unique)."""

    code: Code
    title: str
    items: list[SurveyItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_items(self) -> Self:
        codes = [i.code for i in self.items]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            shown = ", ".join(repeated)
            raise JundengError(f"题目代码重复：{shown}", f"repeated item code(s): {shown}")
        return self

    @property
    def codes(self) -> list[str]:
        """Return the item codes in questionnaire order."""
        return [i.code for i in self.items]

    def item(self, code: str) -> SurveyItem:
        """Return the item of ``code``; refuse an unknown code, listing the known ones."""
        for candidate in self.items:
            if candidate.code == code:
                return candidate
        known = ", ".join(self.codes)
        raise JundengError(
            f"问卷 {self.code} 中没有题目 {code!r}（已有：{known}）",
            f"questionnaire {self.code} has no item {code!r} (known: {known})",
        )
