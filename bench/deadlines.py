"""Checking due deadlines costs the same with 1k or 1M open cases (issue 4).

The scheduler asks the deadline index (one row per case, indexed by due time) what is
due; it never scans the cases. For each size the index is filled with that many open
cases due in the future, plus ten real cases overdue, then timed: a tick with nothing
due, and a tick that reviews the ten due cases (load, review, save with read models).

    python -m bench deadlines [--sizes 1000,10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.pseudonym import new_person_ref
from domain.agencies import Agency
from domain.case.facts import HandOffRequested
from services.coordination.application import CoordinationApplication
from services.coordination.instants import instant
from services.coordination.read_model import DEADLINES
from services.coordination.service import open_coordination
from services.settings import Settings

NOW = datetime(2026, 6, 1, tzinfo=UTC)
DUE = 10
TICKS = 50


def _fill(app: CoordinationApplication, size: int) -> None:
    far = instant(NOW + timedelta(days=400))
    rows = [(f"00000000-0000-0000-0000-{n:012d}", far) for n in range(size)]
    with app.read_models.datastore.transaction(commit=True) as cursor:
        cursor.executemany(
            f"INSERT INTO {DEADLINES.name} (case_id, due_at) VALUES (?, ?)", rows
        )


def _overdue_cases(app: CoordinationApplication) -> None:
    facts = []
    for n in range(DUE):
        at = NOW - timedelta(days=30)
        facts.append((new_person_ref(), HandOffRequested(
            event_id=f"bench-{n}", agency=Agency.KOMMUN, effective_at=at, recorded_at=at,
            summary="Överlämning", hand_off_id=f"h{n}", to_agency=Agency.AF,
        )))
    # Ingested "before" the deadline so the cases wait in the index, then fall due.
    app.ingest(facts, now=NOW - timedelta(days=30))


def measure(size: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        app = open_coordination(settings)
        _fill(app, size)
        _overdue_cases(app)
        idle = []
        for _ in range(TICKS):
            started = time.perf_counter()
            app.review_due(NOW - timedelta(days=29))  # nothing due yet
            idle.append(time.perf_counter() - started)
        started = time.perf_counter()
        reviewed = app.review_due(NOW)
        due = time.perf_counter() - started
        assert reviewed == DUE, reviewed  # a benchmark that measured nothing would lie
        app.close()
    return statistics.median(idle) * 1000, due * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(f"{'open cases':>12} {'idle tick ms':>13} {'10 due ms':>10} {'idle vs 1st':>12}")
    base: float | None = None
    for size in sizes:
        idle, due = measure(size)
        base = base or idle
        print(f"{size:>12,} {idle:>13.3f} {due:>10.1f} {idle / base:>11.2f}x", flush=True)


if __name__ == "__main__":
    main()
