"""The TLS cluster `samlad up --cluster` runs: clients need the CA, and say so if not.

Three real nats-server nodes with configs from ``render_node`` and certificates from
``ensure_tls``. A client given the CA (``SAMLAD_NATS_CA``) provisions R3 streams; one
without it, or with another CA, gets a clear error at once instead of retrying forever.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.nats.cluster import NatsCluster
from adapters.nats.connection import connect
from adapters.nats.names import ADMIN, EVENTS_STREAM
from adapters.nats.settings import NatsSettings
from adapters.nats.tls import ensure_tls
from services.cli.serve import provision

PROVISION_EXITS_WITHIN_SECONDS = 60


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    with NatsCluster(NatsSettings(data_dir=tmp_path, replicas=3)) as cluster:
        yield cluster


async def test_a_client_with_the_ca_provisions_replicated_streams(cluster: NatsCluster) -> None:
    settings = cluster.client_settings
    # provision runs its own event loop (as the command line does): from a thread here.
    await asyncio.to_thread(provision, settings, patience=60)
    admin = await connect(settings, ADMIN)
    try:
        info = await admin.jetstream(timeout=10).stream_info(EVENTS_STREAM)
    finally:
        await admin.close()
    assert info.config.num_replicas == 3


@pytest.mark.parametrize("ca", ["none", "another"])
def test_provision_without_the_right_ca_fails_at_once_with_the_reason(
    ca: str, cluster: NatsCluster, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMLAD_")} | {
        "SAMLAD_DATA_DIR": str(cluster.settings.data_dir),
        "SAMLAD_NATS_URL": cluster.url,
    }
    if ca == "another":
        env["SAMLAD_NATS_CA"] = str(ensure_tls(tmp_path / "other-ca").ca)
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "provision"], check=False, env=env,
        capture_output=True, text=True, timeout=PROVISION_EXITS_WITHIN_SECONDS,
    )
    assert done.returncode == 1
    assert "SAMLAD_NATS_CA" in done.stderr
