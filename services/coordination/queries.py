"""Every read of the coordination read models, one function per question (cosmicpython's views).

HTTP and UI handlers ask here and map the rows to their own structs; no SQL lives in a
handler. Rows are dicts of the read-model columns (``read_model.TABLES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.store.read_models import ReadModelRecorder
from services.coordination.application import CoordinationApplication
from services.coordination.instants import instant

Row = dict[str, Any]


def read_models(app: CoordinationApplication) -> ReadModelRecorder:
    """The coordination store's recorder, typed as what it is: read models beside events."""
    recorder = app.process_recorder
    if not isinstance(recorder, ReadModelRecorder):  # pragma: no cover - recorders.py
        raise TypeError(f"{type(recorder).__name__} keeps no read models")
    return recorder


CASE_ORDER = "ORDER BY open_alerts DESC, last_effective_at DESC, person_ref"
"""Cases with open alerts first, then the latest news."""


def _by_kommun_and_agency(
    kommun: str | None, agency: str | None
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses (and their parameters) both case and alert lists filter by."""
    where, params = ["1 = 1"], []
    if kommun:
        where.append("kommun = ?")
        params.append(kommun)
    if agency:
        where.append("agencies LIKE ?")
        params.append(f"%,{agency},%")
    return where, params


def get_alerts_of_case(app: CoordinationApplication, case_id: str) -> list[Row]:
    """A case's alerts, open and resolved, in the order they were raised."""
    return read_models(app).query(
        "SELECT * FROM {alert_index} WHERE case_id = ? ORDER BY raised_at, alert_id",
        [case_id],
    )


def get_cases(
    app: CoordinationApplication, *, kommun: str | None = None, agency: str | None = None,
    with_alerts: bool = False, offset: int = 0, limit: int = 100,
) -> list[Row]:
    """Cases by kommun and involved agency: open alerts first, then the latest news."""
    where, params = _by_kommun_and_agency(kommun, agency)
    if with_alerts:
        where.append("open_alerts > 0")
    return read_models(app).query(
        f"SELECT * FROM {{case_index}} WHERE {' AND '.join(where)} {CASE_ORDER} "
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def get_alerts(
    app: CoordinationApplication, *, agency: str | None = None, kommun: str | None = None,
    rule: str | None = None, raised_before: datetime | None = None,
    include_resolved: bool = False, limit: int = 100,
) -> list[Row]:
    """Alerts by agency, kommun, rule and age, the soonest due first."""
    where, params = _by_kommun_and_agency(kommun, agency)
    if not include_resolved:
        where.append("resolved_at IS NULL")
    if rule:
        where.append("rule = ?")
        params.append(rule)
    if raised_before:
        where.append("raised_at <= ?")
        params.append(instant(raised_before))
    return read_models(app).query(
        f"SELECT * FROM {{alert_index}} WHERE {' AND '.join(where)} ORDER BY due_at LIMIT ?",
        [*params, limit],
    )


def get_caseload(
    app: CoordinationApplication, *, concerning: str | None, kommun_sees_enrolled: bool,
    kommun: str | None = None, agency: str | None = None, rule: str | None = None,
    limit: int = 100,
) -> list[Row]:
    """The UI's caseload: cases that concern an agency (its lanes or its alerts)."""
    clauses, params = _by_kommun_and_agency(kommun, agency)
    if concerning is not None:
        clause = ("(agencies LIKE ? OR case_id IN (SELECT case_id FROM {alert_index} "
                  "WHERE resolved_at IS NULL AND agencies LIKE ?)")
        params += [f"%,{concerning},%", f"%,{concerning},%"]
        if kommun_sees_enrolled:
            clause += " OR kommun IS NOT NULL"
        clauses.append(clause + ")")
    if rule:
        clauses.append("case_id IN (SELECT case_id FROM {alert_index} "
                       "WHERE resolved_at IS NULL AND rule = ?)")
        params.append(rule)
    return read_models(app).query(
        f"SELECT * FROM {{case_index}} WHERE {' AND '.join(clauses)} {CASE_ORDER} LIMIT ?",
        [*params, limit],
    )


def get_open_rules(app: CoordinationApplication, case_ids: Sequence[str]) -> dict[str, list[str]]:
    """The rules of each case's open alerts, the soonest due first."""
    if not case_ids:
        return {}
    marks = ", ".join("?" for _ in case_ids)
    rows = read_models(app).query(
        f"SELECT case_id, rule FROM {{alert_index}} WHERE resolved_at IS NULL "
        f"AND case_id IN ({marks}) ORDER BY due_at",
        list(case_ids),
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["case_id"], []).append(row["rule"])
    return found


def get_kommuner(app: CoordinationApplication) -> list[str]:
    """The kommuner that have cases."""
    rows = read_models(app).query(
        "SELECT DISTINCT kommun FROM {case_index} WHERE kommun IS NOT NULL ORDER BY kommun"
    )
    return [row["kommun"] for row in rows]


def get_caseload_marker(app: CoordinationApplication) -> str:
    """Changes whenever any case row changes."""
    rows = read_models(app).query(
        "SELECT MAX(updated_at) AS latest, COUNT(*) AS cases FROM {case_index}"
    )
    return f"{rows[0]['latest']}|{rows[0]['cases']}" if rows else ""
