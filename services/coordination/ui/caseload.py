"""The caseload (ärendelista) a viewer sees: the cases that concern their agency.

Read from the coordination read models only (case_index, alert_index), never from the
event store, so the list stays cheap however many events are stored.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import msgspec

from domain.agencies import Agency
from services.coordination.application import CoordinationApplication
from services.coordination.early_warning import get_early_warnings
from services.coordination.queries import (
    count_cases,
    get_caseload_marker,
    get_cases,
    get_kommuner,
    get_open_rules,
)
from services.coordination.ui.viewer import Viewer

PAGE = 100


class CaseloadFilter(msgspec.Struct, frozen=True, kw_only=True):
    kommun: str = ""
    rule: str = ""
    agency: str = ""
    offset: int = 0

    @property
    def active(self) -> bool:
        return bool(self.kommun or self.rule or self.agency)

    def query(self, offset: int) -> str:
        """The caseload URL's query for another page, keeping the filters."""
        fields = {"kommun": self.kommun, "rule": self.rule, "agency": self.agency}
        kept = {name: value for name, value in fields.items() if value}
        return urlencode({**kept, **({"offset": offset} if offset else {})})


class CaseRow(msgspec.Struct, frozen=True, kw_only=True):
    person_ref: str
    kommun: str | None
    agencies: list[str]
    active_agencies: list[str]
    lead: str | None
    open_alerts: int
    rules: list[str]
    early_warnings: int
    facts: int
    exited: str | None
    last_effective_at: str | None


class CaseloadPage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of the caseload: its rows, where it starts and how many there are."""

    rows: list[CaseRow]
    total: int
    offset: int
    limit: int

    @property
    def first(self) -> int:
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.rows)

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def _split(text: str | None) -> list[str]:
    """Agencies in their fixed order (kommun, AF, FK, region), as the lanes are."""
    present = {part for part in (text or "").split(",") if part}
    return [str(agency) for agency in Agency if agency in present]


def caseload(
    app: CoordinationApplication, viewer: Viewer, where: CaseloadFilter, limit: int = PAGE,
    *, now: datetime | None = None,
) -> CaseloadPage:
    """One page of the cases that concern ``viewer`` and pass ``where``: open alerts
    first, then the latest (queries.CONCERNS says which cases concern an agency; the
    API's ``GET /cases`` asks the same query)."""
    filters: dict[str, Any] = {
        "concerning": None if viewer.agency is None else str(viewer.agency),
        "kommun": where.kommun or None,
        "involved": where.agency or None,
        "rule": where.rule or None,
    }
    rows = get_cases(app, **filters, offset=where.offset, limit=limit)
    case_ids = [row["case_id"] for row in rows]
    rules = get_open_rules(app, case_ids)
    early = Counter(
        row["case_id"]
        for row in get_early_warnings(app, now or datetime.now(UTC), case_ids=case_ids)
    )
    return CaseloadPage(
        rows=[
            CaseRow(
                person_ref=row["person_ref"],
                kommun=row["kommun"],
                agencies=_split(row["agencies"]),
                active_agencies=_split(row["active_agencies"]),
                lead=row["lead"],
                open_alerts=row["open_alerts"] or 0,
                rules=rules.get(row["case_id"], []),
                early_warnings=early[row["case_id"]],
                facts=row["facts"] or 0,
                exited=row["exited"],
                last_effective_at=row["last_effective_at"],
            )
            for row in rows
        ],
        total=count_cases(app, **filters),
        offset=where.offset,
        limit=limit,
    )


def kommuner(app: CoordinationApplication) -> list[str]:
    """The kommuner that have cases, for the filter's choices."""
    return get_kommuner(app)


def caseload_marker(app: CoordinationApplication) -> str:
    """Changes whenever any case row changes: the live stream compares it."""
    return get_caseload_marker(app)
