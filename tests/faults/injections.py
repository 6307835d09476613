"""The faults the campaign injects into a running `samlad up`, from outside, as they happen.

Each fault acts on the processes, files, database or broker as an operator would see
them fail, and says in a few words what it did (the campaign prints it per fault):

- ``Kill``: SIGKILL of children (agencies, the coordination, the nats-server); the
  supervisor restarts them. With ``abandon``, it is first stopped (SIGSTOP) at a moment
  its consumers hold fetched, unacknowledged messages, so they are abandoned.
- ``StoreOutage``: on SQLite another process holds the write lock of the kommun's and
  the coordination's database files longer than the services wait for it, so commits
  fail as ``database is locked``; on PostgreSQL every connection of this deployment is
  terminated (``pg_terminate_backend``), again and again, for a few seconds.
- ``Purge``: the coordination is stopped while the kommun goes on publishing, every
  kommun message stored so far is purged, and the coordination resumes: the run it
  never read is a gap, which it asks the kommun to refill (ADR 0015).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from dataclasses import dataclass
from typing import Protocol

import psycopg

from services.cli.testing import RunningSamlad

from .bus import purge, unacked_probe
from .load import Tally

RESTARTED_WITHIN_SECONDS = 60.0
ABANDON_WITHIN_SECONDS = 5.0
PUBLISHED_WITHIN_SECONDS = 15.0
PURGE_AFTER_COMMANDS = 4  # kommun commands accepted while the coordination is stopped
# SQLite: longer than the services wait for a lock (SQLITE_LOCK_TIMEOUT, 10 s).
LOCK_HOLD_SECONDS = 11.0
LOCKED_STORES = ("kommun", "coordination")
# PostgreSQL: longer than eventsourcing's own reconnect retries (10 x 0.2 s) ride out.
TERMINATE_FOR_SECONDS = 3.0
TERMINATE_PAUSE_SECONDS = 0.05
CONDITION_POLL_SECONDS = 0.1
PROBE_PAUSE_SECONDS = 0.01  # a fetched batch is held for milliseconds


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


def argv_part(service: str) -> str:
    """What identifies a child of `samlad up` by its command line."""
    return "nats-server" if service == "nats" else f"serve {service} "


@dataclass
class Kill:
    """SIGKILL of ``services`` at once (``nats`` for the nats-server); ``abandon``: of one
    service stopped while holding fetched messages."""

    services: tuple[str, ...]
    abandon: bool = False

    @property
    def name(self) -> str:
        return f"kill {'+'.join(self.services)}" + (" (abandoning)" if self.abandon else "")

    async def inject(self, target: Target) -> str:
        samlad = target.samlad
        held = 0
        for service in self.services:
            pid = samlad.child_pid(argv_part(service))
            if self.abandon:
                held += await _stopped_holding(samlad, service, pid)
            os.kill(pid, signal.SIGKILL)
        await asyncio.to_thread(_restarted, samlad, set(self.services))
        return f"{held} fetched and abandoned" if self.abandon else "restarted"


def _restarted(samlad: RunningSamlad, services: set[str]) -> None:
    """Until the supervisor said ``<service> restarted`` of each, in whatever order."""
    deadline = time.monotonic() + RESTARTED_WITHIN_SECONDS
    waiting = {f"{service} restarted" for service in services}
    while waiting:
        waiting.discard(samlad.wait_for_line("", timeout=deadline - time.monotonic()))


async def _stopped_holding(samlad: RunningSamlad, service: str, pid: int) -> int:
    """Stop ``service`` (SIGSTOP) while its consumers hold fetched, unacknowledged
    messages; how many it holds (0 if that was not seen within the bound)."""
    deadline = time.monotonic() + ABANDON_WITHIN_SECONDS
    async with unacked_probe(samlad, service) as unacked:
        while time.monotonic() < deadline:
            if await unacked():
                os.kill(pid, signal.SIGSTOP)
                # Held still once stopped: no ack of these can follow.
                held = await unacked()
                if held:
                    return held
                os.kill(pid, signal.SIGCONT)
            await asyncio.sleep(PROBE_PAUSE_SECONDS)
    return 0


@dataclass
class StoreOutage:
    name: str = "store outage"

    async def inject(self, target: Target) -> str:
        if target.backend == "postgres":
            terminated = await _terminate(target)
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


async def _terminate(target: Target) -> int:
    end = time.monotonic() + TERMINATE_FOR_SECONDS
    terminated = 0
    while time.monotonic() < end:
        terminated += await asyncio.to_thread(
            _terminate_once, target.database_url, target.application_name
        )
        await asyncio.sleep(TERMINATE_PAUSE_SECONDS)
    return terminated


def _terminate_once(url: str, application_name: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return len(rows)


@dataclass
class Purge:
    agency: str = "kommun"

    @property
    def name(self) -> str:
        return f"purge {self.agency}"

    async def inject(self, target: Target) -> str:
        samlad, tally = target.samlad, target.tally
        coordination = samlad.child_pid(argv_part("coordination"))
        os.kill(coordination, signal.SIGSTOP)
        try:
            wanted = tally.by_agency[self.agency] + PURGE_AFTER_COMMANDS
            deadline = time.monotonic() + PUBLISHED_WITHIN_SECONDS
            while time.monotonic() < deadline:
                if tally.by_agency[self.agency] >= wanted:
                    break
                await asyncio.sleep(CONDITION_POLL_SECONDS)
            purged = await purge(samlad, self.agency)
        finally:
            os.kill(coordination, signal.SIGCONT)
        assert purged, f"nothing of {self.agency} was purged"
        return f"{purged} messages purged while the coordination was stopped"
