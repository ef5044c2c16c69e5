"""Long lists in pages: ``?page=N`` (50 rows a page), the page links and the count, and ``?q=`` search.

A download (``?format=csv|xlsx``) gives every row that matches the search and filters, not just one page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request

from jundeng.web.pages_base import url_with

PAGE_SIZE = 50
WINDOW = 3  # page links shown on each side of the current page (the first and last are always shown)
T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    """Where a page sits in a list: its number, the page size, how many rows match, and the page links."""

    number: int
    size: int
    total: int
    links: list[tuple[int | None, str | None]]  # (page, url); (None, None) stands for a gap "…"
    previous: str | None
    next: str | None

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """Return the position (from 1) of the page's first row, 0 when the list is empty."""
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        """Return the position of the page's last row."""
        return min(self.total, self.number * self.size)


def page_number(request: Request) -> int:
    """Return the page asked for with ``?page=`` (1 when absent or not a positive whole number)."""
    text = request.query_params.get("page", "")
    return int(text) if text.isdigit() and int(text) > 0 else 1


def pager(request: Request, total: int, size: int = PAGE_SIZE) -> Pager:
    """Return the pager of a list of ``total`` rows for the page asked for (clamped to the last page)."""
    pages = max(1, -(-total // size))
    number = min(page_number(request), pages)
    shown = sorted({1, pages, *range(max(1, number - WINDOW), min(pages, number + WINDOW) + 1)})
    links: list[tuple[int | None, str | None]] = []
    for n in shown:
        if links and links[-1][0] is not None and n - (links[-1][0] or 0) > 1:
            links.append((None, None))
        links.append((n, url_with(request, page=str(n))))
    previous = url_with(request, page=str(number - 1)) if number > 1 else None
    following = url_with(request, page=str(number + 1)) if number < pages else None
    return Pager(number, size, total, links, previous, following)


def paginate(request: Request, rows: Sequence[T], size: int = PAGE_SIZE) -> tuple[list[T], Pager]:
    """Return the rows of the page asked for and its pager (every row for a download)."""
    found = pager(request, len(rows), size)
    if request.query_params.get("format"):
        return list(rows), found
    return list(rows[(found.number - 1) * size : found.number * size]), found


def search(rows: Iterable[Mapping[str, Any]], query: str | None, keys: Sequence[str]) -> list[Mapping[str, Any]]:
    """Return the rows in which some of ``keys`` contains ``query`` (case-insensitive; all rows when empty)."""
    needle = (query or "").strip().casefold()
    if not needle:
        return list(rows)
    return [r for r in rows if any(needle in _text(r.get(k)).casefold() for k in keys)]


def _text(value: Any) -> str:
    """Return a cell as searchable text (a list joined)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)
