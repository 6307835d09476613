"""The names everyone must agree on: services, streams, consumers, subjects (ADR 0004)."""

from __future__ import annotations

from typing import Final

# The subject scheme lives in contracts (integrators read it there); re-exported here so
# the broker's names come from one module; `__all__` below makes the re-export explicit.
from contracts.subjects import (
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    PARKED_BY_COORDINATION,
    PARKED_BY_OUTBOX,
    alert_subjects,
    alerts_consumer,
    coordination_consumer,
    deadletter_filter,
    deadletter_subject,
    deadletters_consumer,
    handoffs_consumer,
    republish_subject,
)
from domain.agencies import Agency

__all__ = [
    "ADMIN",
    "AGENCIES",
    "AUDIT",
    "AUDIT_STREAM",
    "COORDINATION",
    "DEADLETTER_STREAM",
    "EVENTS_STREAM",
    "EVENT_PUBLISHERS",
    "PARKED_BY_COORDINATION",
    "PARKED_BY_OUTBOX",
    "PUBLISHED_TOKENS",
    "ROOT",
    "SERVICES",
    "STREAMS",
    "alert_publish_subjects",
    "alert_subjects",
    "alerts_consumer",
    "coordination_consumer",
    "deadletter_filter",
    "deadletter_subject",
    "deadletters_consumer",
    "hand_off_answers_filters",
    "handoffs_consumer",
    "handoffs_filter",
    "inbox_prefix",
    "partition_filter",
    "publish_subjects",
    "republish_subject",
    "stored_partition",
    "stream_of",
]

AGENCIES: Final = tuple(agency.value for agency in Agency)
COORDINATION: Final = "coordination"
AUDIT: Final = "audit"
ADMIN: Final = "admin"
# Everyone that holds its own NATS identity; `admin` provisions streams and consumers.
SERVICES: Final = (*AGENCIES, COORDINATION, AUDIT, ADMIN)
# Who publishes integration events into SAMLAD_EVENTS.
EVENT_PUBLISHERS: Final = (*AGENCIES, COORDINATION)

ROOT: Final = "samlad"
AUDIT_STREAM: Final = "SAMLAD_AUDIT"
STREAMS: Final = (EVENTS_STREAM, DEADLETTER_STREAM, AUDIT_STREAM)

# Published subjects have exactly five tokens:
#   samlad.<publisher>.<event-name>.v<N>.<person_ref>
# The stream stores them with a sixth token, the partition of the person_ref.
PUBLISHED_TOKENS: Final = 5


def publish_subjects(publisher: str) -> str:
    """The only subjects ``publisher`` may publish events on (exactly five tokens)."""
    return f"{ROOT}.{publisher}.*.*.*"


def partition_filter(publisher: str, partition: int) -> str:
    """Stored subjects of ``publisher``'s events in one partition."""
    return f"{ROOT}.{publisher}.*.*.*.{partition}"


def alert_publish_subjects() -> str:
    """Coordination publishes alerts with six tokens: the sixth names the recipients."""
    return f"{ROOT}.{COORDINATION}.*.*.*.*"


def handoffs_filter() -> str:
    """Stored subjects of every agency's hand-off requests (all versions, partitions)."""
    return f"{ROOT}.*.hand-off-requested.*.*.*"


def hand_off_answers_filters() -> tuple[str, ...]:
    """Stored subjects of every agency's answers to hand-offs: the agency that asked
    learns from them that its request was accepted or rejected."""
    return tuple(f"{ROOT}.*.hand-off-{answer}.*.*.*" for answer in ("accepted", "rejected"))


def inbox_prefix(service: str) -> str:
    """Each service's replies arrive under its own prefix, so it can read no one else's."""
    return f"_INBOX_{service}"


def stored_partition(subject: str) -> int:
    """The partition the stream appended to a stored event subject (its sixth token)."""
    tokens = subject.split(".")
    if len(tokens) != PUBLISHED_TOKENS + 1:
        raise ValueError(f"not a stored event subject: {subject!r}")
    return int(tokens[-1])


def stream_of(subject: str) -> str:
    """Which stream stores ``subject``: an atomic batch never spans two.

    Subjects outside Samlad's own (a test's stream) are grouped by their first token.
    """
    tokens = subject.split(".", 2)
    if tokens[0] != ROOT or len(tokens) < 2:
        return tokens[0]
    if tokens[1] == "deadletter":
        return DEADLETTER_STREAM
    if tokens[1] == AUDIT:
        return AUDIT_STREAM
    return EVENTS_STREAM
