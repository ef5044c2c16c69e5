"""A stored appraisal run: the method (YAML and version), the data watermark, who ran it and its results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AppraisalRun(BaseModel):
    """One stored appraisal, reproducible from its method and data watermark."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    year: int
    level: str
    method_name: str
    method_version: str
    method_yaml: str
    data_watermark: int
    statuses: list[str] = Field(default_factory=list)
    results: dict[str, Any] = Field(default_factory=dict)
    under: str | None = None  # the subtree ranked (None: the database's only programme)
    created_by: str
    created_at: datetime | None = None
