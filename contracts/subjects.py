"""NATS subjects of integration events (see docs/adr/0004 and the alert-routing ADR).

``samlad.<agency>.<event-name>.v<N>.<person_ref>``: five tokens, filterable by agency,
by event and by person; the person reference is a valid subject token by construction.
The stream appends a sixth token, the partition of the person reference.

Catalogue events are about an offering, not a person: their last token is the
offering's id (``o-…``, which can never be a person reference), and the same partition
function keeps each offering's events in order (ADR 0020).

Alerts carry their recipients as the sixth token instead:
``samlad.coordination.<event-name>.v<N>.<person_ref>.<recipients>``, where
``<recipients>`` is the agencies the alert concerns in the fixed order kommun, af, fk,
region, joined by ``-`` (``af-fk``). Each agency's permissions and durable consumer
cover exactly the recipient tokens that name it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import msgspec

from contracts.base import (
    AGENCIES,
    COORDINATION,
    OFFERING_ID_PATTERN,
    PERSON_REF_PATTERN,
    SUBJECT_REF_PATTERN,
    ContractEvent,
    is_person_bound,
    subject_ref,
)
from contracts.errors import InvalidSubject
from contracts.registry import EventSpec

SUBJECT_ROOT = "samlad"
EVENTS_STREAM = "SAMLAD_EVENTS"
DEADLETTER_STREAM = "SAMLAD_DEADLETTER"
DEADLETTER_HEADER_REASON = "Samlad-Reason"
DEADLETTER_HEADER_ORIGINAL_SUBJECT = "Samlad-Original-Subject"
RECIPIENT_SEPARATOR = "-"
# Who decided that a message is a dead letter: the producer's own outbox, or coordination.
PARKED_BY_OUTBOX = "outbox"
PARKED_BY_COORDINATION = COORDINATION
_PERSON_REF_RE = re.compile(PERSON_REF_PATTERN)
_OFFERING_ID_RE = re.compile(OFFERING_ID_PATTERN)
_SUBJECT_REF_RE = re.compile(SUBJECT_REF_PATTERN)
_AGENCY_TOKEN_RE = re.compile(r"^[a-z]+$")


def subject_for(spec: EventSpec, ref: str) -> str:
    """``samlad.<agency>.<event-name>.v<N>.<ref>``: a person_ref, or a catalogue
    event's offering_id."""
    if is_person_bound(spec.struct):
        if not _PERSON_REF_RE.match(ref):
            raise InvalidSubject(f"person_ref {ref!r} does not match {PERSON_REF_PATTERN}")
    elif not _OFFERING_ID_RE.match(ref):
        raise InvalidSubject(f"offering_id {ref!r} does not match {OFFERING_ID_PATTERN}")
    return f"{SUBJECT_ROOT}.{spec.agency}.{spec.name}.v{spec.version}.{ref}"


def recipients_token(agencies: Iterable[str]) -> str:
    """``af-fk``: the agencies an alert concerns, in the fixed order of ``AGENCIES``."""
    named = set(agencies)
    unknown = named - set(AGENCIES)
    if unknown or not named:
        raise InvalidSubject(f"an alert must name agencies among {AGENCIES}, not {sorted(named)}")
    return RECIPIENT_SEPARATOR.join(agency for agency in AGENCIES if agency in named)


def recipient_tokens(agency: str) -> tuple[str, ...]:
    """Every recipients token that names ``agency`` (what its alert grants cover)."""
    others = [other for other in AGENCIES if other != agency]
    return tuple(
        sorted(
            recipients_token((agency, *chosen))
            for size in range(len(others) + 1)
            for chosen in itertools.combinations(others, size)
        )
    )


def alert_subjects(agency: str) -> tuple[str, ...]:
    """The stored subjects of every alert that concerns ``agency`` (filters, grants)."""
    root = f"{SUBJECT_ROOT}.{COORDINATION}"
    return tuple(f"{root}.*.*.*.{token}" for token in recipient_tokens(agency))


def subject_of(spec: EventSpec, event: ContractEvent) -> str:
    """The subject ``event`` is published on: alerts carry their recipients token."""
    subject = subject_for(spec, subject_ref(event))
    if spec.agency != COORDINATION:
        return subject
    return f"{subject}.{recipients_token(getattr(event, 'agencies', ()))}"


class SubjectParts(msgspec.Struct, frozen=True, kw_only=True):
    """An event subject as published or stored; ``tail`` is the sixth token if any.

    ``ref`` is whom or what the event is about: a person_ref, or an offering_id for
    catalogue events. For agencies' events the tail is the partition the stream
    appended; for alerts the recipients token.
    """

    publisher: str
    name: str
    version: str
    ref: str
    tail: str | None

    @property
    def person_ref(self) -> str:
        """``ref`` of a person-bound subject."""
        return self.ref

    @property
    def type(self) -> str:
        return f"se.samlad.{self.publisher}.{self.name}.{self.version}"


def parse_subject(subject: str) -> SubjectParts:
    """Split ``samlad.<publisher>.<event-name>.v<N>.<person_ref>[.<tail>]``."""
    tokens = subject.split(".")
    if (
        len(tokens) not in (5, 6)
        or tokens[0] != SUBJECT_ROOT
        or not _AGENCY_TOKEN_RE.match(tokens[1])
        or not _SUBJECT_REF_RE.match(tokens[4])
    ):
        raise InvalidSubject(
            f"subject {subject!r} is not samlad.<agency>.<event-name>.v<N>.<person_ref>"
            " (or .<offering_id>)"
        )
    return SubjectParts(
        publisher=tokens[1], name=tokens[2], version=tokens[3], ref=tokens[4],
        tail=tokens[5] if len(tokens) == 6 else None,
    )


def agency_of_subject(subject: str) -> str:
    """The agency token of a ``samlad.<agency>.…`` subject."""
    tokens = subject.split(".")
    if len(tokens) < 2 or tokens[0] != SUBJECT_ROOT or not _AGENCY_TOKEN_RE.match(tokens[1]):
        raise InvalidSubject(f"subject {subject!r} is not a samlad.<agency>.… subject")
    return tokens[1]


def _published(subject: str) -> SubjectParts:
    parts = parse_subject(subject)
    if parts.tail is not None:
        raise InvalidSubject(
            f"subject {subject!r} is not samlad.<agency>.<event-name>.v<N>.<person_ref>"
        )
    return parts


def person_ref_of_subject(subject: str) -> str:
    """The person reference, the last token of a published event subject."""
    return _published(subject).person_ref


def type_of_subject(subject: str) -> str:
    """The CloudEvents type an event subject carries: ``se.samlad.<agency>.<name>.v<N>``."""
    return _published(subject).type


def agency_subjects(agency: str) -> str:
    """Subject filter of everything an agency publishes: ``samlad.<agency>.>``."""
    return f"{SUBJECT_ROOT}.{agency}.>"


def deadletter_subject(agency: str, parked_by: str = PARKED_BY_COORDINATION) -> str:
    """Dead letters about ``agency``'s messages: ``samlad.deadletter.<agency>.<parked_by>``.

    ``parked_by`` is who gave the verdict: ``coordination`` (its consumer refused the
    message; only coordination may publish there) or ``outbox`` (the agency's own outbox
    could not publish a stored event by contract). The agency reads both, publishes only
    the second, and reads no other agency's.
    """
    return f"{SUBJECT_ROOT}.deadletter.{agency}.{parked_by}"


def deadletter_filter(agency: str) -> str:
    """Every dead letter about ``agency``'s messages."""
    return f"{SUBJECT_ROOT}.deadletter.{agency}.>"


def republish_subject(agency: str) -> str:
    """Core NATS, no stream: coordination asks ``agency`` to publish a gap again."""
    return f"{SUBJECT_ROOT}.control.republish.{agency}"


# Durable consumers the operator creates; a service binds to them and cannot alter them.


def alerts_consumer(agency: str) -> str:
    """On ``SAMLAD_EVENTS``: the alerts that name ``agency`` as a recipient."""
    return f"alerts-{agency}"


def handoffs_consumer(agency: str) -> str:
    """On ``SAMLAD_EVENTS``: every agency's hand-off requests; it keeps those to it."""
    return f"handoffs-{agency}"


def deadletters_consumer(agency: str) -> str:
    """On ``SAMLAD_DEADLETTER``: the dead letters about ``agency``'s messages (read-only)."""
    return f"deadletters-{agency}"


def coordination_consumer(partition: int | str) -> str:
    """On ``SAMLAD_EVENTS``: the agencies' events of one partition, for coordination.

    ``"{partition}"`` gives the name's pattern, as the AsyncAPI document shows it.
    """
    return f"coordination-p{partition}"
