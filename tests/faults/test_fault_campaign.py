"""The fault campaign: a steady load on all four agencies while `samlad up` loses its parts.

`samlad up` (SQLite, or PostgreSQL) runs with its supervisor. Case workers of the
kommun, AF, FK and the region send commands over HTTP for the whole run: the kommun
enrols persons, starts interventions and hands some of them off to AF, which accepts
each hand-off once it has received it; AF, FK and the region identify the persons and
record facts. Meanwhile one agency service, the coordination service and the
nats-server are SIGKILLed in turn, each restarted by the supervisor. Clients retry what
is transient (no connection, 5xx); a 2xx is an accepted command.

After the load stops, and once the shared case has caught up (waited for by condition,
within a bound): every accepted command is in its person's shared case exactly once,
every accepted hand-off reached AF (its accept got a 2xx), and there are no dead letters.

``SAMLAD_SOAK_SECONDS`` stretches the load to that many seconds and repeats the kill
cycle for as long; unset, the campaign is short enough for ``make test``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.auth.testing import auth_headers
from services.cli.testing import RunningSamlad, clean_env
from services.demo.personnummer import personnummer

AGENCIES = ("kommun", "af", "fk", "region")
# Each fault: the name the supervisor says "<name> restarted" for, and its argv part.
FAULTS = (("af", "serve af "), ("coordination", "serve coordination"), ("nats", "nats-server"))
PERSONS = 8
HAND_OFF_EVERY = 5  # every 5th step of a person is a hand-off from the kommun to AF
PACE_SECONDS = 0.05  # between one person's commands
STEADY_SECONDS = 2.0  # load before each kill
SOAK_SECONDS = float(os.environ.get("SAMLAD_SOAK_SECONDS", "0"))
# Bounds for conditions to hold, not measurements: generous on a loaded 2-core machine.
RETRY_WITHIN_SECONDS = 60.0
RESTARTED_WITHIN_SECONDS = 60.0
SETTLED_WITHIN_SECONDS = 90.0
RETRY_PAUSE_SECONDS = 0.2
POLL_SECONDS = 0.25
REQUEST_TIMEOUT_SECONDS = 10.0

# The summary lines, for the terminal summary (conftest.py) as well as stdout.
SUMMARIES: list[str] = []

Json = dict[str, Any]


@dataclass
class Tally:
    """What the clients saw: accepted commands by person, hand-offs, refusals, retries."""

    accepted: dict[str, list[str]] = field(default_factory=dict)  # ref -> event ids
    hand_offs: dict[str, str] = field(default_factory=dict)  # hand_off_id -> ref, pending
    received: set[str] = field(default_factory=set)  # hand-offs AF accepted
    requested: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    unpublished: int = 0
    kills: int = 0

    def accept(self, person_ref: str, answer: Json) -> None:
        position = answer.get("position")
        if position is None:
            self.unpublished += 1
        else:
            self.accepted.setdefault(person_ref, []).append(str(position))

    @property
    def commands(self) -> int:
        return sum(len(ids) for ids in self.accepted.values())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def samlad(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningSamlad]:
    env = clean_env()
    if backend == "postgres":
        env = clean_env(
            SAMLAD_DATABASE_URL=request.getfixturevalue("postgres_url"),
            SAMLAD_DATABASE_NAMESPACE=request.getfixturevalue("schema_namespace"),
        )
    running = RunningSamlad(tmp_path / "samlad", env)
    try:
        yield running.wait_until_up()
    finally:
        running.kill()


class Clients:
    """A case worker of each agency at its own service, and the kommun's at the case."""

    def __init__(self, samlad: RunningSamlad, tally: Tally) -> None:
        self.tally = tally
        self.http = {
            agency: httpx.AsyncClient(
                base_url=samlad.urls[agency],
                timeout=REQUEST_TIMEOUT_SECONDS,
                headers=auth_headers(samlad, agency),
            )
            for agency in AGENCIES
        }
        self.cases = httpx.AsyncClient(
            base_url=samlad.urls["coordination"],
            timeout=REQUEST_TIMEOUT_SECONDS,
            headers=auth_headers(samlad, "kommun"),
        )

    async def aclose(self) -> None:
        for client in (*self.http.values(), self.cases):
            await client.aclose()

    async def post(self, agency: str, path: str, body: Json) -> Json | None:
        """The 2xx answer; None if refused (4xx), retrying what is transient."""
        deadline = time.monotonic() + RETRY_WITHIN_SECONDS
        while True:
            try:
                response = await self.http[agency].post(path, json=body)
            except httpx.TransportError:
                pass
            else:
                if response.is_success:
                    answer: Json = response.json()
                    return answer
                if response.status_code < 500:
                    self.tally.refused[f"{agency} {response.status_code}"] += 1
                    return None
            if time.monotonic() > deadline:
                self.tally.refused[f"{agency} gave up"] += 1
                return None
            self.tally.retries += 1
            await asyncio.sleep(RETRY_PAUSE_SECONDS)

    async def timeline(self, person_ref: str) -> Counter[str] | None:
        """How often each agency event id shows on the person's timeline; None if unread."""
        seen: Counter[str] = Counter()
        offset: int | None = 0
        while offset is not None:
            try:
                response = await self.cases.get(
                    f"/cases/{person_ref}/timeline", params={"offset": offset, "limit": 100}
                )
            except httpx.TransportError:
                return None
            if response.status_code != 200:
                return None
            page = response.json()
            seen.update(item["event_id"] for item in page["items"] if item["agency"] in AGENCIES)
            offset = page["next_offset"]
        return seen


class Load:
    """One task per person, each sending its agencies' commands in turn until stopped."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self.tally = clients.tally
        self.stop = asyncio.Event()

    async def person(self, n: int) -> None:
        pnr = personnummer(date(1960 + n, 1 + n % 12, 1 + n % 28), 100 + n)
        post = self.clients.post
        identified = await post("af", "/persons", {"personnummer": pnr})
        assert identified is not None, "AF refused to identify a person"
        ref = str(identified["person_ref"])
        enrolled = await post(
            "kommun",
            "/persons",
            {"personnummer": pnr, "kommun": "Lund", "gender": "kvinna", "birth_year": 1960 + n},
        )
        if enrolled is not None:
            assert enrolled["person_ref"] == ref
            self.tally.accept(ref, enrolled)
        for agency in ("fk", "region"):
            await post(agency, "/persons", {"personnummer": pnr})
        step = 0
        while not self.stop.is_set():
            step += 1
            await self.command(ref, n, step)
            await self.accept_hand_offs(ref)
            await asyncio.sleep(PACE_SECONDS)

    async def command(self, ref: str, n: int, step: int) -> None:
        person = f"/persons/{ref}"
        steps: list[tuple[str, str, Json]] = [
            ("kommun", "/interventions", {"intervention_type": "arbetstraning"}),
            (
                "af",
                "/subsidies",
                {
                    "subsidy_kind": "lonestod",
                    "employer": "Verkstad AB",
                    "period_from": "2026-01-01",
                    "period_to": "2026-06-30",
                },
            ),
            ("fk", "/joint-assessments", {"to_agencies": ["af", "kommun"]}),
            (
                "region",
                "/sick-leave-certificates",
                {"period_from": "2026-01-01", "period_to": "2026-02-01", "extent_percent": 50},
            ),
        ]
        agency, path, body = steps[step % 4]
        if step % HAND_OFF_EVERY == 0:
            hand_off_id = f"ho-{n}-{step}"
            agency, path, body = (
                "kommun",
                "/hand-offs",
                {
                    "to_agency": "af",
                    "reason": "Behöver stöd att söka arbete",
                    "hand_off_id": hand_off_id,
                },
            )
        answer = await self.clients.post(agency, person + path, body)
        if answer is not None:
            self.tally.accept(ref, answer)
            if path == "/hand-offs":
                self.tally.requested += 1
                self.tally.hand_offs[str(answer["ids"]["hand_off_id"])] = ref

    async def accept_hand_offs(self, ref: str) -> None:
        """AF accepts the hand-offs of ``ref`` it has received; the others stay pending."""
        for hand_off_id, person_ref in list(self.tally.hand_offs.items()):
            if person_ref != ref:
                continue
            try:
                response = await self.clients.http["af"].post(
                    f"/persons/{ref}/hand-offs/{hand_off_id}/accept", json={}
                )
            except httpx.TransportError:
                continue
            if response.is_success:
                del self.tally.hand_offs[hand_off_id]
                self.tally.received.add(hand_off_id)
                self.tally.accept(ref, response.json())


def restarted(samlad: RunningSamlad, name: str) -> None:
    samlad.wait_for_line(f"{name} restarted", timeout=RESTARTED_WITHIN_SECONDS)


async def faults(samlad: RunningSamlad, tally: Tally, load_seconds: float) -> None:
    """The kill cycle (each fault once, the load running between), repeated while soaking."""
    ends = time.monotonic() + load_seconds
    while True:
        for name, argv_part in FAULTS:
            await asyncio.sleep(STEADY_SECONDS)  # pacing: the load runs meanwhile
            os.kill(samlad.child_pid(argv_part), signal.SIGKILL)
            tally.kills += 1
            await asyncio.to_thread(restarted, samlad, name)
        if time.monotonic() >= ends:
            break
    await asyncio.sleep(STEADY_SECONDS)  # a last stretch of load after the last restart


async def settle(clients: Clients, load: Load) -> dict[str, Counter[str]]:
    """Until AF accepted every hand-off and every case holds its accepted commands."""
    tally = clients.tally
    deadline = time.monotonic() + SETTLED_WITHIN_SECONDS
    while tally.hand_offs and time.monotonic() < deadline:
        for ref in set(tally.hand_offs.values()):
            await load.accept_hand_offs(ref)
        await asyncio.sleep(POLL_SECONDS)
    cases: dict[str, Counter[str]] = {}
    pending = set(tally.accepted)
    while pending and time.monotonic() < deadline:
        for ref in sorted(pending):
            seen = await clients.timeline(ref)
            if seen is not None and set(tally.accepted[ref]) <= set(seen):
                cases[ref] = seen
                pending.discard(ref)
        await asyncio.sleep(POLL_SECONDS)
    assert not pending, (
        f"{len(pending)} persons miss accepted commands in their shared case after "
        f"{SETTLED_WITHIN_SECONDS} s"
    )
    return cases


def dead_letters(samlad: RunningSamlad) -> list[Json]:
    """``samlad deadletter list --json`` on this run's data dir and nats-server."""
    env = clean_env(SAMLAD_DATA_DIR=str(samlad.data_dir), SAMLAD_NATS_URL=samlad.urls["nats"])
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "deadletter", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    letters: list[Json] = json.loads(done.stdout)
    return letters


async def test_every_accepted_command_is_in_the_shared_case_once_through_kills(
    samlad: RunningSamlad,
    backend: str,
) -> None:
    started = time.monotonic()
    tally = Tally()
    clients = Clients(samlad, tally)
    load = Load(clients)
    try:
        workers = [asyncio.create_task(load.person(n)) for n in range(PERSONS)]
        try:
            await faults(samlad, tally, SOAK_SECONDS)
        finally:
            load.stop.set()
            await asyncio.gather(*workers)
        cases = await settle(clients, load)
    finally:
        await clients.aclose()
    letters = await asyncio.to_thread(dead_letters, samlad)

    accepted = [(ref, event_id) for ref, ids in tally.accepted.items() for event_id in ids]
    once = sum(1 for ref, event_id in accepted if cases[ref][event_id] == 1)
    twice = {event_id: n for seen in cases.values() for event_id, n in seen.items() if n > 1}
    summary = (
        f"fault campaign ({backend}): {tally.commands} commands accepted, "
        f"{once} in the shared case once, {tally.requested} hand-offs accepted, "
        f"{len(tally.received)} received, {len(letters)} dead letters, {tally.kills} kills, "
        f"{tally.retries} retries, refused {dict(tally.refused)}, "
        f"{time.monotonic() - started:.0f} s"
    )
    SUMMARIES.append(summary)
    print(summary)

    assert not twice, f"applied more than once: {twice}"
    assert len(set(accepted)) == len(accepted), "one event id answered for two commands"
    assert once == tally.commands
    assert not tally.hand_offs, f"hand-offs AF never received: {sorted(tally.hand_offs)}"
    assert len(tally.received) == tally.requested
    assert tally.requested > 0
    assert tally.unpublished == 0, "a command answered without the event it published"
    assert not letters, f"dead letters: {letters}"
    assert tally.kills >= len(FAULTS)
    assert {ref for ref, _ in accepted} == set(tally.accepted)
    assert samlad.stop() == 0
