"""NATS subjects of integration events (see docs/adr/0004).

``samlad.<agency>.<event-name>.v<N>.<person_ref>``: five tokens, filterable by agency,
by event and by person; the person reference is a valid subject token by construction.
"""

from __future__ import annotations

import re

from contracts.base import PERSON_REF_PATTERN
from contracts.errors import InvalidSubject
from contracts.registry import EventSpec

SUBJECT_ROOT = "samlad"
DEADLETTER_HEADER_REASON = "Samlad-Reason"
DEADLETTER_HEADER_ORIGINAL_SUBJECT = "Samlad-Original-Subject"
_PERSON_REF_RE = re.compile(PERSON_REF_PATTERN)
_AGENCY_TOKEN_RE = re.compile(r"^[a-z]+$")


def subject_for(spec: EventSpec, person_ref: str) -> str:
    """``samlad.<agency>.<event-name>.v<N>.<person_ref>``."""
    if not _PERSON_REF_RE.match(person_ref):
        raise InvalidSubject(f"person_ref {person_ref!r} does not match {PERSON_REF_PATTERN}")
    return f"{SUBJECT_ROOT}.{spec.agency}.{spec.name}.v{spec.version}.{person_ref}"


def agency_of_subject(subject: str) -> str:
    """The agency token of a ``samlad.<agency>.…`` subject."""
    tokens = subject.split(".")
    if len(tokens) < 2 or tokens[0] != SUBJECT_ROOT or not _AGENCY_TOKEN_RE.match(tokens[1]):
        raise InvalidSubject(f"subject {subject!r} is not a samlad.<agency>.… subject")
    return tokens[1]


def person_ref_of_subject(subject: str) -> str:
    """The person reference, the last token of an event subject."""
    tokens = subject.split(".")
    if len(tokens) != 5 or tokens[0] != SUBJECT_ROOT or not _PERSON_REF_RE.match(tokens[-1]):
        raise InvalidSubject(
            f"subject {subject!r} is not samlad.<agency>.<event-name>.v<N>.<person_ref>"
        )
    return tokens[-1]


def type_of_subject(subject: str) -> str:
    """The CloudEvents type an event subject carries: ``se.samlad.<agency>.<name>.v<N>``."""
    person_ref_of_subject(subject)
    _, agency, name, version, _ = subject.split(".")
    return f"se.samlad.{agency}.{name}.{version}"


def agency_subjects(agency: str) -> str:
    """Subject filter of everything an agency publishes: ``samlad.<agency>.>``."""
    return f"{SUBJECT_ROOT}.{agency}.>"


def deadletter_subject(agency: str) -> str:
    """Where messages that fail the contract go: ``samlad.deadletter.<agency>``."""
    return f"{SUBJECT_ROOT}.deadletter.{agency}"
