"""Keep `samlad up`'s children running: restart the dead with back-off, stop on request.

A child is anything with ``start()``, ``alive``, ``exit_code`` and ``stop()``: a service
process, the checkpoint job, a nats-server node. A child that dies is started again
after a back-off that doubles on each quick death (1 s up to 30 s) and resets once it
has stayed up for a while; each death and restart is said on the terminal. Only a
request (Ctrl-C, SIGTERM) stops the whole: services first, then the broker, bounded.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from adapters.lifetime import die_with_parent
from adapters.nats.server import EmbeddedNatsServer

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
# Up this long counts as recovered: the next death starts the back-off afresh.
STABLE_AFTER_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 15.0
POLL_SECONDS = 0.2


class Child(Protocol):
    name: str

    def start(self) -> None: ...

    @property
    def alive(self) -> bool: ...

    @property
    def exit_code(self) -> int | None: ...

    def terminate(self) -> None: ...

    def wait_stopped(self, timeout: float) -> None: ...


class ProcessChild:
    """A command as a child process, its output appended to ``log``."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self._argv = list(argv)
        self._env = env
        self._log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._log.parent.mkdir(parents=True, exist_ok=True)
        with self._log.open("ab") as out:
            self.process = subprocess.Popen(
                self._argv, env=self._env, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - prctl only, async-signal-safe
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def terminate(self) -> None:
        if self.alive:
            assert self.process is not None  # alive implies started
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(timeout, 0.0))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class NatsChild:
    """A nats-server node; restarted on the same ports, so clients find it again."""

    def __init__(self, name: str, server: EmbeddedNatsServer) -> None:
        self.name = name
        self.server = server

    def start(self) -> None:
        self.server.start()

    @property
    def alive(self) -> bool:
        return self.server.running

    @property
    def exit_code(self) -> int | None:
        return self.server.exit_code

    def terminate(self) -> None:
        self.server.terminate()

    def wait_stopped(self, timeout: float) -> None:
        self.server.stop(timeout=timeout)


class _Watch:
    def __init__(self) -> None:
        self.started_at = time.monotonic()
        self.backoff = FIRST_BACKOFF_SECONDS
        self.restart_at: float | None = None


class Supervisor:
    """``supervisor.add(child)`` as started; ``run(stopping)`` until asked to stop."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self._say = say
        self._children: list[Child] = []
        self._watches: dict[str, _Watch] = {}

    def add(self, child: Child) -> None:
        """Track a child that has been started."""
        self._children.append(child)
        self._watches[child.name] = _Watch()

    def run(self, stopping: Callable[[], bool]) -> None:
        while not stopping():
            self.check()
            time.sleep(POLL_SECONDS)

    def check(self) -> None:
        """One round: notice deaths, restart those whose back-off is over."""
        now = time.monotonic()
        for child in self._children:
            watch = self._watches[child.name]
            if child.alive:
                if now - watch.started_at > STABLE_AFTER_SECONDS:
                    watch.backoff = FIRST_BACKOFF_SECONDS
                continue
            if watch.restart_at is None:
                watch.restart_at = now + watch.backoff
                self._say(f"{child.name} exited with {child.exit_code}; "
                          f"restarting in {watch.backoff:.0f} s")
                continue
            if now < watch.restart_at:
                continue
            watch.restart_at = None
            watch.backoff = min(watch.backoff * 2, MAX_BACKOFF_SECONDS)
            watch.started_at = now
            try:
                child.start()
            except Exception as error:  # a failed start counts as one more death
                self._say(f"{child.name} failed to start: {error}")
                continue
            self._say(f"{child.name} restarted")

    def stop(self, *, brokers: Sequence[str] = ()) -> None:
        """Services first (in parallel), the broker nodes last; each stage bounded."""
        stages = [
            [c for c in self._children if c.name not in brokers],
            [c for c in self._children if c.name in brokers],
        ]
        for stage in stages:
            for child in stage:
                child.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
            for child in stage:
                child.wait_stopped(deadline - time.monotonic())
