"""Located, bilingual errors: every bad input is reported as ``file:row:column: 中文 / English``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


class JundengError(ValueError):
    """Any refusal Jundeng explains to its user, in Chinese and English (``中文 / English``).

    The one error type of the package: engines, services and validators raise it (or a subclass that
    says which HTTP status fits); the web app has one handler that turns it into
    ``{"error": {"status", "zh", "en"}}`` and the command line one wrapper that prints it and exits 1.
    It is a ``ValueError`` so that pydantic validators may raise it too.
    """

    status = 422
    headers: dict[str, str] | None = None  # HTTP headers the web answer carries (``Retry-After`` on a 429)

    def __init__(self, zh: str, en: str, *, location: str | None = None) -> None:
        self.zh, self.en, self.location = zh, en, location
        prefix = f"{location}: " if location else ""
        super().__init__(f"{prefix}{zh} / {en}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with every attribute (a refusal raised in a worker process reaches the server intact)."""
        return (_rebuild, (type(self), dict(self.__dict__), self.args))


def _rebuild(cls: type[JundengError], state: dict[str, Any], args: tuple[Any, ...]) -> JundengError:
    """Return the refusal :meth:`JundengError.__reduce__` took apart."""
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = args
    return error


class NotFoundError(JundengError):
    """Something asked for does not exist (or is out of the caller's scope, which reads the same)."""

    status = 404


class ConflictError(JundengError):
    """The request clashes with the current state (already reviewed, already exists)."""

    status = 409


class ScopeError(JundengError):
    """The request must say which programme (subtree) it is about: the database holds several."""


class UnauthorizedError(JundengError):
    """The caller could not be identified (wrong user name or password)."""

    status = 401


class TooManyRequestsError(JundengError):
    """Refused for a while after too many attempts; ``retry_after`` seconds until the next may succeed."""

    status = 429

    def __init__(self, zh: str, en: str, *, retry_after: int) -> None:
        super().__init__(zh, en)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class UnavailableError(TooManyRequestsError):
    """The server is too busy to answer now (every database connection in use); try again after ``retry_after``."""

    status = 503


class ForbiddenError(JundengError):
    """The caller's role or scope does not allow the request."""

    status = 403


class InputError(JundengError):
    """Raised when an input is rejected; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        ValueError.__init__(self, "\n".join(str(p) for p in problems))
        self.zh = f"输入有 {len(problems)} 处问题" + (f"：{first.zh}" if first else "")
        self.en = f"{len(problems)} problem(s) in the input" + (f": {first.en}" if first else "")
        self.location = f"{first.file}:{first.row}:{first.column}" if first else None
