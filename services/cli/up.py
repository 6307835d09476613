"""``samlad up`` — nats-server and every service as supervised child processes, until
Ctrl-C or SIGTERM (services/cli/supervisor.py restarts a child that dies)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from adapters.keyfile import read_or_create_key
from adapters.nats.server import EmbeddedNatsServer
from services.cli.serve import provision
from services.cli.supervisor import NatsChild, ProcessChild, Supervisor
from services.settings import AGENCY_SERVICES, SERVICES, Settings

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
        # The coordination reaches the agencies: the UI asks the viewer's own agency for
        # what it alone knows; the person's page sends a consent to the agency keeping it.
        "SAMLAD_AGENCY_URLS": ",".join(
            f"{agency}={settings.agency_url(agency)}" for agency in AGENCY_SERVICES),
        "SAMLAD_NATS_PARTITIONS": str(settings.partitions),
        "SAMLAD_NATS_REPLICAS": "1",
    }
    if settings.database_url:
        env["SAMLAD_DATABASE_URL"] = settings.database_url
    return env


def service_child(service: str, settings: Settings, env: dict[str, str]) -> ProcessChild:
    return ProcessChild(
        service,
        [sys.executable, "-m", "services.cli.main", "serve", service,
         "--port", str(settings.ports[service]), "--host", settings.host],
        env, settings.data_dir / "logs" / f"{service}.log",
    )


def checkpoint_child(settings: Settings, env: dict[str, str], every: float) -> ProcessChild:
    """Signed chain heads on NATS at intervals, so a rewritten store is caught."""
    return ProcessChild(
        "audit",
        [sys.executable, "-m", "services.cli.main", "audit", "checkpoint", "--every", str(every)],
        env, settings.data_dir / "logs" / "audit.log",
    )


def wait_healthy(
    service: str, url: str, child: ProcessChild, deadline: float, stopping: Callable[[], bool]
) -> None:
    """Healthy means *our* service answers: another program may hold the port."""
    while time.monotonic() < deadline and not stopping():
        if not child.alive:
            raise RuntimeError(f"{service} exited with {child.exit_code}; see the logs dir")
        try:
            answer = httpx.get(f"{url}/health", timeout=1.0)
            if answer.status_code == 200 and answer.json().get("service") == service:
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    if not stopping():
        raise TimeoutError(f"{service} at {url} did not become healthy")


def stop_requests() -> Callable[[], bool]:
    """Ctrl-C and SIGTERM ask for a stop; the returned function says whether one came."""
    requested = threading.Event()

    def request_stop(*_: object) -> None:
        requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return requested.is_set


def say(line: str) -> None:
    print(line, flush=True)


def up(
    settings: Settings, *, demo: bool, demo_persons: int,
    services: tuple[str, ...] = SERVICES,
    checkpoint_every: float = 60.0,
) -> int:
    stopping = stop_requests()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Integrators compute person references with it (docs/integrating.md, step 1), even
    # before an agency service has started and created it.
    read_or_create_key(settings.pseudonym_key_file)
    supervisor = Supervisor(say)
    server = EmbeddedNatsServer(settings.nats, die_with_parent=True)
    server.start()
    supervisor.add(NatsChild("nats", server))
    try:
        provision(server.client_settings)
        say(f"nats {server.url}")
        env = child_env(settings, server.url)
        children = {service: service_child(service, settings, env) for service in services}
        for child in children.values():
            child.start()
            supervisor.add(child)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        for service, child in children.items():
            wait_healthy(service, settings.url_of(service), child, deadline, stopping)
            say(f"{service} {settings.url_of(service)}")
        say(f"ui {settings.url_of('coordination')}/ui")
        if checkpoint_every:
            checkpoints = checkpoint_child(settings, env, checkpoint_every)
            checkpoints.start()
            supervisor.add(checkpoints)
        if demo:
            from services.demo.loader import load_demo

            load_demo(settings, persons=demo_persons)
        say(f"logs {settings.data_dir / 'logs'}")
        say("samlad is up; Ctrl-C stops it")
        supervisor.run(stopping)
        return 0
    finally:
        supervisor.stop(brokers=("nats",))
        say("samlad stopped")


def data_dir_default() -> Path:
    return Path(os.environ.get("SAMLAD_DATA_DIR", ".samlad"))
