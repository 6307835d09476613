"""A throwaway three-node JetStream cluster on loopback, for election tests.

``async with running_cluster(tmp_path) as cluster``: three real nats-server processes
with the production authorization rules and ``sync_interval: always``, streams
provisioned with three replicas; ``cluster.kill(name)`` SIGKILLs one node.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec

from adapters.nats.config import render_accounts
from adapters.nats.credentials import ensure_credentials
from adapters.nats.server import NatsServerError, find_binary, free_port
from adapters.nats.settings import NatsSettings
from adapters.nats.testing import provision_streams

NODES = ("n1", "n2", "n3")
READY_TIMEOUT_SECONDS = 30.0
_q = json.dumps  # quoted, or the config parser reads `$JS...` as a variable


class ClusterNode(msgspec.Struct, kw_only=True):
    name: str
    port: int
    monitor_port: int
    route_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"


class RunningCluster(msgspec.Struct, kw_only=True):
    nodes: dict[str, ClusterNode]
    # Connect with these: every node's url, three replicas, the data dir's credentials.
    settings: NatsSettings

    def kill(self, name: str) -> None:
        process = self.nodes[name].process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)


def _config(node: ClusterNode, nodes: list[ClusterNode], data_dir: Path, accounts: str) -> str:
    routes = ", ".join(_q(f"nats-route://127.0.0.1:{n.route_port}") for n in nodes)
    home = data_dir / node.name
    return (
        f"server_name: {node.name}\n"
        f"listen: {_q(f'127.0.0.1:{node.port}')}\n"
        f"http: {_q(f'127.0.0.1:{node.monitor_port}')}\n"
        f"log_file: {_q(str(home / 'nats.log'))}\n"
        f"jetstream {{\n  store_dir: {_q(str(home / 'jetstream'))}\n"
        "  sync_interval: always\n}\n"
        f"cluster {{\n  name: samlad-test\n  listen: {_q(f'127.0.0.1:{node.route_port}')}\n"
        f"  routes: [{routes}]\n}}\n" + accounts
    )


def _wait_healthy(node: ClusterNode, deadline: float) -> None:
    # /healthz answers 200 once this node's JetStream is up and in touch with a leader.
    health = f"http://127.0.0.1:{node.monitor_port}/healthz"
    while time.monotonic() < deadline:
        if node.process is not None and node.process.poll() is not None:
            raise NatsServerError(f"{node.name} exited ({node.process.returncode})")
        try:
            with urllib.request.urlopen(health, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise NatsServerError(f"{node.name} not healthy within {READY_TIMEOUT_SECONDS}s")


def _start(data_dir: Path, partitions: int) -> dict[str, ClusterNode]:
    keys = ensure_credentials(data_dir / "credentials")
    accounts = render_accounts(keys, partitions=partitions)
    nodes = [ClusterNode(name=name, port=free_port(), monitor_port=free_port(),
                         route_port=free_port()) for name in NODES]  # fmt: skip
    for node in nodes:
        home = data_dir / node.name
        home.mkdir(parents=True, exist_ok=True)
        config = home / "nats.conf"
        config.write_text(_config(node, nodes, data_dir, accounts))
        with (home / "nats.stderr").open("wb") as out:
            node.process = subprocess.Popen(
                [str(find_binary()), "-c", str(config)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            )
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    for node in nodes:
        _wait_healthy(node, deadline)
    return {node.name: node for node in nodes}


def _stop(nodes: dict[str, ClusterNode]) -> None:
    for node in nodes.values():
        if node.process is not None and node.process.poll() is None:
            node.process.send_signal(signal.SIGTERM)
    for node in nodes.values():
        if node.process is not None:
            try:
                node.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait()


@asynccontextmanager
async def running_cluster(data_dir: Path, *, partitions: int = 4) -> AsyncIterator[RunningCluster]:
    nodes: dict[str, ClusterNode] = {}
    try:
        nodes.update(await asyncio.to_thread(_start, data_dir, partitions))
        settings = NatsSettings(
            data_dir=data_dir, url=",".join(n.url for n in nodes.values()), replicas=3,
            partitions=partitions,
        )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:  # the meta leader may still be being elected
            try:
                await provision_streams(settings)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        yield RunningCluster(nodes=nodes, settings=settings)
    finally:
        await asyncio.to_thread(_stop, nodes)
