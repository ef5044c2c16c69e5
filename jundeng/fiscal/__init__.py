"""Fiscal equalization (pure): standard need, fiscal gap, transfers from a pool, and the growth check.

See :mod:`jundeng.fiscal.needs` (need and gap), :mod:`jundeng.fiscal.transfers` (allocation, floors and caps,
inequality before and after) and :mod:`jundeng.fiscal.growth` (spending vs recurrent-revenue growth).
"""

from jundeng.fiscal.growth import growth_check, growth_summary
from jundeng.fiscal.needs import (
    Districts,
    FiscalError,
    districts_from_frame,
    fiscal_gap,
    needs_table,
    standard_need,
    unit_cost_vector,
)
from jundeng.fiscal.transfers import (
    Allocation,
    Allocator,
    TransferModel,
    TransferResult,
    allocate,
    inequality,
    transfer_model,
)

__all__ = [
    "Allocation",
    "Allocator",
    "Districts",
    "FiscalError",
    "TransferModel",
    "TransferResult",
    "allocate",
    "districts_from_frame",
    "fiscal_gap",
    "growth_check",
    "growth_summary",
    "inequality",
    "needs_table",
    "standard_need",
    "transfer_model",
    "unit_cost_vector",
]
