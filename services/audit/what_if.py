"""``samlad audit what-if``: the coordination store's history replayed under other
thresholds (domain/case/what_if.py), for the förbund board and auditors.

Reads every recorded fact of every case straight from the store's event rows (the fast
decoder of the other audit tools), then replays each case once. The policy compared
against is the one in force at ``until`` (the store's PolicyLog, ADR 0018).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.case.facts import Fact
from domain.case.what_if import WhatIf, compare
from services.audit.decoding import FastDecoder
from services.audit.progress import NoProgress, Progress
from services.audit.replay import store_pages
from services.coordination.application import CoordinationApplication

FACT_TOPIC = "domain.case.aggregate:Case.FactRecorded"


def case_histories(app: CoordinationApplication, progress: Progress) -> list[list[Fact]]:
    """Every case's recorded facts (in the order recorded; the replay sorts them)."""
    decoder = FastDecoder(app.mapper)
    cases: dict[Any, list[Fact]] = {}
    done = 0
    for page in store_pages(app):
        for _, originator, version, topic, state in page:
            done += 1
            if topic != FACT_TOPIC:
                continue
            originator_id = originator if isinstance(originator, UUID) else UUID(originator)
            event = decoder.decode(topic, originator_id, version, state)
            cases.setdefault(originator, []).append(event.fact)
        progress.update(done)
    progress.finish()
    return list(cases.values())


def what_if(
    app: CoordinationApplication,
    changes: Mapping[str, int],
    until: datetime,
    *,
    reading: Progress | None = None,
    replaying: Progress | None = None,
) -> WhatIf:
    """The comparison of the policy in force at ``until`` with it changed by ``changes``
    (``InvalidPolicyError`` for an unknown threshold or a value out of range)."""
    current = app.policy_in_force(until).policy
    proposed = current.with_thresholds(changes)
    total = app.process_recorder.max_notification_id() or 0
    histories = case_histories(app, reading or NoProgress("events", total))
    replaying = replaying or NoProgress("cases", len(histories))
    replaying.total = len(histories)
    report = compare(histories, current, proposed, until, on_case=replaying.update)
    replaying.finish()
    return report


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def format_report(report: WhatIf) -> str:
    """The comparison as a plain-text table, one row per rule."""
    changed = [
        f"{name} {report.current[name]} → {report.proposed[name]}"
        for name in report.current
        if report.current[name] != report.proposed[name]
    ]
    lines = [
        f"what-if over {report.cases} cases, {report.facts} facts, {report.gaps} gaps, "
        f"up to {report.until.isoformat()}",
        f"proposed: {', '.join(changed) or 'no change'}",
        "",
        f"{'rule':<26}{'days':>9}{'alerts':>13}{'change':>8}{'days earlier':>14}"
        f"{'persons, gap without alert':>28}",
    ]
    for row in report.rules:
        delta = row.proposed_alerts - row.current_alerts
        lines.append(
            f"{row.rule:<26}{f'{row.current_days} → {row.proposed_days}':>9}"
            f"{f'{row.current_alerts} → {row.proposed_alerts}':>13}{delta:>+8}"
            f"{_days(row.days_earlier):>14}"
            f"{f'{row.current_unalerted} → {row.proposed_unalerted}':>28}"
        )
    lines += ["", "days earlier: mean over the gaps alerted under both (negative: later)."]
    return "\n".join(lines)
