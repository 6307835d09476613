"""Coordination ingest rate, beside the raw baselines measured in the same run.

1. JetStream publish: the workload published with the outbox's BatchPublisher (atomic
   batches, file store, sync always) as the kommun. These messages then feed step 3.
2. Batched eventsourcing save on the same store (SQLite under the data dir, or
   ``SAMLAD_DATABASE_URL``): as many events, in saves of ~500, of a bare aggregate.
3. Coordination ingest: the coordination service's own workers (partition consumers,
   alert outbox, deadlines) from a full stream until every fact is applied, read
   models included.
4. Publishing from an agency's outbox with and without atomic batches, beside raw
   JetStream publish (``bench.publishing``).

``python -m bench.ingest [--persons 200] [--per-person 25]``. Prints; asserts nothing.
It runs on SQLite and then on PostgreSQL beside it (``SAMLAD_DATABASE_URL``, else the
local test database; ``--stores sqlite`` skips it), in schemas of its own that it drops
at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from eventsourcing.domain import Aggregate, event

from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher
from adapters.nats.testing import running_nats
from adapters.nats.workload import kommun_messages
from adapters.store.application import StoredApplication, open_application
from adapters.store.testing import DEFAULT_POSTGRES_URL
from adapters.telemetry.logging import configure_logging
from bench import publishing
from services.coordination.application import CoordinationApplication
from services.coordination.service import coordination_workers, open_coordination
from services.runtime.clock import utc_now
from services.runtime.workers import NatsWorkers
from services.settings import Settings

PUBLISH_BATCH = 500
SAVE_BATCH = 500
DEADLINE_SECONDS = 90.0


class Counter(Aggregate):
    """A bare aggregate: the cost of eventsourcing itself, nothing of Samlad's."""

    @event("Counted")
    def count(self, n: int) -> None:
        self.n = n


class Baseline(StoredApplication):
    pass


async def publish_rate(settings: Settings, messages: list) -> float:  # type: ignore[type-arg]
    client = await connect(settings.nats, "kommun")
    try:
        publisher = BatchPublisher(client.jetstream(timeout=10))
        started = time.perf_counter()
        for offset in range(0, len(messages), PUBLISH_BATCH):
            await publisher.publish(messages[offset : offset + PUBLISH_BATCH])
        return len(messages) / (time.perf_counter() - started)
    finally:
        await client.close()


def save_rate(settings: Settings, persons: int, per_person: int) -> float:
    app = open_application(Baseline, settings.store, f"bench_save_{uuid.uuid4().hex[:6]}")
    try:
        aggregates = []
        for _ in range(persons):
            aggregate = Counter()
            for n in range(per_person - 1):  # the created event counts as one
                aggregate.count(n)
            aggregates.append(aggregate)
        per_save = max(1, SAVE_BATCH // per_person)
        started = time.perf_counter()
        for offset in range(0, len(aggregates), per_save):
            app.save(*aggregates[offset : offset + per_save])
        return persons * per_person / (time.perf_counter() - started)
    finally:
        app.close()


def applied_facts(app: CoordinationApplication) -> int:
    rows = app.read_models.query(
        "SELECT COALESCE(SUM(facts), 0) AS n FROM {case_index}"
    )
    return int(rows[0]["n"])


async def ingest_rate(settings: Settings, total: int) -> float:
    app = open_coordination(settings)
    workers = NatsWorkers(settings.nats, "coordination", coordination_workers(
        settings, app, utc_now))
    try:
        started = time.perf_counter()
        await workers.start()
        deadline = started + DEADLINE_SECONDS
        while (applied := await asyncio.to_thread(applied_facts, app)) < total:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {applied} of {total} applied")
            await asyncio.sleep(0.02)
        return total / (time.perf_counter() - started)
    finally:
        await workers.stop()
        app.close()


def drop_schemas(settings: Settings) -> None:
    """PostgreSQL: the run's own schemas go when it ends."""
    if settings.database_url is None:
        return
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                            (settings.database_namespace + "%",)).fetchall()
        for (name,) in rows:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


async def run(
    data_dir: Path, persons: int, per_person: int, database_url: str | None = None
) -> None:
    async with running_nats(data_dir) as nats:
        settings = Settings.from_env(
            data_dir=data_dir, nats_url=nats.url, nats_replicas=1,
            database_namespace=f"bench{uuid.uuid4().hex[:8]}_", database_url=database_url,
        )
        try:
            await measure(settings, persons, per_person)
        finally:
            drop_schemas(settings)
    # Publishing from the outbox, with and without atomic batches, in the same run.
    await publishing.measure(data_dir / "publishing", persons, per_person)


async def measure(settings: Settings, persons: int, per_person: int) -> None:
    messages, _ = kommun_messages(persons, per_person)
    total = len(messages)
    store = "PostgreSQL" if settings.store.is_postgres else "SQLite"
    print(f"ingest benchmark: {total} events, {persons} persons, store {store}", flush=True)
    published = await publish_rate(settings, messages)
    saved = await asyncio.to_thread(save_rate, settings, persons, per_person)
    ingested = await ingest_rate(settings, total)
    print(f"  jetstream batch publish   {published:10.0f} events/s")
    print(f"  eventsourcing batch save  {saved:10.0f} events/s")
    print(f"  coordination ingest       {ingested:10.0f} events/s")
    print(f"  ingest / publish          {ingested / published:10.2f}")
    print(f"  ingest / save             {ingested / saved:10.2f}")


def store_urls(stores: str) -> list[str | None]:
    """The database URL of each store to run on (None: SQLite), in the order asked."""
    postgres = os.environ.get("SAMLAD_DATABASE_URL") or os.environ.get(
        "SAMLAD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL
    )
    chosen = [name.strip() for name in stores.split(",") if name.strip()]
    return [postgres if name == "postgres" else None for name in chosen]


def run_each_store(stores: str, persons: int, per_person: int) -> None:
    """The same run on each store, one after the other, each in a fresh data dir."""
    for database_url in store_urls(stores):
        with tempfile.TemporaryDirectory(prefix="samlad-bench-") as tmp:
            asyncio.run(run(Path(tmp), persons, per_person, database_url))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.ingest", description=__doc__)
    parser.add_argument("--persons", type=int, default=200)
    parser.add_argument("--per-person", type=int, default=25)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    run_each_store(args.stores, args.persons, args.per_person)


if __name__ == "__main__":
    main()
