"""Export observations, targets, regions and the catalogue to CSV, XLSX, Parquet (and YAML for the catalogue).

An observations export is exactly the import format, so it re-imports unchanged; ``with_meta`` adds
status, source, revision, author and time columns for analysis.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

import polars as pl
import yaml
from sqlalchemy.orm import Session

from jundeng.domain.observations import parse_disaggregation_key
from jundeng.errors import JundengError
from jundeng.io import sanitize
from jundeng.store import catalog_repo, observations_repo, regions_repo

FORMATS = ("csv", "xlsx", "parquet")
META = ["id", "status", "source", "revision", "created_by", "created_at"]


def observations_frame(
    session: Session,
    *,
    with_meta: bool = False,
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    history: bool = False,
) -> pl.DataFrame:
    """Return observations in import layout (one column per disaggregation dimension used)."""
    frame = observations_repo.observations(
        session, indicators=indicators, periods=periods, statuses=statuses, history=history
    )
    keys = frame["disaggregation"].unique().to_list()
    parsed = {k: parse_disaggregation_key(k) for k in keys}
    dims = sorted({d for values in parsed.values() for d in values})
    frame = frame.with_columns(
        pl.col("disaggregation").replace_strict({k: v.get(d, "") for k, v in parsed.items()}).alias(d) for d in dims
    )
    columns = ["indicator", "region", "period", "value", "numerator", "denominator", "note", *dims]
    return frame.select(*columns, *(META if with_meta else []))


def targets_frame(session: Session) -> pl.DataFrame:
    """Return the stored targets as a table."""
    rows = [
        t.model_dump(mode="json", exclude={"source"})
        | {
            "source_document": t.source.document if t.source else None,
            "source_clause": t.source.clause if t.source else None,
        }
        for t in catalog_repo.targets(session)
    ]
    return pl.DataFrame(rows, infer_schema_length=None)


def regions_frame(session: Session) -> pl.DataFrame:
    """Return the stored regions as a table."""
    return pl.DataFrame([r.model_dump(mode="json") for r in regions_repo.regions(session)], infer_schema_length=None)


def catalog_frames(session: Session) -> dict[str, pl.DataFrame]:
    """Return the catalogue as one table per kind (domains, items, indicators, targets, units)."""
    catalog = catalog_repo.read_catalog(session)

    def flat(model: object) -> dict[str, object]:
        data: dict[str, object] = model.model_dump(mode="json")  # type: ignore[attr-defined]
        for key, value in list(data.items()):
            if isinstance(value, list):
                data[key] = ",".join(str(v) for v in value)
            elif isinstance(value, dict):
                data[key] = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
        return data

    frames = {
        "domains": [flat(d) for d in catalog.domains],
        "items": [flat(i) for i in catalog.items],
        "indicators": [flat(i) for i in catalog.indicators],
        "units": [flat(u) for u in catalog.units],
    }
    result = {name: pl.DataFrame(rows, infer_schema_length=None) for name, rows in frames.items()}
    result["targets"] = targets_frame(session)
    return result


def catalog_yaml(session: Session, *, regions: Collection[str] | None = None) -> str:
    """Return the stored catalogue as YAML in the catalogue file format (re-loadable); with ``regions``, only
    the targets and units of those regions (and the units of none)."""
    catalog = catalog_repo.read_catalog(session)
    if regions is not None:
        targets = [t for t in catalog.targets if t.region in regions]
        units = [u for u in catalog.units if u.region is None or u.region in regions]
        catalog = catalog.model_copy(update={"targets": targets, "units": units})
    data = catalog.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def write_frames(frames: dict[str, pl.DataFrame], fmt: str, out: str | Path) -> list[Path]:
    """Write tables as CSV/Parquet (one file, or one per table in directory ``out``) or XLSX sheets.

    CSV and XLSX cells go through :mod:`jundeng.io.sanitize` (no text runs as a formula); Parquet is data, kept exact.
    """
    out = Path(out)
    if fmt not in FORMATS:
        raise JundengError(f"不支持的格式 {fmt!r}", f"unsupported format {fmt!r}: use {', '.join(FORMATS)}")
    if fmt in ("csv", "xlsx"):
        frames = {name: sanitize.polars_frame(frame) for name, frame in frames.items()}
    if fmt == "xlsx":
        _write_xlsx(frames, out)
        return [out]
    if len(frames) == 1:
        targets = {name: out for name in frames}
    else:
        out.mkdir(parents=True, exist_ok=True)
        targets = {name: out / f"{name}.{fmt}" for name in frames}
    for name, frame in frames.items():
        targets[name].parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            frame.write_csv(targets[name])
        else:
            frame.write_parquet(targets[name])
    return list(targets.values())


def _write_xlsx(frames: dict[str, pl.DataFrame], out: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in frames.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append([_xlsx_cell(v) for v in row])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)


def _xlsx_cell(value: object) -> object:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # type: ignore[attr-defined]
    return sanitize.cell(value)
