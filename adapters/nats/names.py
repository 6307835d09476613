"""The names everyone must agree on: services, streams, consumers, subjects (ADR 0004)."""

from __future__ import annotations

from typing import Final

from domain.agencies import Agency

AGENCIES: Final = tuple(agency.value for agency in Agency)
COORDINATION: Final = "coordination"
AUDIT: Final = "audit"
ADMIN: Final = "admin"
# Everyone that holds its own NATS identity; `admin` provisions streams and consumers.
SERVICES: Final = (*AGENCIES, COORDINATION, AUDIT, ADMIN)
# Who publishes integration events into SAMLAD_EVENTS.
EVENT_PUBLISHERS: Final = (*AGENCIES, COORDINATION)

ROOT: Final = "samlad"
EVENTS_STREAM: Final = "SAMLAD_EVENTS"
DEADLETTER_STREAM: Final = "SAMLAD_DEADLETTER"
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


def deadletter_subject(agency: str) -> str:
    return f"{ROOT}.deadletter.{agency}"


def coordination_consumer(partition: int) -> str:
    return f"coordination-p{partition}"


def alerts_consumer(agency: str) -> str:
    return f"alerts-{agency}"


def handoffs_consumer(agency: str) -> str:
    """Each agency follows hand-off requests to learn those addressed to it."""
    return f"handoffs-{agency}"


def handoffs_filter() -> str:
    """Stored subjects of every agency's hand-off requests (all versions, partitions)."""
    return f"{ROOT}.*.hand-off-requested.*.*.*"


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


def republish_subject(agency: str) -> str:
    """Core NATS, not a stream: the coordination asks ``agency`` to refill a gap."""
    return f"{ROOT}.control.republish.{agency}"
