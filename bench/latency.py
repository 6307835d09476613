"""Agency command 2xx → visible in the coordination timeline, and → alert on the bus.

Starts ``samlad up`` (SQLite, embedded nats-server) as the end-to-end tests do. A
background load starts interventions at the kommun at ``--rate`` per second (open loop,
``bench.http_load``). Meanwhile, one probe at a time: a person registered at AF with a
``validering`` referral (an intervention to the case); once that is in the timeline,
the kommun enrols the person and starts a ``validering`` too. From that command's 2xx
the probe times

- until the kommun's InterventionStarted is in ``GET /cases/{ref}/timeline`` (polled);
- until the duplicated-intervention alert for the person arrives on the kommun's alerts
  consumer (a JetStream pull consumer, as an agency system reads it).

Targets: p50 ≤ 20 ms, p99 ≤ 100 ms at 200 commands/s.

    python -m bench latency
    python -m bench.latency --probes 50 --rate 200

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from adapters.auth.principal import Role
from adapters.auth.tokens import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import EVENTS_STREAM, alerts_consumer
from adapters.telemetry.logging import configure_logging
from bench.http_load import closed_loop, open_loop
from services.cli.testing import RunningSamlad
from services.demo.personnummer import personnummer
from services.settings import Settings

VISIBLE_SECONDS = 30.0
POLL_SECONDS = 0.002


def enrolment_body(number: int, *, start: int) -> dict[str, object]:
    day = date(1950, 1, 1) + timedelta(days=start + number // 1000)
    return {"personnummer": personnummer(day, number % 1000), "kommun": "Lund",
            "gender": "man", "birth_year": day.year}


class Alerts:
    """Arrival times of alerts on the kommun's alerts consumer, by person_ref."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.waiting: dict[str, asyncio.Event] = {}

    async def follow(self, settings: Settings, stop: asyncio.Event) -> None:
        client = await connect(settings.nats, "kommun")
        try:
            js = client.jetstream()
            subscription = await js.pull_subscribe_bind(alerts_consumer("kommun"),
                                                         stream=EVENTS_STREAM)
            while not stop.is_set():
                try:
                    messages = await subscription.fetch(100, timeout=0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                for message in messages:
                    for ref, event in self.waiting.items():
                        if ref.encode() in message.data and ref not in self.arrived:
                            self.arrived[ref] = now
                            event.set()
                    await message.ack()
        finally:
            await client.close()

    def expect(self, ref: str) -> asyncio.Event:
        return self.waiting.setdefault(ref, asyncio.Event())


async def visible(coordination: httpx.AsyncClient, ref: str, agency: str) -> float:
    deadline = time.perf_counter() + VISIBLE_SECONDS
    while time.perf_counter() < deadline:
        answer = await coordination.get(f"/cases/{ref}/timeline")
        if answer.status_code == 200 and any(
            item["agency"] == agency and item["kind"] == "InterventionStarted"
            for item in answer.json()["items"]
        ):
            return time.perf_counter()
        await asyncio.sleep(POLL_SECONDS)
    raise TimeoutError(f"{agency} intervention of {ref} never reached the timeline")


async def probe(
    number: int, settings: Settings, alerts: Alerts, clients: dict[str, httpx.AsyncClient],
) -> tuple[float, float]:
    body = enrolment_body(number, start=20_000)
    pnr = str(body["personnummer"])
    effective = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    answer = (await clients["af"].post("/persons", json={"personnummer": pnr})).json()
    ref = answer["person_ref"]
    (await clients["af"].post(f"/persons/{ref}/registration", json={})).raise_for_status()
    (await clients["af"].post(f"/persons/{ref}/referrals", json={
        "programme": "Validering", "provider": "Lernia", "intervention_type": "validering",
        "effective_at": effective})).raise_for_status()
    await visible(clients["coordination"], ref, "af")
    (await clients["kommun"].post("/persons", json=body)).raise_for_status()
    alert = alerts.expect(ref)
    answer_ = await clients["kommun"].post(f"/persons/{ref}/interventions", json={
        "intervention_type": "validering", "effective_at": effective})
    answer_.raise_for_status()
    sent = time.perf_counter()
    shown = await visible(clients["coordination"], ref, "kommun")
    await asyncio.wait_for(alert.wait(), VISIBLE_SECONDS)
    return shown - sent, alerts.arrived[ref] - sent


def summary(label: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    if len(ms) < 2:
        return f"  {label:<28} too few samples"
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return (f"  {label:<28} p50 {cuts[49]:7.1f} ms   p99 {cuts[98]:7.1f} ms   "
            f"max {ms[-1]:7.1f} ms   n={len(ms)}   p50/20 ms {cuts[49] / 20:5.2f}×   "
            f"p99/100 ms {cuts[98] / 100:5.2f}×")


async def measure(settings: Settings, probes: int, rate: float) -> None:
    port = settings.ports["kommun"]
    headers = auth_headers(settings, "kommun", Role.SYSTEM, subject="bench-latency")
    enrolled = await closed_loop(
        "127.0.0.1", port, headers,
        lambda n: ("POST", "/persons", json.dumps(enrolment_body(n, start=0)).encode()),
        clients=16, requests=200, keep_answers=True)
    paths = [f"/persons/{json.loads(a)['person_ref']}/interventions" for a in enrolled.answers]
    body = json.dumps({"intervention_type": "arbetstraning"}).encode()
    clients = {
        name: httpx.AsyncClient(base_url=settings.url_of(name), timeout=30.0,
                                headers=auth_headers(settings, agency, Role.SYSTEM,
                                                     subject="bench-latency"))
        for name, agency in (("af", "af"), ("kommun", "kommun"), ("coordination", "kommun"))
    }
    alerts, stop = Alerts(), asyncio.Event()
    follower = asyncio.create_task(alerts.follow(settings, stop))
    background = asyncio.create_task(open_loop(
        "127.0.0.1", port, headers, lambda n: ("POST", paths[n % len(paths)], body),
        rate=rate, seconds=3600, connections=32))
    timeline, bus = [], []
    try:
        for number in range(probes):
            shown, alerted = await probe(number, settings, alerts, clients)
            timeline.append(shown)
            bus.append(alerted)
    finally:
        background.cancel()
        stop.set()
        await follower
        for client in clients.values():
            await client.aclose()
    print(summary("command → timeline", timeline))
    print(summary("command → alert on the bus", bus))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.latency", description=__doc__)
    parser.add_argument("--probes", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"latency benchmark: {args.probes} probes at {args.rate:.0f} commands/s background, "
          f"load average {load}", flush=True)
    with tempfile.TemporaryDirectory(prefix="samlad-bench-") as tmp:
        running = RunningSamlad(Path(tmp) / "data")
        try:
            urls = running.wait_until_up().urls
            settings = Settings(
                data_dir=running.data_dir, nats_url=urls["nats"], nats_replicas=1,
                ports={name: urlsplit(url).port or 0 for name, url in urls.items()
                       if name != "nats"},
            )
            asyncio.run(measure(settings, args.probes, args.rate))
            running.stop()
        finally:
            running.kill()


if __name__ == "__main__":
    main()
