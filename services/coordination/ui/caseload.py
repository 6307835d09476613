"""The caseload (ärendelista) a viewer sees: the cases that concern their agency.

Read from the coordination read models only (case_index, alert_index), never from the
event store, so the list stays cheap however many events are stored.
"""

from __future__ import annotations

from typing import Any

import msgspec

from domain.agencies import Agency
from services.coordination.application import CoordinationApplication
from services.coordination.ui.viewer import Viewer

PAGE = 100


class CaseloadFilter(msgspec.Struct, frozen=True, kw_only=True):
    kommun: str = ""
    rule: str = ""
    agency: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kommun or self.rule or self.agency)


class CaseRow(msgspec.Struct, frozen=True, kw_only=True):
    person_ref: str
    kommun: str | None
    agencies: list[str]
    active_agencies: list[str]
    lead: str | None
    open_alerts: int
    rules: list[str]
    facts: int
    exited: str | None
    last_effective_at: str | None


def _split(text: str | None) -> list[str]:
    """Agencies in their fixed order (kommun, AF, FK, region), as the lanes are."""
    present = {part for part in (text or "").split(",") if part}
    return [str(agency) for agency in Agency if agency in present]


def _concerns(agency: Agency) -> tuple[str, list[Any]]:
    """A case concerns an agency that has a lane in it or is named by an open alert.

    The kommun also holds every case its AME enrolled (inskrivning creates no lane of
    its own), which the case_index records as the case's kommun.
    """
    clause = (
        "(agencies LIKE ? OR case_id IN (SELECT case_id FROM {alert_index} "
        "WHERE resolved_at IS NULL AND agencies LIKE ?)"
    )
    params: list[Any] = [f"%,{agency},%", f"%,{agency},%"]
    if agency is Agency.KOMMUN:
        clause += " OR kommun IS NOT NULL"
    return clause + ")", params


def caseload(
    app: CoordinationApplication, viewer: Viewer, where: CaseloadFilter, limit: int = PAGE
) -> list[CaseRow]:
    """Cases for ``viewer`` that pass ``where``: open alerts first, then the latest."""
    clauses, params = ["1 = 1"], []
    if viewer.agency is not None:
        clause, more = _concerns(viewer.agency)
        clauses.append(clause)
        params += more
    if where.kommun:
        clauses.append("kommun = ?")
        params.append(where.kommun)
    if where.agency:
        clauses.append("agencies LIKE ?")
        params.append(f"%,{where.agency},%")
    if where.rule:
        clauses.append("case_id IN (SELECT case_id FROM {alert_index} "
                       "WHERE resolved_at IS NULL AND rule = ?)")
        params.append(where.rule)
    rows = app.process_recorder.query(  # type: ignore[attr-defined]
        f"SELECT * FROM {{case_index}} WHERE {' AND '.join(clauses)} "
        "ORDER BY open_alerts DESC, last_effective_at DESC, person_ref LIMIT ?",
        [*params, limit],
    )
    rules = _open_rules(app, [row["case_id"] for row in rows])
    return [
        CaseRow(
            person_ref=row["person_ref"], kommun=row["kommun"],
            agencies=_split(row["agencies"]), active_agencies=_split(row["active_agencies"]),
            lead=row["lead"], open_alerts=row["open_alerts"] or 0,
            rules=rules.get(row["case_id"], []), facts=row["facts"] or 0,
            exited=row["exited"], last_effective_at=row["last_effective_at"],
        )
        for row in rows
    ]


def _open_rules(app: CoordinationApplication, case_ids: list[str]) -> dict[str, list[str]]:
    if not case_ids:
        return {}
    marks = ", ".join("?" for _ in case_ids)
    rows = app.process_recorder.query(  # type: ignore[attr-defined]
        f"SELECT case_id, rule FROM {{alert_index}} WHERE resolved_at IS NULL "
        f"AND case_id IN ({marks}) ORDER BY due_at",
        case_ids,
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["case_id"], []).append(row["rule"])
    return found


def kommuner(app: CoordinationApplication) -> list[str]:
    """The kommuner that have cases, for the filter's choices."""
    rows = app.process_recorder.query(  # type: ignore[attr-defined]
        "SELECT DISTINCT kommun FROM {case_index} WHERE kommun IS NOT NULL ORDER BY kommun"
    )
    return [row["kommun"] for row in rows]


def caseload_marker(app: CoordinationApplication) -> str:
    """Changes whenever any case row changes: the live stream compares it."""
    rows = app.process_recorder.query(  # type: ignore[attr-defined]
        "SELECT MAX(updated_at) AS latest, COUNT(*) AS cases FROM {case_index}"
    )
    return f"{rows[0]['latest']}|{rows[0]['cases']}" if rows else ""
