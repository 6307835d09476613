"""Replaying a whole event log: a store's notification log, or the shared stream.

``replay_store`` reads the store in notification order, page by page, and rebuilds every
domain event through the application's mapper (services/audit/decoding.py), checking on
the way that each aggregate's versions follow one another from 1 (a hole or a repeat is
reported, the replay goes on). ``replay_stream`` reads SAMLAD_EVENTS by sequence as the
``audit`` identity, which may only read (STREAM.MSG.GET / DIRECT.GET), and decodes and
validates each message against the contract registry.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import msgspec
from nats.js.errors import NotFoundError

from adapters.nats.connection import connect
from adapters.nats.names import AUDIT, EVENTS_STREAM
from adapters.nats.settings import NatsSettings
from contracts.envelope import decode_message
from contracts.errors import ContractError
from services.audit.decoding import FastDecoder
from services.audit.progress import NoProgress, Progress

PAGE_SIZE = 10_000
STREAM_WINDOW = 256
MAX_PROBLEMS = 20

Row = tuple[int, Any, int, str, bytes]


class ReplayResult(msgspec.Struct, kw_only=True):
    """What a replay saw: ``problems`` names the first few irregularities."""

    source: str
    events: int
    aggregates: int
    seconds: float
    by_type: dict[str, int]
    problems: list[str] = []
    last_position: int = 0

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def sqlite_rows(path: str, table: str, page_size: int = PAGE_SIZE) -> Iterator[list[Row]]:
    """Pages of ``(notification_id, originator_id, version, topic, state)`` from a file.

    Read-only, in one read transaction: the pages form one consistent snapshot.
    """
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = connection.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {table} ORDER BY rowid"
        )
        while rows := cursor.fetchmany(page_size):
            yield rows
    finally:
        connection.close()


def recorder_rows(recorder: Any, page_size: int = PAGE_SIZE) -> Iterator[list[Row]]:
    """Pages from any eventsourcing application recorder (PostgreSQL, or other)."""
    start = 1
    while notifications := recorder.select_notifications(start, page_size):
        yield [(n.id, n.originator_id, n.originator_version, n.topic, n.state)
               for n in notifications]
        start = notifications[-1].id + 1


def store_pages(app: Any, page_size: int = PAGE_SIZE) -> Iterator[list[Row]]:
    dbname = app.env.get("SQLITE_DBNAME") if app.env.get("PERSISTENCE_MODULE", "").endswith(
        "sqlite") else None
    if dbname and dbname != ":memory:" and "mode=memory" not in dbname:
        return sqlite_rows(dbname, app.recorder.events_table_name, page_size)
    return recorder_rows(app.recorder, page_size)


def replay_store(
    app: Any, *, source: str = "store", progress: Progress | None = None,
    page_size: int = PAGE_SIZE,
) -> ReplayResult:
    """Every event of ``app``'s store rebuilt as a domain event, in notification order."""
    total = app.recorder.max_notification_id() or 0
    progress = progress or NoProgress(source, total)
    decoder = FastDecoder(app.mapper)
    decode = decoder.decode
    versions: dict[Any, int] = {}
    ids: dict[Any, UUID] = {}
    by_topic: Counter[str] = Counter()
    problems: list[str] = []
    count = last = 0
    started = time.perf_counter()
    for page in store_pages(app, page_size):
        for nid, originator, version, topic, state in page:
            originator_id = ids.get(originator)
            if originator_id is None:
                originator_id = ids[originator] = (
                    originator if isinstance(originator, UUID) else UUID(originator))
            decode(topic, originator_id, version, state)
            if versions.get(originator, 0) + 1 != version and len(problems) < MAX_PROBLEMS:
                problems.append(
                    f"notification {nid}: {originator_id} v{version} follows "
                    f"v{versions.get(originator, 0)}"
                )
            versions[originator] = version
            by_topic[topic] += 1
        count += len(page)
        last = page[-1][0]
        progress.update(count)
    seconds = time.perf_counter() - started
    progress.finish()
    return ReplayResult(
        source=source, events=count, aggregates=len(versions), seconds=seconds,
        by_type={topic.rsplit(":", 1)[-1]: n for topic, n in sorted(by_topic.items())},
        problems=problems, last_position=last,
    )


async def replay_stream(
    settings: NatsSettings, *, stream: str = EVENTS_STREAM, progress: Progress | None = None,
    window: int = STREAM_WINDOW,
) -> ReplayResult:
    """Every message of ``stream`` read by sequence as ``audit``, decoded and validated."""
    client = await connect(settings, AUDIT)
    try:
        js = client.jetstream(timeout=10)
        info = await js.stream_info(stream)
        first, last = info.state.first_seq, info.state.last_seq
        total = max(0, last - first + 1) if info.state.messages else 0
        progress = progress or NoProgress(stream, total)
        by_type: Counter[str] = Counter()
        subjects: set[str] = set()
        problems: list[str] = []
        count = 0
        started = time.perf_counter()

        async def get(seq: int) -> Any:
            try:
                return await js.get_msg(stream, seq, direct=True)
            except NotFoundError:
                return None

        for offset in range(first, last + 1 if total else first, window):
            sequences = range(offset, min(offset + window, last + 1))
            messages = await asyncio.gather(*(get(seq) for seq in sequences))
            for seq, message in zip(sequences, messages, strict=True):
                if message is None:
                    problems.append(f"sequence {seq}: missing from the stream")
                    continue
                count += 1
                try:
                    received = decode_message(message.data or b"", message.headers)
                except ContractError as error:
                    if len(problems) < MAX_PROBLEMS:
                        problems.append(f"sequence {seq}: {error}")
                    by_type["(invalid)"] += 1
                    continue
                by_type[received.envelope.type] += 1
                subjects.add(received.envelope.subject or "")
            progress.update(count)
        seconds = time.perf_counter() - started
        progress.finish()
        return ReplayResult(
            source=stream, events=count, aggregates=len(subjects), seconds=seconds,
            by_type=dict(sorted(by_type.items())), problems=problems[:MAX_PROBLEMS],
            last_position=last,
        )
    finally:
        await client.close()
