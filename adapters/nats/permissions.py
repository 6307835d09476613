"""What each service may publish and subscribe to (issue 8), as one pure table.

The embedded server and the production accounts file are both rendered from here, so
tests exercise the same rules production runs with. Pull-consumer grants follow the
verified recipe: CONSUMER.INFO + CONSUMER.MSG.NEXT + $JS.ACK for consumers created
beforehand by `admin`; no service may create, update or delete consumers or streams.
"""

from __future__ import annotations

import msgspec

from adapters.nats.lease import lease_subjects
from adapters.nats.names import (
    ADMIN,
    AGENCIES,
    AUDIT,
    COORDINATION,
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    PARKED_BY_COORDINATION,
    PARKED_BY_OUTBOX,
    ROOT,
    STREAMS,
    alert_publish_subjects,
    alert_subjects,
    alerts_consumer,
    coordination_consumer,
    deadletter_filter,
    deadletter_subject,
    deadletters_consumer,
    handoffs_consumer,
    inbox_prefix,
    publish_subjects,
    republish_subject,
)


class Permissions(msgspec.Struct, frozen=True, kw_only=True):
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]


def _pull_consumer(stream: str, durable: str) -> tuple[str, ...]:
    return (
        f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
        f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
        # Without this, acks are dropped silently and every message is redelivered.
        f"$JS.ACK.{stream}.{durable}.>",
    )


def _read_by_sequence(stream: str) -> tuple[str, ...]:
    # Audit reads stored messages by sequence (STREAM.MSG.GET / DIRECT.GET): a strictly
    # read-only grant. Creating consumers would also allow updating coordination's.
    return (
        f"$JS.API.STREAM.INFO.{stream}",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
    )


def permissions_for(service: str, *, partitions: int) -> Permissions:
    inbox = f"{inbox_prefix(service)}.>"
    if service in AGENCIES:
        return Permissions(
            publish=(
                publish_subjects(service),
                # Its outbox parks a stored event it cannot publish by contract here; the
                # verdicts of coordination (…<agency>.coordination) it cannot forge.
                deadletter_subject(service, PARKED_BY_OUTBOX),
                *_pull_consumer(EVENTS_STREAM, alerts_consumer(service)),
                *_pull_consumer(EVENTS_STREAM, handoffs_consumer(service)),
                *_pull_consumer(DEADLETTER_STREAM, deadletters_consumer(service)),
            ),
            # Live on core NATS, the same as its durable consumers carry: the alerts that
            # name it as a recipient and the dead letters about its own messages; and
            # (gap refill) only its own republish requests.
            subscribe=(
                inbox, *alert_subjects(service), deadletter_filter(service),
                republish_subject(service),
            ),
        )
    if service == COORDINATION:
        consumers = tuple(
            grant
            for n in range(partitions)
            for grant in _pull_consumer(EVENTS_STREAM, coordination_consumer(n))
        )
        return Permissions(
            publish=(
                alert_publish_subjects(),
                deadletter_subject("*", PARKED_BY_COORDINATION),
                deadletter_subject(COORDINATION, PARKED_BY_OUTBOX),
                *consumers,
                # Gap refill: asks any agency to republish a stretch.
                republish_subject("*"),
                # Leases of its singleton jobs (ADR 0011): its own keys in the bucket only.
                *lease_subjects(COORDINATION),
            ),
            subscribe=(inbox,),
        )
    if service == AUDIT:
        reads = tuple(grant for stream in STREAMS for grant in _read_by_sequence(stream))
        return Permissions(
            publish=(f"{ROOT}.{AUDIT}.>", "$JS.API.INFO", "$JS.API.STREAM.NAMES", *reads),
            subscribe=(inbox,),
        )
    if service == ADMIN:
        return Permissions(publish=(">",), subscribe=(">",))
    raise ValueError(f"unknown NATS service {service!r}")
