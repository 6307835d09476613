"""``samlad up`` — nats-server and every service as child processes, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from adapters.nats.server import EmbeddedNatsServer
from services.cli.serve import provision
from services.settings import SERVICES, Settings

READY_TIMEOUT_SECONDS = 60.0


def parse_services(text: str) -> tuple[str, ...]:
    """``--services``: a comma-separated subset; ``""`` or ``none`` for NATS alone."""
    if text.strip().lower() in ("", "none"):
        return ()
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in chosen if name not in SERVICES]
    if unknown:
        raise SystemExit(f"samlad up --services: unknown {', '.join(unknown)}; "
                         f"choose from {', '.join(SERVICES)} or none")
    return chosen


def child_env(settings: Settings, nats_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "SAMLAD_DATA_DIR": str(settings.data_dir),
        "SAMLAD_NATS_URL": nats_url,
        "SAMLAD_NATS_PARTITIONS": str(settings.partitions),
        "SAMLAD_NATS_REPLICAS": "1",
    }
    if settings.database_url:
        env["SAMLAD_DATABASE_URL"] = settings.database_url
    return env


def start_service(service: str, settings: Settings, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"{service}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", service,
             "--port", str(settings.ports[service]), "--host", settings.host],
            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        )


def start_checkpoints(
    settings: Settings, env: dict[str, str], every: float
) -> subprocess.Popen[bytes]:
    """Signed chain heads on NATS at intervals, so a rewritten store is caught."""
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "audit.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "audit", "checkpoint",
             "--every", str(every)],
            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        )


def wait_healthy(
    service: str, url: str, process: subprocess.Popen[bytes], deadline: float
) -> None:
    """Healthy means *our* service answers: another program may hold the port."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{service} exited with {process.returncode}; see the logs dir")
        try:
            answer = httpx.get(f"{url}/health", timeout=1.0)
            if answer.status_code == 200 and answer.json().get("service") == service:
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{service} at {url} did not become healthy")


def up(
    settings: Settings, *, demo: bool, demo_persons: int,
    services: tuple[str, ...] = SERVICES,
    checkpoint_every: float = 60.0,
) -> int:
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedNatsServer(settings.nats)
    server.start()
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        provision(server.client_settings)
        print(f"nats {server.url}", flush=True)
        env = child_env(settings, server.url)
        for service in services:
            children[service] = start_service(service, settings, env)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        for service in services:
            wait_healthy(service, settings.url_of(service), children[service], deadline)
            print(f"{service} {settings.url_of(service)}", flush=True)
        print(f"ui {settings.url_of('coordination')}/ui", flush=True)
        if checkpoint_every:
            children["audit"] = start_checkpoints(settings, env, checkpoint_every)
        if demo:
            from services.demo.loader import load_demo

            load_demo(settings, persons=demo_persons)
        print(f"logs {settings.data_dir / 'logs'}", flush=True)
        print("samlad is up; Ctrl-C stops it", flush=True)
        while not stopping:
            for service, process in children.items():
                if process.poll() is not None:
                    print(f"{service} exited with {process.returncode}", file=sys.stderr)
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        for process in children.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in children.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        server.stop()
        print("samlad stopped", flush=True)


def data_dir_default() -> Path:
    return Path(os.environ.get("SAMLAD_DATA_DIR", ".samlad"))
