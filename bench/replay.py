"""Audit replay rate from a store, beside the raw read rate of the same store.

1. Build a coordination store (SQLite under a temp dir) of ``--events`` events: cases
   with 30 events each (opened + recorded facts), saved in batches.
2. Raw read: a plain ``SELECT`` of every row of the events table (the ratio's base).
3. Replay: ``services.audit.replay.replay_store``, every row rebuilt as a domain event
   through the application's mapper, versions checked per aggregate.

``python -m bench.replay [--events 300000]``. Prints; asserts nothing. Target: the
replay at ≥ 150k events/s on the machine that runs it.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.pseudonym import new_person_ref
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from domain.agencies import Agency
from domain.case.aggregate import Case
from domain.case.facts import Noted
from services.audit.replay import replay_store
from services.coordination.application import CoordinationApplication
from services.coordination.recorders import recorder_env

PER_CASE = 30
CASES_PER_SAVE = 20
ROUNDS = 3


def build(app: CoordinationApplication, events: int) -> float:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batch: list[Case] = []
    started = time.perf_counter()
    for _ in range(events // PER_CASE):
        case = Case(person_ref=new_person_ref())
        for n in range(PER_CASE - 1):
            at = start + timedelta(days=n)
            case.record(Noted(event_id=f"{case.id}:{n}", agency=Agency.KOMMUN, effective_at=at,
                              recorded_at=at, summary="möte", topic="mote"))
        batch.append(case)
        if len(batch) == CASES_PER_SAVE:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    return time.perf_counter() - started


def raw_rate(path: Path) -> float:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        rows = 0
        cursor = connection.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "
            "FROM stored_events ORDER BY rowid")
        while page := cursor.fetchmany(10_000):
            rows += len(page)
        return rows / (time.perf_counter() - started)
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.replay")
    parser.add_argument("--events", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samlad-bench-replay-") as tmp:
        app = open_application(CoordinationApplication, StoreSettings(data_dir=Path(tmp)),
                               "coordination", init=None, **recorder_env(False))
        try:
            seconds = build(app, args.events)
            total = app.recorder.max_notification_id() or 0
            print(f"store: {total} events built in {seconds:.1f} s")
            # Interleaved rounds, best of each: a busy machine slows both alike.
            raws, replays = [], []
            for _ in range(ROUNDS):
                raws.append(raw_rate(Path(tmp) / "coordination.sqlite"))
                result = replay_store(app)
                replays.append(result.rate)
            raw, replay = max(raws), max(replays)
            print(f"raw read (plain SELECT of every row): {raw:>12,.0f} events/s")
            print(f"audit replay (domain events, checked): {replay:>11,.0f} events/s "
                  f"= {replay / raw:.2f} x raw; target 150,000 events/s: "
                  f"{'met' if replay >= 150_000 else 'NOT met'}")
        finally:
            app.close()


if __name__ == "__main__":
    main()
