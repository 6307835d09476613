"""``RunningSamlad`` — `samlad up` as a child process on free ports, as a user starts it.

For end-to-end tests: it reads the ``name url`` lines ``samlad up`` prints until it says
it is up, and stops it with SIGTERM as Ctrl-C or an orchestrator would.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from adapters.nats.server import free_port
from services.settings import SERVICES, Settings

START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 45.0

# What would point `samlad up` at another deployment's directory, NATS or database.
ELSEWHERE = ("SAMLAD_DATA_DIR", "SAMLAD_NATS_URL", "SAMLAD_DATABASE_URL",
             "SAMLAD_DATABASE_NAMESPACE", "SAMLAD_PARTITIONS_OWNED")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without another deployment's settings."""
    env = {k: v for k, v in os.environ.items() if k not in ELSEWHERE}
    return env | {"SAMLAD_LOG_LEVEL": "WARNING"} | extra


class RunningSamlad:
    """A started `samlad up`: its process, its data dir and the URL of each service."""

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, *, cluster: bool = False,
        services: tuple[str, ...] = SERVICES,
    ) -> None:
        self.data_dir = data_dir  # its keys sign the tests' tokens (auth_headers)
        self.urls: dict[str, str] = {}
        ports = [arg for service in SERVICES for arg in (f"--{service}-port", str(free_port()))]
        if cluster:
            ports += ["--cluster", "--coordination-b-port", str(free_port())]
        if services != SERVICES:
            ports += ["--services", ",".join(services)]
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with (data_dir.parent / f"{data_dir.name}-up.log").open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "up", "--data-dir", str(data_dir),
                 *ports],
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True,
                env=clean_env() if env is None else env,
            )
        self._lines: queue.Queue[str | None] = queue.Queue()
        # A thread reads, so the deadline holds even while the process prints nothing.
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None  # set by Popen above
        for line in self.process.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def wait_until_up(self, timeout: float = START_TIMEOUT_SECONDS) -> RunningSamlad:
        """Until it says it is up; the ``name url`` lines before fill ``urls``."""
        deadline = time.monotonic() + timeout
        while not (line := self._next_line(deadline, "samlad is up")).startswith("samlad is up"):
            name, _, url = line.partition(" ")
            if "://" in url:
                self.urls[name] = url
        return self

    def wait_for_line(self, prefix: str, timeout: float = START_TIMEOUT_SECONDS) -> str:
        """The next line `samlad up` prints that starts with ``prefix``."""
        deadline = time.monotonic() + timeout
        while not (line := self._next_line(deadline, prefix)).startswith(prefix):
            pass
        return line

    def _next_line(self, deadline: float, awaited: str) -> str:
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"samlad up exited with {self.process.wait()} "
                                   f"before printing {awaited!r}")
            return line
        raise TimeoutError(f"samlad up did not print {awaited!r} in time")

    def child_pid(self, argv_part: str) -> int:
        """The pid of the child whose command line holds ``argv_part`` (Linux /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if argv_part in cmdline:
                return int(pid)
        raise LookupError(f"no child of samlad up runs {argv_part!r}")

    def stop(self) -> int:
        """SIGTERM and the exit code; killed if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


AGENCY_STORES = ("kommun", "af", "fk", "region")


def _outboxes_caught_up(data_dir: Path) -> bool:
    import sqlite3

    for agency in AGENCY_STORES:
        with sqlite3.connect(data_dir / "stores" / f"{agency}.sqlite") as db:
            last = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] or 0
            row = db.execute(
                "SELECT notification_id FROM tracking WHERE application_name = 'outbox'"
            ).fetchone()
        if (row[0] if row else 0) < last:
            return False
    return True


async def _consumers_caught_up(settings: Settings) -> bool:
    from adapters.nats.connection import connect
    from adapters.nats.names import EVENTS_STREAM, coordination_consumer

    client = await connect(settings.nats, "admin")
    try:
        js = client.jetstream()
        for partition in range(settings.partitions):
            info = await js.consumer_info(EVENTS_STREAM, coordination_consumer(partition))
            if info.num_pending or info.num_ack_pending:
                return False
        return True
    finally:
        await client.close()


def demo_settled(data_dir: Path, settings: Settings) -> bool:
    """Whether every agency's outbox has published all it stored (SQLite data dir) and
    every coordination partition has applied all that was published."""
    import asyncio

    return _outboxes_caught_up(data_dir) and asyncio.run(_consumers_caught_up(settings))
