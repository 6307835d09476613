"""`samlad up --cluster` under faults: every accepted command is in the shared case once.

The production topology on one machine (3 TLS JetStream nodes, R3 streams, PostgreSQL,
four agencies, two coordination replicas splitting the partitions). A load of kommun
commands runs over HTTP; the events stream's leader node and one coordination replica
are SIGKILLed in the middle and restarted by the supervisor; afterwards every command
that was answered 2xx shows in its person's shared case exactly once. During the
outage the other replica answers reads with how fresh each partition is.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import ADMIN, EVENTS_STREAM
from adapters.nats.settings import NatsSettings
from services.cli.testing import RunningSamlad, clean_env
from services.demo.personnummer import personnummer

PERSONS = 12
INTERVENTIONS_PER_ROUND = 2
SETTLED_WITHIN_SECONDS = 120.0

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str, schema_namespace: str) -> Iterator[RunningSamlad]:
    env = clean_env(SAMLAD_DATABASE_URL=postgres_url, SAMLAD_DATABASE_NAMESPACE=schema_namespace,
                    SAMLAD_NATS_LEASE_TTL="3")
    samlad = RunningSamlad(tmp_path / "samlad", env, cluster=True)
    try:
        yield samlad.wait_until_up()
    finally:
        samlad.kill()


async def stream_leader(samlad: RunningSamlad) -> str:
    settings = NatsSettings(data_dir=samlad.data_dir, url=samlad.urls["nats"], replicas=3,
                            ca=samlad.data_dir / "nats" / "tls" / "ca.crt")
    admin = await connect(settings, ADMIN)
    try:
        info = await admin.jetstream(timeout=10).stream_info(EVENTS_STREAM)
        assert info.cluster is not None and info.cluster.leader
        return str(info.cluster.leader)
    finally:
        await admin.close()


class Load:
    """Kommun commands over HTTP; remembers what was accepted."""

    def __init__(self, samlad: RunningSamlad) -> None:
        self.kommun = httpx.Client(base_url=samlad.urls["kommun"], timeout=10,
                                   headers=auth_headers(samlad, "kommun"))
        self.accepted: dict[str, list[str]] = {}

    def enrol(self, count: int) -> None:
        for n in range(count):
            response = self.kommun.post("/persons", json={
                "personnummer": personnummer(date(1980, 1, 1 + n), 100 + n), "kommun": "Lund",
                "gender": "kvinna", "birth_year": 1980})
            assert response.status_code in (200, 201), response.text
            self.accepted[response.json()["person_ref"]] = []

    def round(self) -> None:
        for person_ref, ids in self.accepted.items():
            for _ in range(INTERVENTIONS_PER_ROUND):
                try:
                    response = self.kommun.post(f"/persons/{person_ref}/interventions",
                                                json={"intervention_type": "arbetstraning"})
                except httpx.HTTPError:
                    continue  # not accepted, so not counted
                if response.status_code in (200, 201):
                    ids.append(response.json()["ids"]["intervention_id"])


def case_interventions(samlad: RunningSamlad, person_ref: str) -> Counter[str] | None:
    headers = auth_headers(samlad, "kommun")
    for replica in ("coordination-a", "coordination-b"):
        try:
            response = httpx.get(f"{samlad.urls[replica]}/cases/{person_ref}", headers=headers,
                                 timeout=5)
        except httpx.HTTPError:
            continue
        if response.status_code == 200:
            state = response.json()["state"]
            return Counter(i["intervention_id"] for i in state["interventions"])
    return None


def wait_restarted(samlad: RunningSamlad, names: set[str]) -> None:
    """Until the supervisor has said "<name> restarted" for each of ``names``."""
    waiting = set(names)
    while waiting:
        name, _, said = samlad.wait_for_line("", timeout=SETTLED_WITHIN_SECONDS).partition(" ")
        if said == "restarted":
            waiting.discard(name)


def test_a_cluster_losing_its_stream_leader_and_a_replica_keeps_every_command_once(
    cluster: RunningSamlad,
) -> None:
    load = Load(cluster)
    load.enrol(PERSONS)
    load.round()

    leader = asyncio.run(stream_leader(cluster))
    os.kill(cluster.child_pid(f"nats/{leader}/nats.conf"), signal.SIGKILL)
    replica_port = cluster.urls["coordination-a"].rsplit(":", 1)[1]
    os.kill(cluster.child_pid(f"--port {replica_port}"), signal.SIGKILL)
    load.round()  # during the election and the replica's absence
    # Meanwhile the other replica answers every case, saying how fresh each partition is.
    some_person = next(iter(load.accepted))
    read = httpx.get(f"{cluster.urls['coordination-b']}/cases/{some_person}",
                     headers=auth_headers(cluster, "kommun"), timeout=10)
    assert read.status_code == 200, read.text
    assert {"p0", "p1", "p2", "p3"} <= {
        part.split("=")[0].strip() for part in read.headers["samlad-applied-at"].split(",")}
    wait_restarted(cluster, {f"nats-{leader}", "coordination-a"})
    load.round()

    deadline = time.monotonic() + SETTLED_WITHIN_SECONDS
    pending = dict(load.accepted)
    while pending and time.monotonic() < deadline:
        for person_ref, ids in list(pending.items()):
            seen = case_interventions(cluster, person_ref)
            if seen is not None and set(ids) <= set(seen):
                twice = [i for i, n in seen.items() if n > 1]
                assert not twice, f"{person_ref}: applied more than once: {twice}"
                assert set(seen) == set(ids), f"{person_ref}: not accepted yet in the case"
                del pending[person_ref]
        time.sleep(0.2)
    assert not pending, f"{len(pending)} persons miss accepted commands in their case"
    assert sum(len(ids) for ids in load.accepted.values()) >= PERSONS * INTERVENTIONS_PER_ROUND
    assert cluster.stop() == 0
