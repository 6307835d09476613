"""Rebuild the coordination projections from the case events alone, and diff them.

Every case's events are replayed from the live store, one by one, into a fresh case
aggregate; read-model rows are derived as the live service derives them
(``read_model.changes_for``): alert rows at the event that raised them, with the state
of that moment, the rest from the final state. Events and rows are then saved into a
fresh coordination store, and its tables are compared with the live ones, row by row.

Left out of the comparison: ``case_index.updated_at`` (the wall-clock time of the last
commit) and the tables no case event derives (``producer_positions``, ``access_log``,
``catalogue_index``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from adapters.store.read_models import Change, Table
from domain.case.aggregate import Case
from services.audit.decoding import FastDecoder
from services.audit.replay import store_pages
from services.coordination.indicators import INDICATOR_CASES, INDICATOR_HAND_OFFS
from services.coordination.queries import read_models
from services.coordination.read_model import ALERTS, CASES, DEADLINES, changes_for

COMPARED: tuple[tuple[Table, frozenset[str]], ...] = (
    (CASES, frozenset({"updated_at"})),
    (ALERTS, frozenset()),
    (DEADLINES, frozenset()),
    (INDICATOR_CASES, frozenset()),
    (INDICATOR_HAND_OFFS, frozenset()),
)
SAVE_BATCH = 200
MAX_SHOWN = 50
CASE_TOPIC_PREFIX = "domain.case.aggregate:Case."


class Difference(msgspec.Struct, frozen=True, kw_only=True):
    table: str
    key: str
    kind: str  # "missing_in_live" | "extra_in_live" | "differs"
    columns: dict[str, tuple[Any, Any]] = {}  # column -> (rebuilt, live)


class RebuildReport(msgspec.Struct, kw_only=True):
    cases: int
    events: int
    rows: dict[str, int]
    differences: list[Difference]
    total_differences: int

    @property
    def ok(self) -> bool:
        return self.total_differences == 0


def case_events(app: Any) -> Iterator[list[Any]]:
    """Each case's events in version order (grouped from one pass over the store)."""
    decoder = FastDecoder(app.mapper)
    cases: dict[Any, list[Any]] = {}
    for page in store_pages(app):
        for _, originator, version, topic, state in page:
            if not topic.startswith(CASE_TOPIC_PREFIX):
                continue  # access logs and other aggregates: no case projection
            originator_id = originator if isinstance(originator, UUID) else UUID(originator)
            cases.setdefault(originator_id, []).append(
                decoder.decode(topic, originator_id, version, state)
            )
    for events in cases.values():
        events.sort(key=lambda e: e.originator_version)
        yield events


def replay_case(events: Sequence[Any], app: Any) -> tuple[Case, list[Change]]:
    """The case after ``events``, and the rows they derive (as the live commit made them)."""
    case: Any = None
    changes: list[Change] = []
    for event in events:
        case = event.mutate(case)
        if type(event).__name__ in ("AlertRaised", "AlertResolved"):
            changes.extend(changes_for(case, app.policy, event.timestamp, [event]))
    final = events[-1].timestamp if events else datetime.now(UTC)
    changes.extend(changes_for(case, app.policy, final))
    return case, changes


def rebuild_into(live: Any, fresh: Any) -> tuple[int, int]:
    """Replay every case of ``live`` into the empty store of ``fresh``."""
    # The deadline rows follow the policy in force (a change reviewed every open case).
    live.refresh_policy()
    cases = events = 0
    batch: list[Any] = []
    changes: list[Change] = []
    for case_events_ in case_events(live):
        case, rows = replay_case(case_events_, live)
        batch += [*case_events_, case]
        changes.extend(rows)
        cases += 1
        events += len(case_events_)
        if cases % SAVE_BATCH == 0:
            fresh.save_processed(None, *batch, read_models=changes)
            batch, changes = [], []
    if batch:
        fresh.save_processed(None, *batch, read_models=changes)
    return cases, events


def _rows(app: Any, table: Table, ignored: frozenset[str]) -> dict[str, dict[str, Any]]:
    rows = read_models(app).query(f"SELECT * FROM {{{table.name}}}")
    return {
        str(row[table.key]): {k: v for k, v in row.items() if k not in ignored} for row in rows
    }


def diff(rebuilt: Any, live: Any) -> tuple[list[Difference], dict[str, int], int]:
    shown: list[Difference] = []
    counts: dict[str, int] = {}
    total = 0
    for table, ignored in COMPARED:
        ours, theirs = _rows(rebuilt, table, ignored), _rows(live, table, ignored)
        counts[table.name] = len(ours)
        found: list[Difference] = []
        for key in sorted(ours.keys() - theirs.keys()):
            found.append(Difference(table=table.name, key=key, kind="missing_in_live"))
        for key in sorted(theirs.keys() - ours.keys()):
            found.append(Difference(table=table.name, key=key, kind="extra_in_live"))
        for key in sorted(ours.keys() & theirs.keys()):
            columns = {
                name: (value, theirs[key].get(name))
                for name, value in ours[key].items() if theirs[key].get(name) != value
            }
            if columns:
                found.append(Difference(table=table.name, key=key, kind="differs",
                                        columns=columns))
        total += len(found)
        shown.extend(found[: max(0, MAX_SHOWN - len(shown))])
    return shown, counts, total


def rebuild_and_diff(live: Any, fresh: Any) -> RebuildReport:
    """Rebuild ``live``'s projections into ``fresh`` (empty) and compare them."""
    cases, events = rebuild_into(live, fresh)
    differences, rows, total = diff(fresh, live)
    return RebuildReport(cases=cases, events=events, rows=rows, differences=differences,
                         total_differences=total)
