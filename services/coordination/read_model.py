"""The coordination read models: caseload, alerts and the deadline index.

Kept in the same transaction as the case events (adapters.store.read_models). The
deadline index holds one row per case with its next due instant, so the scheduler
asks an index for what is due instead of scanning every case.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.store.read_models import Change, Delete, Table, Upsert
from domain.case.aggregate import Case
from domain.case.policy import RulePolicy
from domain.case.state import LaneStatus
from services.coordination.access_log import ACCESS_LOG
from services.coordination.indicators import TABLES as INDICATOR_TABLES
from services.coordination.indicators import indicator_changes
from services.coordination.instants import instant
from services.coordination.waits import TABLES as WAIT_TABLES
from services.coordination.waits import wait_changes

CASES = Table(
    name="case_index",
    columns={
        "case_id": "TEXT", "person_ref": "TEXT", "kommun": "TEXT", "agencies": "TEXT",
        "active_agencies": "TEXT", "lead": "TEXT", "open_alerts": "INTEGER",
        "facts": "INTEGER", "exited": "TEXT", "last_effective_at": "TEXT",
        "updated_at": "TEXT",
    },
    key="case_id",
    indexes=(("person_ref",), ("kommun",), ("open_alerts",)),
)
ALERTS = Table(
    name="alert_index",
    columns={
        "alert_id": "TEXT", "case_id": "TEXT", "person_ref": "TEXT", "kommun": "TEXT",
        "rule": "TEXT", "agencies": "TEXT", "since": "TEXT", "due_at": "TEXT",
        "raised_at": "TEXT", "resolved_at": "TEXT", "message": "TEXT",
    },
    key="alert_id",
    indexes=(("case_id",), ("rule",), ("resolved_at", "raised_at")),
)
DEADLINES = Table(
    name="deadline_index",
    columns={"case_id": "TEXT", "due_at": "TEXT"},
    key="case_id",
    indexes=(("due_at",),),
)
POSITIONS = Table(
    name="producer_positions",
    columns={
        "producer_position": "TEXT", "producer": "TEXT", "position": "INTEGER",
        "previous": "INTEGER", "seen_at": "TEXT",
    },
    key="producer_position",
    indexes=(("producer", "position"),),
)
"""Every producer's published positions seen here, with the one before each: a gap is
a ``previous`` that never arrived (architecture invariant 3)."""
APPLIED = Table(
    name="partition_applied",
    columns={"consumer": "TEXT", "position": "INTEGER", "applied_at": "TEXT"},
    key="consumer",
)
"""When each partition consumer last committed, and how far: with a replica down, its
partitions' rows stop moving, which reads report (``Samlad-Applied-At``)."""
CATALOGUE = Table(
    name="catalogue_index",
    columns={
        "listing_key": "TEXT", "agency": "TEXT", "offering_id": "TEXT", "name": "TEXT",
        "intervention_type": "TEXT", "target_groups": "TEXT", "places_free": "INTEGER",
        "valid_from": "TEXT", "valid_to": "TEXT", "listing": "TEXT",
    },
    key="listing_key",
    indexes=(("agency",), ("places_free",)),
)
"""The shared catalogue (insatskatalog): one row per agency's offering, not per person.
``listing`` holds the whole folded ``domain.catalogue.listing.Listing`` (JSON); the other
columns are what lists filter on (``places_free`` is what is free now, ``target_groups``
comma-surrounded for LIKE, dates as ISO text)."""
TABLES = (
    CASES, ALERTS, DEADLINES, POSITIONS, APPLIED, CATALOGUE, *INDICATOR_TABLES, *WAIT_TABLES,
    ACCESS_LOG,
)


def partition_applied(consumer: str, position: int, now: datetime) -> Upsert:
    return Upsert(APPLIED.name, {
        "consumer": consumer, "position": position, "applied_at": instant(now),
    })


def position_seen(producer: str, position: int, previous: int | None, now: datetime) -> Upsert:
    return Upsert(POSITIONS.name, {
        "producer_position": f"{producer}:{position}", "producer": producer,
        "position": position, "previous": previous, "seen_at": instant(now),
    })


def _agency_list(agencies: Any) -> str:
    # Surrounding commas let a filter match one agency with LIKE '%,af,%'.
    return "," + ",".join(sorted(str(a) for a in agencies)) + ","


def changes_for(
    case: Case, policy: RulePolicy, now: datetime, new_events: Sequence[Any] = ()
) -> list[Change]:
    """The read-model rows of ``case`` after ``new_events`` (its ``collect_events()``)."""
    state = case.state
    last = case.last_fact
    changes: list[Change] = [
        Upsert(CASES.name, {
            "case_id": str(case.id),
            "person_ref": case.person_ref,
            "kommun": state.kommun,
            # The enrolling agency is involved even before it has a lane of its own.
            "agencies": _agency_list(
                {lane.agency for lane in state.lanes}
                | ({state.enrolled_by} if state.enrolled_by else set())
            ),
            "active_agencies": _agency_list(
                lane.agency for lane in state.lanes if lane.status == LaneStatus.ACTIVE
            ),
            "lead": state.lead,
            "open_alerts": len(case.open_alerts),
            "facts": case.fact_count,
            "exited": state.exit.outcome if state.exit else None,
            "last_effective_at": instant(last.effective_at) if last else None,
            "updated_at": instant(now),
        })
    ]
    # The alert rows derive from the alert events among the new ones.
    for pending in new_events:
        name = type(pending).__name__
        if name == "AlertRaised":
            alert = pending.alert
            changes.append(Upsert(ALERTS.name, {
                "alert_id": str(alert.alert_id), "case_id": str(case.id),
                "person_ref": case.person_ref, "kommun": state.kommun, "rule": alert.rule,
                "agencies": _agency_list(alert.agencies), "since": instant(alert.since),
                "due_at": instant(alert.due_at), "raised_at": instant(alert.raised_at),
                "resolved_at": None, "message": alert.message,
            }))
        elif name == "AlertResolved":
            changes.append(Upsert(ALERTS.name, {
                "alert_id": str(pending.alert_id),
                "resolved_at": instant(pending.resolved_at),
            }))
    changes.extend(indicator_changes(str(case.id), case.person_ref, state))
    changes.extend(wait_changes(str(case.id), state))
    deadline = case.next_deadline(policy)
    if deadline is None:
        changes.append(Delete(DEADLINES.name, str(case.id)))
    else:
        changes.append(Upsert(DEADLINES.name, {"case_id": str(case.id),
                                               "due_at": instant(deadline)}))
    return changes
