"""A three-node JetStream cluster with TLS on one machine (``samlad up --cluster``).

Each node is the real nats-server with the config :func:`render_node` renders, the same
renderer ``deploy/`` is generated from. Node ``n`` keeps its config, log and store
under ``<data_dir>/nats/<name>``; the certificates live in ``<data_dir>/nats/tls``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

import msgspec
import structlog

from adapters.nats.config import ClusterNode, render_accounts, render_node
from adapters.nats.credentials import ensure_credentials
from adapters.nats.server import EmbeddedNatsServer, NatsServerError, free_port
from adapters.nats.settings import NatsSettings
from adapters.nats.tls import TlsFiles, ensure_tls

log = structlog.get_logger(__name__)

NODE_NAMES = ("n1", "n2", "n3")
START_ATTEMPTS = 3
HOST = "127.0.0.1"


class NodePorts(msgspec.Struct, frozen=True):
    client: int
    route: int
    monitor: int

    @classmethod
    def free(cls) -> NodePorts:
        return cls(free_port(), free_port(), free_port())


class ClusterMember(EmbeddedNatsServer):
    """One node; restarted on the same ports and store, it rejoins the cluster."""

    # A node alone cannot elect a leader: ready means its JetStream is up.
    _health_path = "/healthz?js-enabled-only=true"

    def __init__(
        self,
        settings: NatsSettings,
        *,
        name: str,
        ports: NodePorts,
        peers: list[str],
        tls: TlsFiles,
    ) -> None:
        super().__init__(settings, port=ports.client, die_with_parent=True)
        self.name = name
        self._monitor_port = ports.monitor
        self.ports = ports
        self._peers = peers
        self._tls = tls

    @property
    def server_dir(self) -> Path:
        return self.settings.server_dir / self.name

    @property
    def url(self) -> str:
        return f"tls://{HOST}:{self.ports.client}"

    def _config(self, port: int, monitor_port: int) -> str:
        keys = ensure_credentials(self.settings.credentials_dir)
        # Beside nats.conf, which includes it (as deploy/nats does).
        (self.server_dir / "accounts.conf").write_text(
            render_accounts(keys, partitions=self.settings.partitions)
        )
        return render_node(
            ClusterNode(
                name=self.name,
                listen=f"{HOST}:{port}",
                monitor=f"127.0.0.1:{monitor_port}",
                route_listen=f"{HOST}:{self.ports.route}",
                routes=tuple(self._peers),
                store_dir=str(self.server_dir / "jetstream"),
                tls_dir=str(self._tls.ca.parent),
                log_file=str(self.log_file),
            )
        )


class NatsCluster:
    """Three nodes on free loopback ports; ``client_settings`` is what services use."""

    def __init__(self, settings: NatsSettings) -> None:
        self.settings = msgspec.structs.replace(settings, replicas=3)
        self.tls = ensure_tls(self.settings.server_dir / "tls")
        self.nodes = self._placed()

    def _placed(self) -> list[ClusterMember]:
        """Three nodes on free ports, each routing to all."""
        ports = {name: NodePorts.free() for name in NODE_NAMES}
        peers = [f"{HOST}:{p.route}" for p in ports.values()]
        return [
            ClusterMember(self.settings, name=name, ports=ports[name], peers=peers, tls=self.tls)
            for name in NODE_NAMES
        ]

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    @property
    def client_settings(self) -> NatsSettings:
        return msgspec.structs.replace(self.settings, url=self.url, ca=self.tls.ca)

    def node(self, name: str) -> ClusterMember:
        """The node called ``name`` (as JetStream names a stream's leader)."""
        [node] = [node for node in self.nodes if node.name == name]
        return node

    def start(self) -> None:
        # A free port can be taken between probing and binding (a busy machine): place
        # the nodes anew and try again, as a lone server does.
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once()
                return
            except NatsServerError:
                self.stop()
                if attempt == START_ATTEMPTS:
                    raise
                log.warning("nats_cluster_start_retried", attempt=attempt)
                self.nodes = self._placed()

    def _start_once(self) -> None:
        # All three first: a node waits for its peers to form the cluster.
        for node in self.nodes:
            node.spawn(node.ports.client, node.ports.monitor)
        for node in self.nodes:
            node.wait_ready()

    def stop(self) -> None:
        for node in self.nodes:
            node.terminate()
        for node in self.nodes:
            node.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
