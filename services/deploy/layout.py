"""The committed files under `deploy/` that are rendered, never hand-written.

The node configs come from ``adapters.nats.config.render_node`` and the example
accounts file from the permission table (``adapters.nats.permissions``): the same code
the embedded server and `samlad deploy secrets` use, so `deploy/` cannot drift from
what the tests exercise (tests/unit/deploy checks the committed files equal this).
"""

from __future__ import annotations

from adapters.nats.config import ClusterNode, render_accounts, render_node
from adapters.nats.names import SERVICES
from adapters.nats.settings import DEFAULT_PARTITIONS

NODE_NAMES = ("nats-1", "nats-2", "nats-3")
CLIENT_PORT = 4222
ROUTE_PORT = 6222
MONITOR = "127.0.0.1:8222"
TLS_DIR = "/etc/nats/tls"
STORE_DIR = "/data/jetstream"
"""Where compose mounts each node's volume (and the Helm chart its PVC): on the volume."""

CLIENT_URLS = ",".join(f"tls://{name}:{CLIENT_PORT}" for name in NODE_NAMES)


def cluster_nodes() -> list[ClusterNode]:
    routes = tuple(f"{name}:{ROUTE_PORT}" for name in NODE_NAMES)
    return [
        ClusterNode(
            name=name, listen=f"0.0.0.0:{CLIENT_PORT}", monitor=MONITOR,
            route_listen=f"0.0.0.0:{ROUTE_PORT}", routes=routes, store_dir=STORE_DIR,
            tls_dir=TLS_DIR,
        )
        for name in NODE_NAMES
    ]


def _node_header(index: int) -> str:
    return (
        f"Samlad production JetStream node {index} of {len(NODE_NAMES)}: same as the others\n"
        "but server_name. Rendered by `samlad deploy render deploy`: do not edit.\n"
        f"Clients: SAMLAD_NATS_URL={CLIENT_URLS}\n"
        "         SAMLAD_NATS_CA=<the ca.crt of `samlad deploy secrets`>"
    )


def placeholder_keys() -> dict[str, str]:
    return {s: f"U{s.upper()}_PUBLIC_NKEY_FROM_samlad_deploy_secrets" for s in SERVICES}


def rendered_files(partitions: int = DEFAULT_PARTITIONS) -> dict[str, str]:
    """Path under ``deploy/`` → content."""
    files = {
        f"nats/{node.name}.conf": render_node(node, header=_node_header(index))
        for index, node in enumerate(cluster_nodes(), start=1)
    }
    files["nats/accounts.example.conf"] = (
        "# EXAMPLE ONLY: the nkeys are placeholders and the server will reject them.\n"
        "# The real file: `samlad deploy secrets ./secrets` writes secrets/nats/accounts.conf.\n"
        + render_accounts(placeholder_keys(), partitions=partitions)
    )
    return files
