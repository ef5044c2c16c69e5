"""Located, bilingual errors: every bad input is reported as ``file:row:column: 中文 / English``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, at a 1-based row and column (0 when not applicable)."""

    file: str
    row: int
    column: int
    zh: str
    en: str
    severity: str = "error"

    def __str__(self) -> str:
        """Return ``file:row:column: 中文 / English`` (warnings say so)."""
        tag = "" if self.severity == "error" else "警告 warning: "
        return f"{self.file}:{self.row}:{self.column}: {tag}{self.zh} / {self.en}"


class HasProblems:
    """Mixin for results that carry ``problems``: splits them into errors and warnings."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that reject the input."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the problems that only warn."""
        return [p for p in self.problems if p.severity != "error"]


class InputError(Exception):
    """Raised when an input is rejected; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
