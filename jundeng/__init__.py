"""Jundeng (均等): equalization of basic public services — catalogue, data, gaps, appraisal, tasks, reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Jundeng", "__version__", "open"]

if TYPE_CHECKING:
    from jundeng.api import Jundeng, open


def __getattr__(name: str) -> Any:
    """Import the facade lazily so that the command line starts fast."""
    if name in ("Jundeng", "open"):
        from jundeng import api

        return getattr(api, name)
    raise AttributeError(name)
