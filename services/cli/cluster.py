"""``samlad up --cluster`` — the production topology as processes on one machine.

Three JetStream nodes with TLS (certificates generated into the data dir), streams R3,
sync always; PostgreSQL from ``SAMLAD_DATABASE_URL``; the four agency services; two
coordination replicas splitting the partitions. Each process runs in its own directory
holding only its own NATS seed, the shared keys (one pseudonym secret for all) and,
through ``SAMLAD_JWT_PUBLIC_KEY``, only the public half of the token key. The same
supervisor as ``samlad up`` restarts whatever dies.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import msgspec

from adapters.auth.tokens import load_signing_key, public_key_text
from adapters.nats.cluster import NatsCluster
from adapters.nats.credentials import ensure_credentials, seed_path
from adapters.nats.settings import NatsSettings
from adapters.pseudonym import Pseudonymiser
from services.cli.serve import provision
from services.cli.supervisor import NatsChild, ProcessChild, Supervisor
from services.cli.up import (
    READY_TIMEOUT_SECONDS,
    child_env,
    say,
    stop_requests,
    wait_healthy,
)
from services.settings import SERVICES, Settings

AGENCY_SERVICES = tuple(s for s in SERVICES if s != "coordination")
REPLICAS = ("coordination-a", "coordination-b")


class ClusterModeError(RuntimeError):
    pass


def split_partitions(partitions: int, replicas: int) -> list[str]:
    """"0,1" and "2,3" for four partitions over two replicas: each exactly once."""
    return [",".join(str(p) for p in range(partitions) if p % replicas == r)
            for r in range(replicas)]


def process_dir(settings: Settings, name: str, service: str) -> Path:
    """``<data>/processes/<name>``: its own seed only, the shared keys, no signing key."""
    directory = settings.data_dir / "processes" / name
    credentials = directory / "credentials"
    credentials.mkdir(parents=True, exist_ok=True)
    credentials.chmod(0o700)
    own = seed_path(credentials, service)
    if not own.exists():
        shutil.copy2(seed_path(settings.nats.credentials_dir, service), own)
    keys = directory / "keys"
    if not keys.exists():
        keys.symlink_to(shared_keys(settings))
    return directory


def shared_keys(settings: Settings) -> Path:
    return settings.data_dir / "shared" / "keys"


def cluster_env(settings: Settings, nats: NatsSettings, public_key: str) -> dict[str, str]:
    assert nats.url is not None and nats.ca is not None  # a started cluster's settings
    env = child_env(settings, nats.url)
    # Services verify tokens; none of them may hold the key that signs them.
    env.pop("SAMLAD_JWT_SIGNING_KEY", None)
    return env | {
        "SAMLAD_NATS_REPLICAS": "3",
        "SAMLAD_NATS_CA": str(nats.ca),
        "SAMLAD_JWT_PUBLIC_KEY": public_key,
        "SAMLAD_DEV_LOGIN": "0",
    }


def up_cluster(settings: Settings, *, services: tuple[str, ...] = SERVICES) -> int:
    if not settings.database_url:
        raise ClusterModeError(
            "samlad up --cluster needs PostgreSQL: set SAMLAD_DATABASE_URL "
            "(e.g. postgresql://user@127.0.0.1:5432/samlad)")
    stopping = stop_requests()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_credentials(settings.nats.credentials_dir)
    # One pseudonym secret for every agency, or one person gets two refs.
    shared_keys(settings).mkdir(parents=True, exist_ok=True)
    Pseudonymiser.from_file(shared_keys(settings) / "pseudonym.key")
    # The signing key stays in the operator's data dir; services get its public half.
    public_key = public_key_text(load_signing_key(settings.data_dir))
    cluster = NatsCluster(msgspec.structs.replace(settings.nats, replicas=3))
    supervisor = Supervisor(say)
    cluster.start()
    for node in cluster.nodes:
        supervisor.add(NatsChild(f"nats-{node.name}", node))
    try:
        nats = cluster.client_settings
        provision(nats, patience=READY_TIMEOUT_SECONDS)
        say(f"nats {nats.url}")
        say(f"nats-ca {nats.ca}")
        env = cluster_env(settings, nats, public_key)
        children: dict[str, tuple[ProcessChild, str]] = {}
        for service in services:
            names = REPLICAS if service == "coordination" else (service,)
            owned = split_partitions(settings.partitions, len(names))
            for index, name in enumerate(names):
                port = settings.ports.get(name, settings.ports[service] + 1000 * index)
                own_dir = process_dir(settings, name, service)
                child_settings = dict(env, SAMLAD_DATA_DIR=str(own_dir))
                if service == "coordination":
                    child_settings["SAMLAD_PARTITIONS_OWNED"] = owned[index]
                child = ProcessChild(
                    name,
                    [sys.executable, "-m", "services.cli.main", "serve", service,
                     "--port", str(port), "--host", settings.host],
                    child_settings, settings.data_dir / "logs" / f"{name}.log",
                )
                child.start()
                supervisor.add(child)
                children[name] = (child, f"http://{settings.host}:{port}")
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        for name, (child, url) in children.items():
            service = "coordination" if name in REPLICAS else name
            wait_healthy(service, url, child, deadline, stopping)
            say(f"{name} {url}")
        say(f"logs {settings.data_dir / 'logs'}")
        say("samlad is up (cluster); Ctrl-C stops it")
        supervisor.run(stopping)
        return 0
    finally:
        supervisor.stop(brokers=tuple(f"nats-{node.name}" for node in cluster.nodes))
        say("samlad stopped")
