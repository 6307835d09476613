"""Publishing from the outbox, with and without atomic batches, beside raw JetStream.

All on one file-store stream with ``sync_interval: always`` (a fresh embedded server
per measurement, so no run sees another's duplicate window):

1. raw async publish: nats-py ``publish_async``, every message in flight, one ack each
   (what publishing without atomic batches can do at best);
2. raw atomic batches of 1,000 in plain nats-py (the recipe's protocol, no retries);
3. the outbox relay without atomic batches (``BatchPublisher(atomic=False)``: one
   message at a time, the path a rejected batch falls back to), on a smaller share;
4. the outbox relay with atomic batches: a kommun store of contract events read,
   translated to CloudEvents and published, positions recorded (the issue 12 target:
   ≥ 40k events/s).

``python -m bench publishing [--persons 1000] [--per-person 20]``. Prints; asserts
nothing. ``bench.ingest`` prints the same figures in its run.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from adapters.nats.connection import connect
from adapters.nats.publisher import MAX_BATCH, BatchPublisher, OutgoingMessage
from adapters.nats.testing import new_person_ref, running_nats
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from adapters.telemetry.logging import configure_logging
from domain.kommun.participant import Participant
from services.agency.service import agency_outbox
from services.kommun.application import KommunApplication

ONE_BY_ONE_SHARE = 10  # the slow path measures a tenth of the events


def fill_kommun_store(data_dir: Path, persons: int, per_person: int) -> KommunApplication:
    """Enrolled persons with interventions started: ``persons * per_person`` events."""
    app = open_application(KommunApplication, StoreSettings(data_dir=data_dir), "kommun")
    now = datetime.now(UTC)
    times = {"effective_at": now, "recorded_at": now}
    participants = []
    for _ in range(persons):
        participant = Participant(person_ref=new_person_ref(), **times)
        participant.enrol(kommun="Lund", gender="man", birth_year=1990, target_groups=[],
                          **times)
        for n in range(per_person - 1):
            participant.start_intervention(intervention_id=f"i{n}",
                                           intervention_type="praktik", **times)
        participants.append(participant)
    for offset in range(0, persons, 50):
        app.save(*participants[offset : offset + 50])
    return app


def bare_messages(count: int) -> list[OutgoingMessage]:
    payload = b"x" * 400  # about one CloudEvent of the workload
    return [
        OutgoingMessage(f"samlad.kommun.bench.v1.{new_person_ref()}", payload,
                        {"Nats-Msg-Id": str(uuid.uuid4())})
        for _ in range(count)
    ]


async def raw_async_rate(data_dir: Path, messages: list[OutgoingMessage]) -> float:
    async with running_nats(data_dir) as nats:
        client = await connect(nats.settings, "kommun")
        js = client.jetstream(timeout=30)
        started = time.perf_counter()
        futures = [await js.publish_async(m.subject, m.payload, headers=dict(m.headers))
                   for m in messages]  # fmt: skip
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
        await client.close()
    return len(messages) / elapsed


async def raw_atomic_rate(data_dir: Path, messages: list[OutgoingMessage]) -> float:
    async with running_nats(data_dir) as nats:
        client = await connect(nats.settings, "kommun")
        started = time.perf_counter()
        for offset in range(0, len(messages), MAX_BATCH):
            batch = messages[offset : offset + MAX_BATCH]
            batch_id = uuid.uuid4().hex
            for sequence, m in enumerate(batch, start=1):
                headers = {**m.headers, "Nats-Batch-Id": batch_id,
                           "Nats-Batch-Sequence": str(sequence)}
                if sequence < len(batch):
                    await client.publish(m.subject, m.payload, headers=headers)
                else:
                    headers["Nats-Batch-Commit"] = "1"
                    await client.request(m.subject, m.payload, timeout=30, headers=headers)
        elapsed = time.perf_counter() - started
        await client.close()
    return len(messages) / elapsed


async def outbox_rate(data_dir: Path, app: KommunApplication, *, atomic: bool,
                      limit: int | None = None) -> tuple[int, float]:  # fmt: skip
    """Events per second the agency's relay publishes from its store; how many."""
    async with running_nats(data_dir) as nats:
        client = await connect(nats.settings, "kommun")
        relay = agency_outbox(app, client.jetstream(timeout=30),
                              BatchPublisher(client.jetstream(timeout=30), atomic=atomic))
        published = [0]
        relay._on_published = published.append  # counts what each round published
        started = time.perf_counter()
        while await relay.relay_once():
            if limit is not None and sum(published) >= limit:
                break
        elapsed = time.perf_counter() - started
        await client.close()
    return sum(published), sum(published) / elapsed


async def measure(data_dir: Path, persons: int, per_person: int) -> None:
    total = persons * per_person
    print(f"publishing benchmark: {total} events, {persons} persons, sync always, "
          "file store", flush=True)  # fmt: skip
    messages = bare_messages(total)
    raw_async = await raw_async_rate(data_dir / "raw-async", messages)
    raw_atomic = await raw_atomic_rate(data_dir / "raw-atomic", messages)
    app = await asyncio.to_thread(fill_kommun_store, data_dir / "store", persons, per_person)
    try:
        _, atomic = await outbox_rate(data_dir / "outbox-atomic", app, atomic=True)
        one_by_one_store = await asyncio.to_thread(
            fill_kommun_store, data_dir / "store-single", persons // ONE_BY_ONE_SHARE,
            per_person,
        )
        try:
            _, single = await outbox_rate(data_dir / "outbox-single", one_by_one_store,
                                          atomic=False)
        finally:
            one_by_one_store.close()
    finally:
        app.close()
    print(f"  raw jetstream async publish          {raw_async:10.0f} events/s")
    print(f"  raw jetstream atomic batches (1,000) {raw_atomic:10.0f} events/s")
    print(f"  outbox, one by one (no batches)      {single:10.0f} events/s")
    print(f"  outbox, atomic batches               {atomic:10.0f} events/s  (target 40,000)")
    print(f"  outbox atomic / raw async            {atomic / raw_async:10.2f}")
    print(f"  outbox atomic / raw atomic           {atomic / raw_atomic:10.2f}")
    print(f"  outbox atomic / outbox one by one    {atomic / single:10.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.publishing", description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000)
    parser.add_argument("--per-person", type=int, default=20)
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    with tempfile.TemporaryDirectory(prefix="samlad-bench-") as tmp:
        asyncio.run(measure(Path(tmp), args.persons, args.per_person))


if __name__ == "__main__":
    main()
