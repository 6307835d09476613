"""Early warning (tidig signal): the norms learned from the stored waits, and the waits
that pass them before their deadline.

``refresh`` is the deadline reviewer's (one owner, ADR 0011), every
``Settings.early_warning_seconds`` (30 s), never a request's: it reads every wait of
``wait_index``, lets the domain learn the norms (domain/case/waits.py) under the policy
in force, and keeps the norms and each waiting hand-off's or intervention's early
warning (with the instant it warns and the rule's deadline) in two read models. A read
then only asks which warnings are in their window at its ``now``: cheap, and the same on
every replica.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.store.read_models import Change, Delete, Upsert
from domain.case.waits import Wait, WaitKind, early_warning, learn_norms
from services.coordination.application import CoordinationApplication
from services.coordination.instants import instant, parse_instant
from services.coordination.queries import Row, read_models
from services.coordination.waits import EARLY_WARNINGS, NORMS


def _wait(row: Row) -> Wait:
    return Wait(
        kind=WaitKind(row["kind"]),
        key=row["wait_group"],
        subject=row["subject"],
        started_at=parse_instant(row["started_at"]),
        ended_at=parse_instant(row["ended_at"]) if row["ended_at"] else None,
    )


def _agencies(kind: WaitKind, key: str) -> str:
    parts = key.split(">") if kind is WaitKind.HAND_OFF else [key]
    return "," + ",".join(sorted(parts)) + ","


def refresh(app: CoordinationApplication, now: datetime) -> int:
    """Learn the norms and keep the early warnings; returns how many warnings are kept."""
    models = read_models(app)
    policy = app.refresh_policy()
    rows = models.query("SELECT * FROM {wait_index}")
    norms = {(n.kind, n.key): n for n in learn_norms((_wait(r) for r in rows), policy)}
    changes: list[Change] = [
        Upsert(
            NORMS.name,
            {
                "norm_key": f"{kind}:{key}",
                "kind": str(kind),
                "wait_group": key,
                "samples": norm.samples,
                "percentile": norm.percentile,
                "days": norm.days,
                "learned_at": instant(now),
            },
        )
        for (kind, key), norm in norms.items()
    ]
    waiting = models.query(
        "SELECT w.*, c.person_ref, c.kommun FROM {wait_index} w "
        "JOIN {case_index} c ON c.case_id = w.case_id "
        "WHERE w.ended_at IS NULL AND c.exited IS NULL"
    )
    kept: set[str] = set()
    for row in waiting:
        wait = _wait(row)
        warning = early_warning(wait, norms, policy)
        if warning is None:
            continue
        key = row["wait_key"]
        kept.add(key)
        changes.append(
            Upsert(
                EARLY_WARNINGS.name,
                {
                    "warning_key": key,
                    "case_id": row["case_id"],
                    "person_ref": row["person_ref"],
                    "kommun": row["kommun"],
                    "agencies": _agencies(wait.kind, wait.key),
                    "kind": str(wait.kind),
                    "wait_group": wait.key,
                    "subject": wait.subject,
                    "started_at": instant(warning.started_at),
                    "warn_at": instant(warning.warn_at),
                    "due_at": instant(warning.due_at),
                    "norm_days": warning.norm_days,
                    "samples": warning.samples,
                    "percentile": warning.percentile,
                },
            )
        )
    stale = models.query("SELECT warning_key FROM {early_warning}")
    changes.extend(
        Delete(EARLY_WARNINGS.name, row["warning_key"])
        for row in stale
        if row["warning_key"] not in kept
    )
    app.save_processed(None, read_models=changes)
    return len(kept)


def get_norms(app: CoordinationApplication) -> list[Row]:
    """Every learned norm, by kind and group."""
    return read_models(app).query("SELECT * FROM {wait_norm} ORDER BY kind, wait_group")


def get_early_warnings(
    app: CoordinationApplication,
    now: datetime,
    *,
    case_ids: Sequence[str] | None = None,
    agency: str | None = None,
) -> list[Row]:
    """Early warnings in their window at ``now`` (past the norm, before the deadline)."""
    where, params = ["warn_at <= ?", "due_at > ?"], [instant(now), instant(now)]
    if case_ids is not None:
        if not case_ids:
            return []
        where.append(f"case_id IN ({', '.join('?' for _ in case_ids)})")
        params += list(case_ids)
    if agency:
        where.append("agencies LIKE ?")
        params.append(f"%,{agency},%")
    return read_models(app).query(
        f"SELECT * FROM {{early_warning}} WHERE {' AND '.join(where)} ORDER BY warn_at", params
    )


def warning_view(row: Row) -> dict[str, Any]:
    """A row as the API shows it."""
    return {
        "kind": row["kind"],
        "group": row["wait_group"],
        "subject": row["subject"],
        "person_ref": row["person_ref"],
        "kommun": row["kommun"],
        "agencies": [a for a in (row["agencies"] or "").split(",") if a],
        "started_at": parse_instant(row["started_at"]),
        "warn_at": parse_instant(row["warn_at"]),
        "due_at": parse_instant(row["due_at"]),
        "norm_days": row["norm_days"],
        "samples": row["samples"],
        "percentile": row["percentile"],
    }
