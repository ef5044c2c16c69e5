"""Limits on what one input file may cost, and the one cap on how many problems a reader reports.

A hostile or broken file must be refused with a located message *before* it costs much memory or time.
Every reader of user tables (:mod:`jundeng.io.tables` and the validators after it) takes its bounds from
:func:`current`, whose defaults each environment variable below overrides (a plain integer or number):

==============================  ==============  ====================================================
variable                        default         bounds
==============================  ==============  ====================================================
``JUNDENG_MAX_ROWS``            1,000,000       rows of one sheet or CSV file (counted to the last
                                                non-empty cell, not to what the file claims)
``JUNDENG_MAX_COLUMNS``         200             columns of one sheet or CSV file
``JUNDENG_MAX_CELLS``           20,000,000      rows × columns of one sheet
``JUNDENG_MAX_BYTES``           200,000,000     a CSV file's size; a workbook's unpacked size (all
                                                zip members together) and an XLS file's size
``JUNDENG_MAX_RATIO``           100             unpacked : packed size of one zip member, checked
                                                only for members above ``JUNDENG_RATIO_FLOOR``
``JUNDENG_RATIO_FLOOR``         10,000,000      bytes (unpacked) from which the ratio is checked
``JUNDENG_MAX_MEMBERS``         10,000          members of a workbook's zip
``JUNDENG_MAX_SECONDS``         120             seconds to read one file
``JUNDENG_MAX_PROBLEMS``        1,000           problems listed per file; the rest are counted in
                                                one closing line ("另有 N 处问题未列出")
==============================  ==============  ====================================================
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from jundeng.errors import JundengError, Problem

ENV = {
    "max_rows": "JUNDENG_MAX_ROWS",
    "max_columns": "JUNDENG_MAX_COLUMNS",
    "max_cells": "JUNDENG_MAX_CELLS",
    "max_bytes": "JUNDENG_MAX_BYTES",
    "max_ratio": "JUNDENG_MAX_RATIO",
    "ratio_floor": "JUNDENG_RATIO_FLOOR",
    "max_members": "JUNDENG_MAX_MEMBERS",
    "max_seconds": "JUNDENG_MAX_SECONDS",
    "max_problems": "JUNDENG_MAX_PROBLEMS",
}


@dataclass(frozen=True)
class Limits:
    """Bounds on one input file (see the module docstring for their meaning and environment variables)."""

    max_rows: int = 1_000_000
    max_columns: int = 200
    max_cells: int = 20_000_000
    max_bytes: int = 200_000_000
    max_ratio: float = 100.0
    ratio_floor: int = 10_000_000
    max_members: int = 10_000
    max_seconds: float = 120.0
    max_problems: int = 1000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """Return the defaults overridden by the ``JUNDENG_MAX_*`` variables of ``env`` (the process's)."""
        env = os.environ if env is None else env
        values: dict[str, float | int] = {}
        for spec in fields(cls):
            raw = env.get(ENV[spec.name], "").strip()
            if not raw:
                continue
            kind = float if spec.type == "float" else int
            try:
                value = kind(raw.replace("_", ""))
            except ValueError:
                value = 0
            if not value > 0:
                raise JundengError(
                    f"环境变量 {ENV[spec.name]} 须为正数，实为 {raw!r}",
                    f"the environment variable {ENV[spec.name]} must be a positive number, not {raw!r}",
                )
            values[spec.name] = value
        return cls(**values)  # type: ignore[arg-type]


def current() -> Limits:
    """Return the limits in force now (defaults and environment)."""
    return Limits.from_env()


def size_problem(name: str, size: int, limits: Limits) -> Problem | None:
    """Return the problem of a file of ``size`` bytes when that is above ``limits.max_bytes``, else None."""
    if size <= limits.max_bytes:
        return None
    return Problem(
        name,
        0,
        0,
        f"文件大小 {size:,} 字节，超过上限 {limits.max_bytes:,} 字节：请拆分后再导入",
        f"the file has {size:,} bytes, above the limit of {limits.max_bytes:,}: split it and import the parts",
    )


class RefusalError(Exception):
    """Raised inside a reader when a file must be refused at once; carries the located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Deadline:
    """The time a reader may spend on one file; :meth:`check` refuses the file once it has passed."""

    def __init__(self, limits: Limits, where: str) -> None:
        self.seconds = limits.max_seconds
        self.where = where
        self.end = time.monotonic() + limits.max_seconds

    def check(self, row: int = 0, column: int = 0) -> None:
        """Raise :class:`RefusalError` (located at ``row``, ``column``) when the time is up."""
        if time.monotonic() > self.end:
            raise RefusalError(
                Problem(
                    self.where,
                    row,
                    column,
                    f"读取超时：超过 {self.seconds:g} 秒（文件过大？请拆分后再导入）",
                    f"reading took longer than {self.seconds:g} s (file too large? split it and import the parts)",
                )
            )


@dataclass(frozen=True)
class Unlisted(Problem):
    """The closing line of a capped list of problems: ``more`` problems were found but not listed."""

    more: int = 0


def total_problems(problems: Iterable[Problem]) -> int:
    """Return how many problems ``problems`` stand for (a closing :class:`Unlisted` line counts its ``more``)."""
    return sum(p.more if isinstance(p, Unlisted) else 1 for p in problems)


class ProblemLog:
    """Keeps the first ``limit`` problems and counts the rest; :meth:`result` closes with one summary line."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = current().max_problems if limit is None else limit
        self.kept: list[Problem] = []
        self.more = 0
        self.more_errors = 0
        self.first_unlisted: Problem | None = None

    @property
    def full(self) -> bool:
        """Return True once ``limit`` problems are kept (further ones are only counted)."""
        return len(self.kept) >= self.limit

    @property
    def room(self) -> int:
        """Return how many more problems will be kept."""
        return max(self.limit - len(self.kept), 0)

    def add(self, problem: Problem) -> None:
        """Keep ``problem``, or count it when the log is full (a closing line of another log counts its own)."""
        if not self.full:
            self.kept.append(problem)
            return
        self.count(problem.more if isinstance(problem, Unlisted) else 1, problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add each of ``problems``."""
        for problem in problems:
            self.add(problem)

    def count(self, n: int, example: Problem) -> None:
        """Count ``n`` further problems like ``example`` that were found but not built one by one."""
        if n > 0:
            self.more += n
            self.more_errors += n if example.severity == "error" else 0
            self.first_unlisted = self.first_unlisted or example

    def result(self) -> list[Problem]:
        """Return the kept problems, then (if any were left out) one line saying how many."""
        if not self.more or self.first_unlisted is None:
            return list(self.kept)
        listed = len(self.kept)
        summary = Unlisted(
            self.first_unlisted.file,
            0,
            0,
            f"另有 {self.more} 处问题未列出（只列出前 {listed} 处）",
            f"{self.more} more problems not listed (only the first {listed} are shown)",
            "error" if self.more_errors else "warning",
            more=self.more,
        )
        return [*self.kept, summary]


def cap_problems(problems: Iterable[Problem], limit: int | None = None) -> list[Problem]:
    """Return the first ``limit`` of ``problems`` and one summary line for the rest (see :class:`ProblemLog`)."""
    log = ProblemLog(limit)
    log.extend(problems)
    return log.result()
