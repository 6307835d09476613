"""Every stream and consumer Samlad uses, declared here and nowhere else (ADR 0004).

``provision`` creates what is missing and updates what drifted; on a provisioned
server it changes nothing. Only the ``admin`` identity may run it: services bind to
consumers that already exist and cannot alter them.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
import structlog
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    SubjectTransform,
)
from nats.js.errors import NotFoundError

from adapters.nats.connection import connect
from adapters.nats.lease import LEASE_BUCKET
from adapters.nats.names import (
    ADMIN,
    AGENCIES,
    AUDIT_STREAM,
    DEADLETTER_STREAM,
    EVENT_PUBLISHERS,
    EVENTS_STREAM,
    ROOT,
    alert_subjects,
    alerts_consumer,
    coordination_consumer,
    deadletter_filter,
    deadletters_consumer,
    hand_off_answers_filters,
    handoffs_consumer,
    handoffs_filter,
    partition_filter,
)
from adapters.nats.settings import NatsSettings

log = structlog.get_logger(__name__)

ACK_WAIT_SECONDS = 30.0
# After this many deliveries the server gives up on a message; the coordination
# consumer dead-letters a message (with a reason) well before that.
MAX_DELIVER = 10
MAX_ACK_PENDING = 20_000

Action = Literal["created", "updated", "unchanged"]


class Provisioned(msgspec.Struct, frozen=True):
    kind: Literal["stream", "consumer", "bucket"]
    name: str
    action: Action


def partition_transform(partitions: int) -> SubjectTransform:
    """Stored subject = published subject + the partition of the person_ref (token 5).

    A stream has one transform with one source, so the source is the five-token shape
    every publisher uses; ``partition(n, 4)`` hashes wildcard 4, the person_ref, so one
    person's events from every agency land in one partition, in order.
    """
    return SubjectTransform(
        src=f"{ROOT}.*.*.*.*",
        dest=f"{ROOT}.{{{{wildcard(1)}}}}.{{{{wildcard(2)}}}}.{{{{wildcard(3)}}}}"
        f".{{{{wildcard(4)}}}}.{{{{partition({partitions},4)}}}}",
    )


def _stream(settings: NatsSettings, name: str, subjects: list[str], about: str) -> StreamConfig:
    return StreamConfig(
        name=name,
        description=about,
        subjects=subjects,
        storage=StorageType.FILE,
        num_replicas=settings.replicas,
        duplicate_window=settings.duplicate_window,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        max_age=0.0,  # kept for ever: the server reports 0, so drift compares alike
        # Audit reads by sequence with DIRECT.GET, served by any replica.
        allow_direct=True,
        # The stream is a record other parties rely on: no one rewrites it in place.
        deny_delete=True,
        # The outbox publishes atomic batches: one fsync per batch (ADR 0004).
        allow_atomic=True,
    )


def stream_configs(settings: NatsSettings) -> list[StreamConfig]:
    """The event, dead-letter and audit streams, and the lease bucket's stream."""
    events = _stream(
        settings,
        EVENTS_STREAM,
        [f"{ROOT}.{publisher}.>" for publisher in EVENT_PUBLISHERS],
        "Integration events of the agencies and coordination, partitioned by person_ref",
    )
    events.subject_transform = partition_transform(settings.partitions)
    return [
        events,
        _stream(settings, DEADLETTER_STREAM, [f"{ROOT}.deadletter.>"], "Rejected events"),
        _stream(settings, AUDIT_STREAM, [f"{ROOT}.audit.>"], "Audit checkpoints"),
        lease_bucket_config(settings),
    ]


def lease_bucket_config(settings: NatsSettings) -> StreamConfig:
    """The KV bucket of leases (ADR 0011): one entry a key, gone ``lease_ttl`` after its
    last write; replicated and on disk like every stream, so a lease survives a node."""
    return StreamConfig(
        name=f"KV_{LEASE_BUCKET}",
        description="Leases of singleton jobs (one owner per background job)",
        subjects=[f"$KV.{LEASE_BUCKET}.>"],
        storage=StorageType.FILE,
        num_replicas=settings.replicas,
        max_age=settings.lease_ttl,
        max_msgs_per_subject=1,
        retention=RetentionPolicy.LIMITS,
        # Renewals carry no Nats-Msg-Id; the window only has to be shorter than the ttl.
        duplicate_window=min(settings.lease_ttl, 2.0),
        discard=DiscardPolicy.NEW,
        allow_direct=True,
        allow_rollup_hdrs=True,
        deny_delete=True,
    )


def _pull(
    durable: str, filters: list[str], about: str, ack_wait: float = ACK_WAIT_SECONDS
) -> ConsumerConfig:
    return ConsumerConfig(
        name=durable,
        durable_name=durable,
        description=about,
        filter_subjects=filters,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait,
        max_deliver=MAX_DELIVER,
        max_ack_pending=MAX_ACK_PENDING,
    )


def consumer_configs(
    settings: NatsSettings, *, ack_wait: float = ACK_WAIT_SECONDS
) -> list[tuple[str, ConsumerConfig]]:
    """``ack_wait`` is production's unless a test shortens it to see redeliveries soon."""
    coordination = [
        _pull(
            coordination_consumer(n),
            [partition_filter(agency, n) for agency in AGENCIES],
            f"Coordination: agencies' events of partition {n}",
            ack_wait,
        )
        for n in range(settings.partitions)
    ]
    alerts = [
        _pull(alerts_consumer(agency), list(alert_subjects(agency)),
              f"Alerts naming {agency} as a recipient", ack_wait)
        for agency in AGENCIES
    ]
    hand_offs = [
        _pull(handoffs_consumer(agency), [handoffs_filter(), *hand_off_answers_filters()],
              f"Hand-offs to {agency} and answers to its own", ack_wait)
        for agency in AGENCIES
    ]
    dead_letters = [
        _pull(deadletters_consumer(agency), [deadletter_filter(agency)],
              f"Dead letters about {agency}'s messages (read-only)", ack_wait)
        for agency in AGENCIES
    ]
    return [
        *((EVENTS_STREAM, config) for config in (*coordination, *alerts, *hand_offs)),
        *((DEADLETTER_STREAM, config) for config in dead_letters),
    ]


_STREAM_FIELDS = (
    "description", "subjects", "storage", "num_replicas", "duplicate_window",
    "subject_transform", "retention", "discard", "allow_direct", "deny_delete",
    "allow_atomic", "max_age", "max_msgs_per_subject",
)  # fmt: skip
_CONSUMER_FIELDS = (
    "description", "filter_subjects", "deliver_policy", "ack_policy", "ack_wait",
    "max_deliver", "max_ack_pending",
)  # fmt: skip


def _normalised(value: Any) -> Any:
    # The server may list subjects in another order; order carries no meaning there.
    return sorted(value) if isinstance(value, list) else value


def _drift(desired: object, current: object, fields: tuple[str, ...]) -> list[str]:
    return [
        field
        for field in fields
        if _normalised(getattr(desired, field)) != _normalised(getattr(current, field))
    ]


async def _provision_stream(js: JetStreamContext, config: StreamConfig) -> Action:
    name = config.name or ""
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(config)
        return "created"
    drift = _drift(config, info.config, _STREAM_FIELDS)
    if not drift:
        return "unchanged"
    log.info("nats_stream_drift", stream=name, fields=drift)
    await js.update_stream(config)
    return "updated"


async def _provision_consumer(js: JetStreamContext, stream: str, config: ConsumerConfig) -> Action:
    name = config.durable_name or ""
    try:
        info = await js.consumer_info(stream, name)
    except NotFoundError:
        await js.add_consumer(stream, config)
        return "created"
    drift = _drift(config, info.config, _CONSUMER_FIELDS)
    if not drift:
        return "unchanged"
    log.info("nats_consumer_drift", stream=stream, consumer=name, fields=drift)
    # The server's consumer create is create-or-update for an existing durable.
    await js.add_consumer(stream, config)
    return "updated"


async def provision(
    js: JetStreamContext, settings: NatsSettings, *, ack_wait: float = ACK_WAIT_SECONDS
) -> list[Provisioned]:
    """Bring streams and consumers to their declared state; idempotent."""
    done: list[Provisioned] = []
    for stream in stream_configs(settings):
        action = await _provision_stream(js, stream)
        done.append(Provisioned("stream", stream.name or "", action))
    for stream_name, consumer in consumer_configs(settings, ack_wait=ack_wait):
        action = await _provision_consumer(js, stream_name, consumer)
        done.append(Provisioned("consumer", consumer.durable_name or "", action))
    for item in done:
        if item.action != "unchanged":
            log.info("nats_provisioned", kind=item.kind, name=item.name, action=item.action)
    return done


async def provision_streams(
    settings: NatsSettings, *, ack_wait: float = ACK_WAIT_SECONDS
) -> list[Provisioned]:
    """``provision`` over a connection of its own, as the ``admin`` identity."""
    client = await connect(settings, ADMIN)
    try:
        return await provision(client.jetstream(), settings, ack_wait=ack_wait)
    finally:
        await client.close()
