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


def _like(agency: str) -> str:
    # Agency lists are stored with surrounding commas (read_model._agency_list).
    return f"%,{agency},%"


CONCERNS = (
    "(agencies LIKE ? OR case_id IN (SELECT case_id FROM {alert_index} "
    "WHERE resolved_at IS NULL AND agencies LIKE ?))"
)
"""A case concerns an agency involved in it (a lane; the kommun's enrolment opens one)
or named by one of its open alerts. The caseload lists these cases and the alert list
these cases' alerts, so a case's ``open_alerts`` are the alerts the agency is shown."""


def _case_clauses(
    *, concerning: str | None, kommun: str | None, involved: str | None,
    rule: str | None, with_alerts: bool,
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses (and parameters) of the cases both lists read."""
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if concerning:
        where.append(CONCERNS)
        params += [_like(concerning), _like(concerning)]
    if kommun:
        where.append("kommun = ?")
        params.append(kommun)
    if involved:
        where.append("agencies LIKE ?")
        params.append(_like(involved))
    if rule:
        where.append("case_id IN (SELECT case_id FROM {alert_index} "
                     "WHERE resolved_at IS NULL AND rule = ?)")
        params.append(rule)
    if with_alerts:
        where.append("open_alerts > 0")
    return where, params


def get_alerts_of_case(app: CoordinationApplication, case_id: str) -> list[Row]:
    """A case's alerts, open and resolved, in the order they were raised."""
    return read_models(app).query(
        "SELECT * FROM {alert_index} WHERE case_id = ? ORDER BY raised_at, alert_id",
        [case_id],
    )


def get_cases(
    app: CoordinationApplication, *, concerning: str | None = None, kommun: str | None = None,
    involved: str | None = None, rule: str | None = None, with_alerts: bool = False,
    offset: int = 0, limit: int = 100,
) -> list[Row]:
    """Cases that concern an agency (``CONCERNS``), by kommun, involved agency and open
    alert rule: open alerts first, then the latest news. Serves the API and the UI."""
    where, params = _case_clauses(concerning=concerning, kommun=kommun, involved=involved,
                                  rule=rule, with_alerts=with_alerts)
    return read_models(app).query(
        f"SELECT * FROM {{case_index}} WHERE {' AND '.join(where)} {CASE_ORDER} "
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def count_cases(
    app: CoordinationApplication, *, concerning: str | None = None, kommun: str | None = None,
    involved: str | None = None, rule: str | None = None, with_alerts: bool = False,
) -> int:
    """How many cases ``get_cases`` pages through with the same filters."""
    where, params = _case_clauses(concerning=concerning, kommun=kommun, involved=involved,
                                  rule=rule, with_alerts=with_alerts)
    rows = read_models(app).query(
        f"SELECT COUNT(*) AS cases FROM {{case_index}} WHERE {' AND '.join(where)}", params
    )
    return int(rows[0]["cases"]) if rows else 0


def get_alerts(
    app: CoordinationApplication, *, concerning: str | None = None, kommun: str | None = None,
    rule: str | None = None, raised_before: datetime | None = None,
    include_resolved: bool = False, limit: int = 100,
) -> list[Row]:
    """Alerts of the cases that concern an agency (``CONCERNS``), by kommun, rule and
    age, the soonest due first."""
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if concerning:
        where.append(f"case_id IN (SELECT case_id FROM {{case_index}} WHERE {CONCERNS})")
        params += [_like(concerning), _like(concerning)]
    if kommun:
        where.append("kommun = ?")
        params.append(kommun)
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
