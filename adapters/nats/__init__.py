"""NATS JetStream: embedded server, per-service identities, streams, publish and fetch."""

from adapters.nats.connection import connect
from adapters.nats.names import (
    AUDIT_STREAM,
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    SERVICES,
    alerts_consumer,
    coordination_consumer,
    deadletter_subject,
    stored_partition,
)
from adapters.nats.publisher import BatchPublisher, BatchPublishError, OutgoingMessage
from adapters.nats.pull import fetch_batches
from adapters.nats.server import EmbeddedNatsServer, NatsServerError
from adapters.nats.settings import NatsSettings
from adapters.nats.streams import Provisioned, provision

__all__ = [
    "AUDIT_STREAM",
    "DEADLETTER_STREAM",
    "EVENTS_STREAM",
    "SERVICES",
    "BatchPublishError",
    "BatchPublisher",
    "EmbeddedNatsServer",
    "NatsServerError",
    "NatsSettings",
    "OutgoingMessage",
    "Provisioned",
    "alerts_consumer",
    "connect",
    "coordination_consumer",
    "deadletter_subject",
    "fetch_batches",
    "provision",
    "stored_partition",
]
