"""Coordination RSS while events are ingested, toward 1M events.

Fills a coordination store (SQLite, as `samlad up` runs it) through
``CoordinationApplication.ingest`` in batches of 500 facts (20 persons of 25 facts, as
the consumer commits them), until ``--target`` events are ingested or ``--budget``
seconds have passed. Prints the process's resident set size (VmRSS) at checkpoints
beside the baseline (the same process with the application open, nothing ingested).
When the budget ends first, the RSS at ``--target`` is extrapolated linearly from the
growth over the second half of the run, and labelled so. Target: ≤ 300 MB at 1M.

    python -m bench memory
    python -m bench.memory --target 1000000 --budget 900
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.telemetry.logging import configure_logging
from bench.timeline import person_facts
from services.coordination.service import open_coordination
from services.settings import Settings

PERSONS_PER_BATCH = 20
FACTS_PER_PERSON = 25
TARGET_MB = 300.0
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def rss_mb() -> float:
    """Resident set size now (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.memory", description=__doc__)
    parser.add_argument("--target", type=int, default=1_000_000, help="events to ingest")
    parser.add_argument("--budget", type=float, default=150.0, help="seconds at most")
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        app = open_coordination(Settings(data_dir=Path(scratch)))
        try:
            gc.collect()
            baseline = rss_mb()
            print(f"{PERSONS_PER_BATCH * FACTS_PER_PERSON} facts per ingest; baseline RSS "
                  f"(application open, nothing ingested): {baseline:.0f} MB; "
                  f"case cache {app.cases.size} cases", flush=True)  # fmt: skip
            points = [(0, baseline)]
            started, ingested, batch = time.monotonic(), 0, 0
            while ingested < args.target and time.monotonic() - started < args.budget:
                refs = [f"pmem{batch:07d}{n:03d}" for n in range(PERSONS_PER_BATCH)]
                ingested += app.ingest(
                    ((ref, fact) for ref in refs for fact in person_facts(ref, FACTS_PER_PERSON)),
                    now=NOW + timedelta(days=FACTS_PER_PERSON),
                )
                batch += 1
                if batch % 20 == 0:  # every 10,000 events
                    points.append((ingested, rss_mb()))
                    seconds = time.monotonic() - started
                    print(f"  {ingested:>9,} events  RSS {points[-1][1]:6.0f} MB  "
                          f"({ingested / seconds:,.0f} events/s)", flush=True)  # fmt: skip
            final = rss_mb()
            points.append((ingested, final))
            print(f"after {ingested:,} events: RSS {final:.0f} MB "
                  f"(+{final - baseline:.0f} MB over the baseline)")  # fmt: skip
            if ingested >= args.target:
                print(f"RSS at {args.target:,} events: {final:.0f} MB, "
                      f"{final / TARGET_MB:.2f}x the {TARGET_MB:.0f} MB target")  # fmt: skip
                return
            # Until the case cache is full the growth is steeper than after: extrapolate
            # from the points after it filled when there are two, else the second half.
            full = [p for p in points if p[0] >= app.cases.facts]
            basis = "after the case cache filled" if len(full) >= 2 else "over the second half"
            half = full if len(full) >= 2 else [p for p in points if p[0] >= ingested / 2]
            (n0, r0), (n1, r1) = (half or points[-2:])[0], points[-1]
            slope = (r1 - r0) / (n1 - n0) if n1 > n0 else 0.0
            estimate = r1 + slope * (args.target - n1)
            print(f"EXTRAPOLATED (budget {args.budget:.0f} s ran out): RSS at "
                  f"{args.target:,} events ≈ {estimate:.0f} MB "
                  f"({slope * 1e6:.0f} MB per 1M events {basis}), "
                  f"{estimate / TARGET_MB:.2f}x the {TARGET_MB:.0f} MB target")  # fmt: skip
        finally:
            app.close()


if __name__ == "__main__":
    main()
