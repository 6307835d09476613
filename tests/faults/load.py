"""The campaign's steady load: case workers of the four agencies, and what they saw.

One task per person sends its agencies' commands over HTTP in turn: the kommun enrols
the person, starts interventions and hands some of them off to AF, which accepts each
hand-off once it has received it; AF, FK and the region identify the person and record
facts; AF's referral and FK's lost contact make each case raise alerts.
Clients retry what is transient (no connection, 5xx); a 2xx is an accepted command.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from adapters.auth.testing import auth_headers
from services.cli.testing import RunningSamlad
from services.demo.personnummer import personnummer

AGENCIES = ("kommun", "af", "fk", "region")
PERSONS = 8
HAND_OFF_EVERY = 5  # every 5th step of a person is a hand-off from the kommun to AF
PACE_SECONDS = 0.05  # between one person's commands
# Bounds for conditions to hold, not measurements: generous on a loaded 2-core machine.
RETRY_WITHIN_SECONDS = 60.0
STEADY_WITHIN_SECONDS = 60.0
SETTLED_WITHIN_SECONDS = 90.0
RETRY_PAUSE_SECONDS = 0.2
POLL_SECONDS = 0.25
REQUEST_TIMEOUT_SECONDS = 10.0

Json = dict[str, Any]

# Commands that make each person's case raise alerts at once: AF registers and refers the
# person to
# the kind of intervention the kommun runs (duplicated work), and FK lost contact with
# the person weeks ago (business time), past the rule's threshold.
ALERTING: tuple[tuple[str, str, Json], ...] = (
    ("af", "/registration", {}),
    (
        "af",
        "/referrals",
        {
            "programme": "Arbetsträning",
            "provider": "Verkstad AB",
            "intervention_type": "arbetstraning",
        },
    ),
    ("fk", "/contact/lost", {"effective_at": "2026-01-05T09:00:00+00:00"}),
)


@dataclass
class Tally:
    """What the clients saw: accepted commands by person, hand-offs, refusals, retries.

    ``phase`` names the fault under way; the counters ``by_phase`` say what each fault
    cost the clients (accepted, retried, refused) while it lasted.
    """

    accepted: dict[str, list[str]] = field(default_factory=dict)  # ref -> event ids
    hand_offs: dict[str, str] = field(default_factory=dict)  # hand_off_id -> ref, pending
    last_answer: dict[str, str] = field(default_factory=dict)  # hand_off_id -> AF said
    received: set[str] = field(default_factory=set)  # hand-offs AF accepted
    requested: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    unpublished: int = 0
    by_agency: Counter[str] = field(default_factory=Counter)  # accepted commands
    phase: str = "start"
    by_phase: dict[str, Counter[str]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # event id -> agency and phase

    def count(self, what: str) -> None:
        self.by_phase.setdefault(self.phase, Counter())[what] += 1

    def accept(self, agency: str, person_ref: str, answer: Json) -> None:
        position = answer.get("position")
        if position is None:
            self.unpublished += 1
        else:
            self.accepted.setdefault(person_ref, []).append(str(position))
            self.origin[str(position)] = f"{agency} during {self.phase}"
            self.by_agency[agency] += 1
            self.count("accepted")

    @property
    def commands(self) -> int:
        return sum(len(ids) for ids in self.accepted.values())


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
        self.unread = ""

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
                    self.tally.count(f"refused {response.status_code}")
                    return None
                self.tally.count(f"answered {response.status_code}")
            if time.monotonic() > deadline:
                self.tally.refused[f"{agency} gave up"] += 1
                return None
            self.tally.retries += 1
            self.tally.count("retried")
            await asyncio.sleep(RETRY_PAUSE_SECONDS)

    async def timeline(self, person_ref: str) -> Counter[str] | None:
        """How often each agency event id shows on the person's timeline; None if unread
        (``unread`` then says why)."""
        seen: Counter[str] = Counter()
        offset: int | None = 0
        while offset is not None:
            try:
                response = await self.cases.get(
                    f"/cases/{person_ref}/timeline", params={"offset": offset, "limit": 100}
                )
            except httpx.TransportError as error:
                self.unread = repr(error)
                return None
            if response.status_code != 200:
                self.unread = f"{response.status_code} {response.text[:200]}"
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
        # Set once every person is past its set-up and has sent a hand-off: steady load.
        self.steady = asyncio.Event()
        self._steady_persons = 0

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
            self.tally.accept("kommun", ref, enrolled)
        for agency in ("fk", "region"):
            await post(agency, "/persons", {"personnummer": pnr})
        for agency, path, body in ALERTING:
            answer = await post(agency, f"/persons/{ref}{path}", body)
            if answer is not None:
                self.tally.accept(agency, ref, answer)
        step = 0
        while not self.stop.is_set():
            step += 1
            await self.command(ref, n, step)
            await self.accept_hand_offs(ref)
            if step == HAND_OFF_EVERY:
                self._steady_persons += 1
                if self._steady_persons == PERSONS:
                    self.steady.set()
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
            self.tally.accept(agency, ref, answer)
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
            except httpx.TransportError as error:
                self.tally.last_answer[hand_off_id] = repr(error)
                continue
            self.tally.last_answer[hand_off_id] = f"{response.status_code} {response.text[:160]}"
            if response.is_success:
                del self.tally.hand_offs[hand_off_id]
                self.tally.received.add(hand_off_id)
                self.tally.accept("af", ref, response.json())
            elif response.status_code == 409 and "already accepted" in response.text:
                # An earlier accept was committed but its answer lost (a kill, a dropped
                # connection): AF has the hand-off, and its acceptance.
                del self.tally.hand_offs[hand_off_id]
                self.tally.received.add(hand_off_id)


async def settle(clients: Clients, load: Load) -> dict[str, Counter[str]]:
    """Until AF accepted every hand-off and every case holds its accepted commands."""
    tally = clients.tally
    deadline = time.monotonic() + SETTLED_WITHIN_SECONDS
    while tally.hand_offs and time.monotonic() < deadline:
        for ref in set(tally.hand_offs.values()):
            await load.accept_hand_offs(ref)
        await asyncio.sleep(POLL_SECONDS)
    assert not tally.hand_offs, (
        f"hand-offs AF never received within {SETTLED_WITHIN_SECONDS} s, with AF's last "
        f"answer: { {h: tally.last_answer.get(h) for h in sorted(tally.hand_offs)} }"
    )
    deadline = time.monotonic() + SETTLED_WITHIN_SECONDS
    cases: dict[str, Counter[str]] = {}
    missing: dict[str, set[str]] = {ref: set(ids) for ref, ids in tally.accepted.items()}
    while missing and time.monotonic() < deadline:
        for ref in sorted(missing):
            seen = await clients.timeline(ref)
            if seen is not None:
                missing[ref] = set(tally.accepted[ref]) - set(seen)
                if not missing[ref]:
                    cases[ref] = seen
                    del missing[ref]
        await asyncio.sleep(POLL_SECONDS)
    lost = Counter(tally.origin[event_id] for ids in missing.values() for event_id in ids)
    assert not missing, (
        f"{len(missing)} persons miss accepted commands in their shared case after "
        f"{SETTLED_WITHIN_SECONDS} s: {dict(lost)}; last unread timeline: {clients.unread}"
    )
    return cases
