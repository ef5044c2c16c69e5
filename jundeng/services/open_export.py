"""The open site's downloads (CSV, XLSX, JSON of one published indicator; the JSON index) and its export as
static files that open from disk with no server and no internet (``jundeng publish --out DIR``).

The pages themselves are the web's (:mod:`jundeng.web.pages_open` renders them); the export takes them from a
:class:`Renderer` so that the site on disk is the one the server shows, with relative links.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from jundeng.io import sanitize
from jundeng.services import open_data
from jundeng.services.open_data import PROGRESS, OpenIndicator, OpenSite
from jundeng.store.db import Database

__all__ = ["COLUMNS", "Renderer", "export", "index_json", "indicator_json", "to_csv", "to_json", "to_xlsx"]

COLUMNS = [
    ("region", "区划代码", "region code"),
    ("name", "区划", "region"),
    ("year", "年份", "year"),
    ("value", "数值", "value"),
    ("unit", "计量单位", "unit"),
    ("derived", "汇总推算", "derived"),
]
LANGUAGES = ("zh", "en")


class Renderer(Protocol):
    """Renders the open pages for the static export (``root``: the relative path back to the site's top)."""

    def home(self, site: OpenSite, *, lang: str, root: str) -> str:
        """Return the home page's HTML."""
        ...

    def indicator(self, found: OpenIndicator, *, lang: str, root: str) -> str:
        """Return an indicator page's HTML."""
        ...

    def assets(self) -> Sequence[tuple[Path, str]]:
        """Return the static files the pages need: (file, its path in the site)."""
        ...


def _records(found: OpenIndicator) -> list[list[Any]]:
    return [[r["region"], r["name"], r["year"], r["value"], found.unit, r["derived"]] for r in found.series]


def _header() -> list[str]:
    return [f"{zh} {en}" for _, zh, en in COLUMNS]


def to_csv(found: OpenIndicator) -> bytes:
    """Return the indicator's series as CSV (UTF-8 with a BOM so that Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header())
    writer.writerows([sanitize.cell(v) for v in row] for row in _records(found))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(found: OpenIndicator) -> bytes:
    """Return the indicator's series as an XLSX workbook (one sheet)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=found.code[:31])
    sheet.append(_header())
    for row in _records(found):
        sheet.append([sanitize.cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def indicator_json(found: OpenIndicator) -> dict[str, Any]:
    """Return the indicator as the open API's JSON document (the progress status with its labels)."""
    doc = dataclasses.asdict(found)
    doc["status_label"] = _label(found.status)
    return doc


def _label(key: str) -> dict[str, str]:
    found = next(p for p in PROGRESS.values() if p.key == key)
    return {"zh": found.zh, "en": found.en}


def index_json(site: OpenSite) -> dict[str, Any]:
    """Return the open API's index: the published indicators with their status and latest value, and the date."""
    return {
        "programme": site.programme,
        "programme_name": site.programme_name,
        "data_date": site.data_date,
        "synthetic": site.synthetic,
        "statuses": [{"key": p.key, "zh": p.zh, "en": p.en} for p in PROGRESS.values()],
        "indicators": [
            dataclasses.asdict(s) | {"domain_name": d.name, "domain_name_en": d.name_en}
            for d in site.domains
            for s in d.indicators
        ],
    }


def to_json(doc: dict[str, Any]) -> bytes:
    """Return a document as UTF-8 JSON (no NaN)."""
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=1).encode("utf-8")


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def export(db: Database, out: Path, *, renderer: Renderer, under: str | None = None) -> list[Path]:
    """Write the open site into ``out`` as static files with relative links (Chinese at the top, English under
    ``en/``): pages, downloads, the JSON API, the boundaries as a script and the assets; return the files."""
    site = open_data.site(db, under=under)
    found = [open_data.indicator(db, s.code, under=under) for d in site.domains for s in d.indicators]
    written: list[Path] = []
    for lang in LANGUAGES:
        top = out if lang == "zh" else out / "en"
        root = "" if lang == "zh" else "../"
        written.append(_write(top / "index.html", renderer.home(site, lang=lang, root=root)))
        for ind in found:
            html = renderer.indicator(ind, lang=lang, root=root + "../")
            written.append(_write(top / "indicators" / f"{ind.code}.html", html))
    for ind in found:
        folder = out / "indicators"
        written.append(_write(folder / f"{ind.code}.csv", to_csv(ind)))
        written.append(_write(folder / f"{ind.code}.xlsx", to_xlsx(ind)))
        written.append(_write(folder / f"{ind.code}.json", to_json(indicator_json(ind))))
        written.append(_write(out / "api" / "indicators" / f"{ind.code}.json", to_json(indicator_json(ind))))
    written.append(_write(out / "api" / "indicators.json", to_json(index_json(site))))
    if site.programme is not None and any(i.boundaries for i in found):
        geo = json.dumps(open_data.boundaries(db, city=site.programme), ensure_ascii=False, allow_nan=False)
        # a script, not a JSON file: a page opened from disk may not fetch() another file
        written.append(_write(out / "geo" / f"districts-{site.programme}.js", f"window.JUNDENG_GEO = {geo};\n"))
    for source, target in renderer.assets():
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        written.append(Path(shutil.copyfile(source, out / target)))
    return written
