"""Samlad's integration contracts: events, CloudEvents envelope, registry and subjects.

The public API for agency integrators. Imports msgspec and the standard library only.
"""

from contracts.base import Agency, IntegrationEvent, InterventionType, Outcome
from contracts.envelope import (
    CloudEvent,
    Received,
    decode_message,
    encode_binary,
    encode_structured,
)
from contracts.errors import (
    ContractError,
    InvalidEnvelope,
    InvalidEventData,
    InvalidSubject,
    NotACloudEvent,
    PublisherMismatch,
    SourceMismatch,
    SubjectMismatch,
    UnknownEventType,
)
from contracts.registry import REGISTRY, EventSpec, Registry
from contracts.subjects import (
    agency_of_subject,
    deadletter_subject,
    parse_subject,
    subject_for,
    subject_of,
)

__all__ = [
    "REGISTRY",
    "Agency",
    "CloudEvent",
    "ContractError",
    "EventSpec",
    "IntegrationEvent",
    "InterventionType",
    "InvalidEnvelope",
    "InvalidEventData",
    "InvalidSubject",
    "NotACloudEvent",
    "Outcome",
    "PublisherMismatch",
    "Received",
    "Registry",
    "SourceMismatch",
    "SubjectMismatch",
    "UnknownEventType",
    "agency_of_subject",
    "deadletter_subject",
    "decode_message",
    "encode_binary",
    "encode_structured",
    "parse_subject",
    "subject_for",
    "subject_of",
]
