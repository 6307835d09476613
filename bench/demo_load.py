"""How long the demo caseload takes to load, as ``make run`` (``samlad up --demo``) loads it.

Starts ``samlad up`` (all services, SQLite, embedded nats-server) as the end-to-end tests
do (``services.cli.testing.RunningSamlad``), then times ``load_demo`` of ``--persons``
through the agencies' HTTP APIs with ``--workers`` concurrent stories (a list, e.g.
``8,32``: each on a fresh system). Target: 500 persons in ≤ 8 s.

    python -m bench demo_load
    python -m bench.demo_load --persons 500 --workers 8,32

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from adapters.telemetry.logging import configure_logging
from services.cli.testing import RunningSamlad
from services.demo.loader import load_demo
from services.settings import Settings


def load_once(data_dir: Path, persons: int, workers: int) -> tuple[float, int, int]:
    running = RunningSamlad(data_dir)
    try:
        urls = running.wait_until_up().urls
        ports = {name: urlsplit(url).port or 0 for name, url in urls.items()}
        settings = Settings(data_dir=data_dir, ports=ports)
        started = time.perf_counter()
        summary = load_demo(settings, persons, workers=workers)
        seconds = time.perf_counter() - started
        running.stop()
    finally:
        running.kill()
    return seconds, summary.requests, len(summary.failures)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.demo_load", description=__doc__)
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--workers", default="8,32")
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"demo load benchmark: {args.persons} persons, load average {load}", flush=True)
    for workers in (int(w) for w in args.workers.split(",")):
        with tempfile.TemporaryDirectory(prefix="samlad-bench-") as tmp:
            seconds, requests, failures = load_once(Path(tmp) / "data", args.persons, workers)
        print(f"  {workers:3d} concurrent stories   {seconds:6.1f} s   {requests} requests "
              f"({requests / seconds:.0f}/s), {failures} failures   target ≤ 8 s: "
              f"{seconds / 8:.2f}×", flush=True)


if __name__ == "__main__":
    main()
