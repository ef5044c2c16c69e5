"""The CLI's shared plumbing: its status option mirrors the domain's statuses; head revision without Alembic."""

from __future__ import annotations

from jundeng.cli.common import Status
from jundeng.domain.observations import ObservationStatus


def test_the_status_option_offers_exactly_the_domain_statuses() -> None:
    assert [s.value for s in Status] == [s.value for s in ObservationStatus]
