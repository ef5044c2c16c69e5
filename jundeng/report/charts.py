"""Charts and maps of a report as PNG bytes (DOCX) and SVG text (HTML, PDF), drawn with matplotlib.

matplotlib is the one plotting library that draws both raster and vector output offline, with full control of
fonts (CJK), without a browser or a JavaScript runtime; it is used through ``matplotlib.figure.Figure`` and
the Agg/SVG canvases only (no ``matplotlib.use``), so no pyplot global state is touched and rendering is safe
in threads. Maps are drawn from the programme's own GeoJSON with ``PolyCollection`` (no GIS stack, no tile server)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.text import Text

from jundeng.report.document import Chart, Map

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "SimHei")
NOTO_DIR = "/usr/share/fonts/opentype/noto"
PALETTE = ("#1f5fa8", "#d9822b", "#3a9a5b", "#b23b3b", "#7a5aa6", "#5b7083")
NO_DATA = "#d0d0d0"


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Return the name of an installed CJK font family matplotlib can use, or None when there is none."""
    for path in sorted(Path(NOTO_DIR).glob("*CJK*")):
        try:
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - a broken font file
            continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _font_family() -> list[str]:
    """Return the font family list for text in a figure: the CJK font first, then matplotlib's default."""
    found = cjk_font()
    return [found, "DejaVu Sans"] if found else ["DejaVu Sans"]


def _figure(width: float = 7.0, height: float = 4.0) -> Figure:
    """Return a new figure (no pyplot) whose text uses the CJK font."""
    fig = Figure(figsize=(width, height), dpi=150)
    fig.set_layout_engine("constrained")
    return fig


def _styled(fig: Figure) -> None:
    """Set every text of a finished figure to the CJK font family."""
    family = _font_family()
    for text in fig.findobj(match=Text):
        if isinstance(text, Text):
            text.set_fontfamily(family)


def draw_chart(chart: Chart) -> Figure:
    """Draw a line, bar or horizontal bar chart into a new figure."""
    fig = _figure()
    ax = fig.add_subplot()
    cats = list(chart.categories)
    positions = list(range(len(cats)))
    count = max(len(chart.series), 1)
    width = 0.8 / count
    for i, series in enumerate(chart.series):
        colour = PALETTE[i % len(PALETTE)]
        values = [float("nan") if v is None else float(v) for v in series.values]
        style = "--" if series.dashed else "-"
        if chart.kind == "line":
            ax.plot(positions, values, style, marker="o", color=colour, label=series.name, linewidth=1.8)
        else:
            offset = [p - 0.4 + width * (i + 0.5) for p in positions]
            bar = ax.barh if chart.kind == "barh" else ax.bar
            hatch = "//" if series.dashed else None
            bar(offset, values, width, color=colour, label=series.name, hatch=hatch)
    if chart.kind == "barh":
        ax.set_yticks(positions, cats)
        ax.invert_yaxis()
        ax.set_xlabel(chart.unit)
        ax.grid(axis="x", alpha=0.3)
    else:
        ax.set_xticks(positions, cats)
        ax.set_ylabel(chart.unit)
        ax.grid(axis="y", alpha=0.3)
        if len(cats) > 8:
            ax.tick_params(axis="x", labelrotation=45)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(chart.title)
    if len(chart.series) > 1 or any(s.dashed for s in chart.series):
        ax.legend(frameon=False)
    _styled(fig)
    return fig


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Return the outer rings of a GeoJSON Polygon or MultiPolygon (holes are not drawn)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons if polygon]


def _area(ring: list[tuple[float, float]]) -> float:
    """Return the absolute area of a ring (shoelace formula)."""
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def draw_map(chart: Map) -> Figure:
    """Draw a choropleth: regions coloured by value (grey for no data), a colour bar and region names."""
    fig = _figure(6.0, 4.5)
    ax = fig.add_subplot()
    known = [v for v in chart.values.values() if v is not None]
    low, high = min(known, default=0.0), max(known, default=1.0)
    norm = Normalize(low - 1, high + 1) if low == high else Normalize(low, high)
    cmap = matplotlib.colormaps["YlOrRd"]
    polys: list[list[tuple[float, float]]] = []
    colours: list[Any] = []
    labels: list[tuple[float, float, str]] = []
    for feature in chart.features:
        name = str((feature.get("properties") or {}).get("name", ""))
        rings = _rings(feature.get("geometry") or {})
        if not rings:
            continue
        value = chart.values.get(name)
        colour = NO_DATA if value is None else cmap(norm(value))
        polys.extend(rings)
        colours.extend([colour] * len(rings))
        largest = max(rings, key=_area)
        points = largest[:-1] if len(largest) > 1 and largest[0] == largest[-1] else largest
        cx = sum(p[0] for p in points) / len(points)
        cy = sum(p[1] for p in points) / len(points)
        labels.append((cx, cy, name))
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.8))
    for cx, cy, name in labels:
        ax.annotate(name, (cx, cy), ha="center", va="center", fontsize=8, color="#222222")
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(chart.title)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7)
    bar.set_label(chart.unit)
    _styled(fig)
    return fig


def _figure_for(item: Chart | Map) -> Figure:
    """Return the figure of a chart or a map."""
    return draw_map(item) if isinstance(item, Map) else draw_chart(item)


def to_png(item: Chart | Map, dpi: int = 150) -> bytes:
    """Return a chart or map as PNG bytes."""
    fig = _figure_for(item)
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def to_svg(item: Chart | Map) -> str:
    """Return a chart or map as SVG text (no XML declaration, ready to inline in HTML)."""
    fig = _figure_for(item)
    buffer = io.StringIO()
    FigureCanvasSVG(fig)
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]
