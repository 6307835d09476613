"""The waits read model: every hand-off and every wait for a next intervention, per case.

Written with the case events in the same transaction (one row per wait, a pure function
of the case's state, domain/case/waits.py), so the early warning learns from the whole
history without reading the event store. The learned norms and the early warnings
themselves are kept by the deadline reviewer (services/coordination/early_warning.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.store.read_models import Change, Table, Upsert
from domain.case.state import CaseState
from domain.case.waits import waits_of

WAITS = Table(
    name="wait_index",
    columns={
        "wait_key": "TEXT",
        "case_id": "TEXT",
        "kind": "TEXT",
        "wait_group": "TEXT",
        "subject": "TEXT",
        "started_at": "TEXT",
        "ended_at": "TEXT",
    },
    key="wait_key",
    indexes=(("case_id",), ("ended_at",)),
)
NORMS = Table(
    name="wait_norm",
    columns={
        "norm_key": "TEXT",
        "kind": "TEXT",
        "wait_group": "TEXT",
        "samples": "INTEGER",
        "percentile": "INTEGER",
        "days": "DOUBLE PRECISION",
        "learned_at": "TEXT",
    },
    key="norm_key",
)
"""What each kind of wait usually takes (``days`` NULL below the minimum of samples)."""
EARLY_WARNINGS = Table(
    name="early_warning",
    columns={
        "warning_key": "TEXT",
        "case_id": "TEXT",
        "person_ref": "TEXT",
        "kommun": "TEXT",
        "agencies": "TEXT",
        "kind": "TEXT",
        "wait_group": "TEXT",
        "subject": "TEXT",
        "started_at": "TEXT",
        "warn_at": "TEXT",
        "due_at": "TEXT",
        "norm_days": "DOUBLE PRECISION",
        "samples": "INTEGER",
        "percentile": "INTEGER",
    },
    key="warning_key",
    indexes=(("case_id",), ("warn_at",)),
)
"""Waiting hand-offs and interventions that pass (or will pass) their norm before the
deadline; shown while ``warn_at <= now < due_at``."""
TABLES = (WAITS, NORMS, EARLY_WARNINGS)


def _instant(value: datetime | None) -> str | None:
    # The read models' fixed-width text form (text order is time order).
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None


def wait_changes(case_id: str, state: CaseState) -> list[Change]:
    """The wait rows of one case in ``state``."""
    return [
        Upsert(
            WAITS.name,
            {
                "wait_key": f"{case_id}:{wait.kind}:{wait.subject}",
                "case_id": case_id,
                "kind": str(wait.kind),
                "wait_group": wait.key,
                "subject": wait.subject,
                "started_at": _instant(wait.started_at),
                "ended_at": _instant(wait.ended_at),
            },
        )
        for wait in waits_of(state)
    ]
