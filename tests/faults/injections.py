"""The faults the campaign injects into a running `samlad up`, from outside, as they happen.

Each fault acts on the processes, files, database or broker as an operator would see
them fail, and says in a few words what it did (the campaign prints it per fault):

- ``Kill``: SIGKILL of children (agencies, the coordination, the nats-server); the
  supervisor restarts them. Those ``abandoning`` are first stopped (SIGSTOP) at a
  moment their consumers hold fetched, unacknowledged messages, which they abandon.
- ``StoreOutage``: on SQLite another process holds the write lock of the kommun's and
  the coordination's database files longer than the services wait for it, so commits
  fail as ``database is locked``; on PostgreSQL every connection of this deployment is
  terminated (``pg_terminate_backend``), again and again, for a few seconds.
- ``Purge``: the coordination is stopped while the kommun goes on publishing; once no
  pull of the coordination is waiting (nothing more can reach it) and a few more kommun
  messages are stored, every kommun message is purged and the coordination resumes:
  the run it never received is a gap, which it asks the kommun to refill (ADR 0015).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from adapters.nats.consumer import POLL_SECONDS as PULL_EXPIRES_SECONDS
from adapters.nats.names import EVENTS_STREAM
from adapters.store.testing import postgres_outage
from services.cli.testing import RunningSamlad

from .bus import (
    coordination_pulls_waiting,
    handoffs_all_acked,
    operator,
    purge,
    stored,
    unacked_probe,
)
from .load import Tally

RESTARTED_WITHIN_SECONDS = 60.0
ABANDON_WITHIN_SECONDS = 5.0
PUBLISHED_WITHIN_SECONDS = 15.0
PURGE_AFTER_MESSAGES = 4  # stored while the coordination can receive nothing
# SQLite: longer than the services wait for a lock (SQLITE_LOCK_TIMEOUT, 10 s).
LOCK_HOLD_SECONDS = 11.0
LOCKED_STORES = ("kommun", "coordination")
# PostgreSQL: longer than eventsourcing's own reconnect retries (10 x 0.2 s) ride out.
TERMINATE_FOR_SECONDS = 3.0
CONDITION_POLL_SECONDS = 0.1
PROBE_PAUSE_SECONDS = 0.05


@dataclass
class Target:
    """What a fault acts on: the running deployment, its backend, what the clients see."""

    samlad: RunningSamlad
    backend: str
    tally: Tally
    database_url: str  # "" on SQLite
    application_name: str  # libpq's name of every PostgreSQL connection of the deployment


class Fault(Protocol):
    @property
    def name(self) -> str: ...

    async def inject(self, target: Target) -> str:
        """Inject the fault, wait until the system is whole again; what was done."""
        ...


async def _until(condition: Callable[[], Awaitable[bool]], within: float) -> None:
    """Until ``condition`` holds or ``within`` seconds passed (the caller checks)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(CONDITION_POLL_SECONDS)


def argv_part(service: str) -> str:
    """What identifies a child of `samlad up` by its command line."""
    return "nats-server" if service == "nats" else f"serve {service} "


@dataclass
class Kill:
    """SIGKILL of ``services`` at once (``nats`` for the nats-server); those also in
    ``abandoning`` are first stopped while they hold fetched messages."""

    services: tuple[str, ...]
    abandoning: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        name = f"kill {'+'.join(self.services)}"
        return f"{name} (abandoning)" if self.abandoning else name

    async def inject(self, target: Target) -> str:
        samlad = target.samlad
        held: dict[str, int] = {}
        for service in self.services:
            pid = samlad.child_pid(argv_part(service))
            if service in self.abandoning:
                held[service] = await _stopped_holding(samlad, service, pid)
            os.kill(pid, signal.SIGKILL)
        await asyncio.to_thread(_restarted, samlad, set(self.services))
        abandoned = ", ".join(f"{service} {n}" for service, n in held.items())
        return f"restarted; fetched and abandoned: {abandoned}" if held else "restarted"


def _restarted(samlad: RunningSamlad, services: set[str]) -> None:
    """Until the supervisor said ``<service> restarted`` of each, in whatever order."""
    deadline = time.monotonic() + RESTARTED_WITHIN_SECONDS
    waiting = {f"{service} restarted" for service in services}
    while waiting:
        waiting.discard(samlad.wait_for_line("", timeout=deadline - time.monotonic()))


async def _stopped_holding(samlad: RunningSamlad, service: str, pid: int) -> int:
    """``service`` stopped (SIGSTOP) holding fetched, unacknowledged messages; how many
    (0 if that was not seen within the bound).

    Stopped, the process still has pull requests waiting at the server, which delivers
    new messages to it until they expire; resumed for a moment, it asks again.
    """
    deadline = time.monotonic() + ABANDON_WITHIN_SECONDS
    async with unacked_probe(samlad, service) as unacked:
        while time.monotonic() < deadline:
            os.kill(pid, signal.SIGSTOP)
            pull_expires = time.monotonic() + PULL_EXPIRES_SECONDS
            while time.monotonic() < min(pull_expires, deadline):
                held = await unacked()
                if held:
                    return held
                await asyncio.sleep(PROBE_PAUSE_SECONDS)
            os.kill(pid, signal.SIGCONT)
            await asyncio.sleep(PROBE_PAUSE_SECONDS)  # pacing: it pulls again meanwhile
    return 0


@dataclass
class StoreOutage:
    name: str = "store outage"

    async def inject(self, target: Target) -> str:
        if target.backend == "postgres":
            terminated = await postgres_outage(
                target.database_url, target.application_name, TERMINATE_FOR_SECONDS
            )
            assert terminated, "no connection of the deployment was terminated"
            return f"{terminated} connections terminated in {TERMINATE_FOR_SECONDS:.0f} s"
        stores = target.samlad.data_dir / "stores"
        await asyncio.gather(
            *(
                asyncio.to_thread(_hold_write_lock, str(stores / f"{name}.sqlite"))
                for name in LOCKED_STORES
            )
        )
        return f"write lock of {', '.join(LOCKED_STORES)} held {LOCK_HOLD_SECONDS:.0f} s"


def _hold_write_lock(path: str) -> None:
    """Another process's writer holding the lock, as long as the fault lasts."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        time.sleep(LOCK_HOLD_SECONDS)  # the fault's length, not a wait for a condition
        connection.execute("ROLLBACK")
    finally:
        connection.close()


@dataclass
class Purge:
    """The coordination stopped, ``agency``'s messages purged, among them some stored
    once no pull of the coordination was waiting: never delivered, so a gap.

    Only what every agency's inbound hand-off consumer has acknowledged is purged: the
    refill answers the gaps the coordination sees, and an agency's inbound consumer
    (which reads only hand-offs) has no gap detection of its own. A hand-off purged
    before its receiver read it is lost to the receiver until ``hand_off_unanswered``
    names it to both agencies (a known limit, docs/operating.md)."""

    agency: str = "kommun"

    @property
    def name(self) -> str:
        return f"purge {self.agency}"

    async def inject(self, target: Target) -> str:
        coordination = target.samlad.child_pid(argv_part("coordination"))
        async with operator(target.samlad) as js:
            os.kill(coordination, signal.SIGSTOP)
            try:

                async def no_pull_waiting() -> bool:
                    return not await coordination_pulls_waiting(js)

                await _until(no_pull_waiting, PUBLISHED_WITHIN_SECONDS)
                before = await stored(js, self.agency)

                async def more_stored() -> bool:
                    return await stored(js, self.agency) >= before + PURGE_AFTER_MESSAGES

                await _until(more_stored, PUBLISHED_WITHIN_SECONDS)
                unread = await stored(js, self.agency) - before
                upto = (await js.stream_info(EVENTS_STREAM)).state.last_seq + 1

                async def received_by_agencies() -> bool:
                    return await handoffs_all_acked(js)

                await _until(received_by_agencies, PUBLISHED_WITHIN_SECONDS)
                purged = await purge(js, self.agency, below=upto)
            finally:
                os.kill(coordination, signal.SIGCONT)
        assert unread >= PURGE_AFTER_MESSAGES, f"{self.agency} published too little"
        return f"{purged} messages purged, {unread} of them never delivered to the coordination"
