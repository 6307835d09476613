"""Latency of GET /cases/{ref}/timeline for a 200-event case among many stored events.

Fills a coordination store (SQLite, as `samlad up` runs it) through the
CoordinationApplication itself, in batched commits, with filler persons of 20 facts each,
until ``--target`` events are stored or ``--budget`` seconds have passed, whichever
comes first; then adds one person with 200 facts and asks for that person's whole
timeline over HTTP (uvicorn on loopback, bearer token checked) ``--requests`` times.
Prints what it built and p50/p99; asserts nothing.

    python -m bench timeline
    python -m bench.timeline --target 1000000 --budget 180 --requests 2000
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from litestar import Litestar

from adapters.auth.tokens import issue_token, load_signing_key
from adapters.nats.server import free_port
from adapters.telemetry.logging import configure_logging
from domain.agencies import Agency, Gender, InterventionType
from domain.case import facts as f
from services.coordination.api import coordination_router
from services.coordination.application import CoordinationApplication
from services.coordination.service import open_coordination
from services.runtime.auth import auth_middleware
from services.settings import Settings

FILLER_FACTS = 20
CASE_FACTS = 200
PERSONS_PER_COMMIT = 100
START = datetime(2024, 1, 1, tzinfo=UTC)


def person_facts(ref: str, count: int) -> Iterator[f.Fact]:
    """Enrolment, then interventions started and ended in turn (the last one runs on)."""
    at = START
    yield f.PersonEnrolled(
        event_id=f"{ref}:0", agency=Agency.KOMMUN, effective_at=at, recorded_at=at,
        summary="Inskriven vid AME i Lund", kommun="Lund", gender=Gender.WOMAN,
        birth_year=1985,
    )
    for index in range(1, count):
        at = START + timedelta(days=index)
        agency = Agency.KOMMUN if index % 4 in (1, 2) else Agency.AF
        intervention_id = f"i{(index + 1) // 2}"
        common: dict[str, Any] = {
            "event_id": f"{ref}:{index}", "agency": agency, "effective_at": at,
            "recorded_at": at, "details": {"anteckning": f"steg {index}"},
            "scope": "socialtjanst" if agency is Agency.KOMMUN else "arbetsmarknad",
        }
        if index % 2:
            yield f.InterventionStarted(**common, summary="Insats startad",
                                        intervention_id=intervention_id,
                                        intervention_type=InterventionType.WORK_TRAINING)
        else:
            yield f.InterventionEnded(**common, summary="Insats avslutad",
                                      intervention_id=intervention_id)


def stored_events(app: CoordinationApplication) -> int:
    return int(app.recorder.max_notification_id() or 0)


def fill(app: CoordinationApplication, target: int, budget: float) -> tuple[int, float]:
    """Filler persons in batched commits until ``target`` events or ``budget`` seconds."""
    started = time.monotonic()
    batch = 0
    while stored_events(app) < target and time.monotonic() - started < budget:
        refs = [f"pfill{batch:08d}{n:04d}" for n in range(PERSONS_PER_COMMIT)]
        app.ingest(((ref, fact) for ref in refs for fact in person_facts(ref, FILLER_FACTS)),
                   now=START + timedelta(days=FILLER_FACTS))
        batch += 1
    return stored_events(app), time.monotonic() - started


def serve(app: Litestar, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise TimeoutError("uvicorn did not start")
        time.sleep(0.01)
    return server


def measure(url: str, token: str, requests: int) -> list[float]:
    timings = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as client:
        for index in range(requests + 50):
            begun = time.perf_counter()
            response = client.get(url, params={"limit": 500})
            elapsed = time.perf_counter() - begun
            response.raise_for_status()
            if index >= 50:  # the first requests warm caches and connections
                timings.append(elapsed * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=int, default=1_000_000, help="events to store")
    parser.add_argument("--budget", type=float, default=180.0,
                        help="seconds to spend filling at most")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="keep the store here (default: a temporary directory)")
    args = parser.parse_args()
    # Only the figures on stdout: the per-read access log and httpx's lines would
    # drown them (and cost time the figures should not include).
    configure_logging("WARNING", json=False)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="bench-timeline-") as scratch:
        settings = Settings(data_dir=args.data_dir or Path(scratch))
        app = open_coordination(settings)
        try:
            events, seconds = fill(app, args.target, args.budget)
            note = "" if events >= args.target else (
                f" (target {args.target:,} not reached within {args.budget:.0f} s)")
            print(f"stored events: {events:,} in {seconds:.1f} s "
                  f"({events / max(seconds, 1e-9):,.0f}/s){note}", flush=True)
            ref = "pbenchtimelinecase000000000"
            app.ingest(((ref, fact) for fact in person_facts(ref, CASE_FACTS)),
                       now=START + timedelta(days=CASE_FACTS))
            case = app.get_case(ref)
            print(f"case: {len(case.facts)} facts, version {case.version}, "
                  f"{stored_events(app):,} events stored in all", flush=True)

            key = load_signing_key(settings.data_dir)
            token = issue_token(key, agency="af", role="handlaggare", subject="bench")
            web = Litestar(route_handlers=[coordination_router(app)],
                           middleware=[auth_middleware("coordination", key.public_key())])
            port = free_port()
            server = serve(web, port)
            try:
                timings = sorted(measure(f"http://127.0.0.1:{port}/cases/{ref}/timeline",
                                         token, args.requests))
            finally:
                server.should_exit = True
            p99 = timings[min(len(timings) - 1, round(0.99 * len(timings)) - 1)]
            print(f"GET /cases/{{ref}}/timeline?limit=500 ({args.requests} requests, "
                  f"viewer af): p50 {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, "
                  f"max {timings[-1]:.2f} ms", flush=True)
        finally:
            app.close()


if __name__ == "__main__":
    main()
