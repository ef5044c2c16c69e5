"""The document model every report is assembled into and every renderer reads: a title page, sections with
headings, paragraphs, tables and figures. Plain frozen dataclasses, no I/O: the assembly (``annual``,
``bulletin``, ``scorecard``) decides what is said, the renderers (``render_*``) only how it looks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FORMATS = ("docx", "pdf", "html", "xlsx")
ColumnKind = Literal["text", "int", "year", "num", "index", "pct", "pp"]  # index: 3 decimals; pct: a share as %


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of generated text; ``numbers`` are the figures it states, as computed (for the tests that
    check every number in the text against the tables)."""

    text: str
    numbers: tuple[float, ...] = ()
    style: Literal["body", "note", "lead"] = "body"


@dataclass(frozen=True)
class Column:
    """A table column: the row key, its header (with the unit, if any) and how its values are written."""

    key: str
    label: str
    kind: ColumnKind = "text"
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A real table: a title, columns and rows (dicts keyed by column key; None is written as "—")."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    note: str = ""
    sheet: str = ""  # the XLSX sheet name (short, Chinese in a Chinese report); the title when empty


@dataclass(frozen=True)
class Series:
    """One line or bar series of a chart: a name and one value per category (None where missing)."""

    name: str
    values: tuple[float | None, ...]
    dashed: bool = False  # e.g. a target line


@dataclass(frozen=True)
class Chart:
    """A line or bar chart over ``categories`` (years, regions); ``unit`` labels the value axis."""

    title: str
    kind: Literal["line", "bar", "barh"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Map:
    """A choropleth of the programme's own boundaries: GeoJSON features (each with ``properties.name``) and a
    value per region name (None: no data, drawn grey)."""

    title: str
    features: tuple[dict[str, Any], ...]
    values: dict[str, float | None]
    unit: str = ""
    caption: str = ""


Block = Paragraph | Table | Chart | Map


@dataclass(frozen=True)
class Section:
    """A section: a heading (level 1 or 2) and its blocks; sub-sections follow the blocks."""

    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    level: int = 1


@dataclass(frozen=True)
class Document:
    """A whole report: the title page (title, subtitle, issuer, date, notes such as "synthetic data") and the
    sections in order; ``lang`` is ``zh`` or ``en``."""

    title: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    issuer: str = ""
    date: str = ""
    lang: str = "zh"
    notes: tuple[str, ...] = ()  # on the title page: synthetic data, data pending, derived values
    compact: bool = False  # a page or two (a scorecard): the title heads page 1, no title page or contents list
    meta: dict[str, Any] = field(default_factory=dict)  # kind, year/period, programme (for file names, tests)

    def blocks(self) -> list[Block]:
        """Return every block of the document in reading order."""
        found: list[Block] = []

        def walk(section: Section) -> None:
            found.extend(section.blocks)
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return found

    def tables(self) -> list[Table]:
        """Return every table in reading order."""
        return [b for b in self.blocks() if isinstance(b, Table)]

    def paragraphs(self) -> list[Paragraph]:
        """Return every paragraph in reading order."""
        return [b for b in self.blocks() if isinstance(b, Paragraph)]
