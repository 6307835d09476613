"""``GET /early-warnings``: the waits past their learned norm, before their deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, Router, get
from litestar.params import FromQuery

from services.coordination.api import own_agency_only
from services.coordination.application import CoordinationApplication
from services.coordination.early_warning import get_early_warnings, warning_view
from services.runtime.clock import Clock

AnyRequest = Request[Any, Any, Any]


class EarlyWarningView(msgspec.Struct, frozen=True, kw_only=True):
    """A softer signal than an alert (tidig signal): ``kind`` ``hand_off`` (``group``
    ``from>to``) or ``next_intervention`` (``group`` the agency whose insats ended) has
    waited longer than the ``percentile`` of ``samples`` finished waits of its group
    (``norm_days``), and the rule's alert falls due at ``due_at``."""

    kind: str
    group: str
    subject: str
    person_ref: str
    kommun: str | None
    agencies: list[str]
    started_at: datetime
    warn_at: datetime
    due_at: datetime
    norm_days: float
    samples: int
    percentile: int


def early_warnings_router(app: CoordinationApplication, clock: Clock) -> Router:
    @get(
        "/early-warnings",
        sync_to_thread=True,
        tags=["alerts"],
        summary="Early warnings: waits past their learned norm, before the deadline",
    )
    def list_early_warnings(
        request: AnyRequest,
        agency: FromQuery[str | None] = None,
    ) -> list[EarlyWarningView]:
        agency = own_agency_only(request, agency)
        rows = get_early_warnings(app, clock(), agency=agency)
        return [msgspec.convert(warning_view(row), EarlyWarningView) for row in rows]

    return Router(path="/", route_handlers=[list_early_warnings])
