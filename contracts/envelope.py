"""The CloudEvents 1.0 envelope of every message on the bus, in both content modes.

Structured mode: the body is ``application/cloudevents+json`` with the event in ``data``.
Binary mode: the body is the event (``application/json``); the attributes travel as
``ce-<attribute>`` headers. ``decode_message`` accepts either, validates the envelope and
the data against the registered struct, and upcasts old versions to the latest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from contracts.base import (
    COORDINATION,
    SUBJECT_REF_PATTERN,
    AwareDatetime,
    ContractEvent,
    is_person_bound,
    subject_ref,
)
from contracts.errors import (
    ContractError,
    InvalidEnvelope,
    InvalidEventData,
    NotACloudEvent,
    PublisherMismatch,
    SourceMismatch,
    SubjectMismatch,
)
from contracts.registry import REGISTRY, EventSpec, Registry
from contracts.subjects import SubjectParts, parse_subject, recipients_token

SPECVERSION = "1.0"
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
DATA_CONTENT_TYPE = "application/json"
SOURCE_PATTERN = r"^urn:samlad:([a-z]+)(:[A-Za-z0-9._-]+)?$"
_SOURCE_RE = re.compile(SOURCE_PATTERN)
# W3C Trace Context: version-traceid-parentid-flags, lowercase hex.
TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
# An absolute URI (RFC 3986: a scheme, a colon, no whitespace).
URI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"
_NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
_Position = Annotated[int, msgspec.Meta(ge=0)]


class CloudEventAttributes(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """CloudEvents 1.0 context attributes plus Samlad's extension attributes.

    ``samladposition`` is the producer's position (its store's notification id) and
    ``samladprevposition`` the position of the producer's previous published message, so
    a consumer can tell when a message in between never arrived.
    """

    id: _NonEmpty
    source: _NonEmpty
    specversion: Literal["1.0"]
    type: _NonEmpty
    subject: Annotated[str, msgspec.Meta(pattern=SUBJECT_REF_PATTERN)]
    time: AwareDatetime
    datacontenttype: str | None = None
    dataschema: Annotated[str, msgspec.Meta(pattern=URI_PATTERN)] | None = None
    samladposition: _Position | None = None
    samladprevposition: _Position | None = None
    traceparent: Annotated[str, msgspec.Meta(pattern=TRACEPARENT_PATTERN)] | None = None


class CloudEvent(CloudEventAttributes, frozen=True, kw_only=True, omit_defaults=True):
    """A whole message: the attributes and ``data``, kept as raw JSON."""

    data: msgspec.Raw


class Received(msgspec.Struct, frozen=True, kw_only=True):
    """A decoded, validated message: ``spec`` and ``event`` are of the latest version.

    ``wire_spec`` is the version as sent (older than ``spec`` when upcast); ``envelope``
    is the envelope as sent.
    """

    envelope: CloudEvent
    spec: EventSpec
    event: ContractEvent
    wire_spec: EventSpec


_Extensions = tuple[int | None, int | None, str | None]


def _envelope(
    event: ContractEvent,
    *,
    spec: EventSpec,
    id: str,
    source: str,
    time: datetime,
    extensions: _Extensions,
) -> CloudEvent:
    if type(event) is not spec.struct:
        raise ContractError(
            f"event is a {type(event).__name__} but {spec.type} carries {spec.struct.__name__}"
        )
    check_source(source, spec)
    if time.tzinfo is None:
        raise InvalidEnvelope("time must be an aware datetime (UTC)")
    position, previous_position, traceparent = extensions
    return CloudEvent(
        id=id,
        source=source,
        specversion="1.0",
        type=spec.type,
        subject=subject_ref(event),
        time=time,
        datacontenttype=DATA_CONTENT_TYPE,
        dataschema=spec.dataschema,
        samladposition=position,
        samladprevposition=previous_position,
        traceparent=traceparent,
        data=msgspec.Raw(msgspec.json.encode(event)),
    )


def encode_structured(
    event: ContractEvent,
    *,
    spec: EventSpec,
    id: str,
    source: str,
    time: datetime,
    position: int | None = None,
    previous_position: int | None = None,
    traceparent: str | None = None,
) -> bytes:
    """The structured-mode body (``application/cloudevents+json``)."""
    envelope = _envelope(
        event,
        spec=spec,
        id=id,
        source=source,
        time=time,
        extensions=(position, previous_position, traceparent),
    )
    return msgspec.json.encode(envelope)


def encode_binary(
    event: ContractEvent,
    *,
    spec: EventSpec,
    id: str,
    source: str,
    time: datetime,
    position: int | None = None,
    previous_position: int | None = None,
    traceparent: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The binary-mode body (the event as JSON) and its ``ce-*`` and content-type headers."""
    envelope = _envelope(
        event,
        spec=spec,
        id=id,
        source=source,
        time=time,
        extensions=(position, previous_position, traceparent),
    )
    headers = {
        "ce-specversion": envelope.specversion,
        "ce-id": envelope.id,
        "ce-source": envelope.source,
        "ce-type": envelope.type,
        "ce-subject": envelope.subject,
        "ce-time": msgspec.json.encode(envelope.time).decode()[1:-1],
        "ce-dataschema": spec.dataschema,
        "content-type": DATA_CONTENT_TYPE,
    }
    if position is not None:
        headers["ce-samladposition"] = str(position)
    if previous_position is not None:
        headers["ce-samladprevposition"] = str(previous_position)
    if traceparent is not None:
        headers["ce-traceparent"] = traceparent
    return bytes(envelope.data), headers


def check_source(source: str, spec: EventSpec) -> None:
    """``source`` must be ``urn:samlad:<agency>`` or ``urn:samlad:<agency>:<system>``."""
    match = _SOURCE_RE.match(source)
    if match is None or match.group(1) != spec.agency:
        raise SourceMismatch(
            f"source {source!r} does not belong to agency {spec.agency!r} of type "
            f"{spec.type}: expected urn:samlad:{spec.agency} or urn:samlad:{spec.agency}:<system>"
        )


class _Probe(msgspec.Struct):
    specversion: object = None
    data_base64: object = None


def _path_to_attribute(message: str, *, binary: bool) -> str:
    if binary:
        message = re.sub(
            r"Object missing required field `([a-z]+)`", r"missing required header `ce-\1`", message
        )
        return re.sub(r"`\$\.([a-z]+)`", r"header `ce-\1`", message)
    return message.replace("`$.", "`")


def _decode_structured(payload: bytes) -> CloudEvent:
    try:
        envelope = msgspec.json.decode(payload, type=CloudEvent)
    except msgspec.ValidationError as exc:
        probe = msgspec.json.decode(payload, type=_Probe)
        if probe.specversion is None:
            raise NotACloudEvent(
                "no ce-specversion header and no specversion in the JSON body"
            ) from None
        if probe.data_base64 is not None:
            raise InvalidEnvelope(
                "data_base64 is not supported: data must be a JSON object"
            ) from None
        raise InvalidEnvelope(f"envelope: {_path_to_attribute(str(exc), binary=False)}") from None
    except msgspec.DecodeError as exc:
        raise NotACloudEvent(
            f"no ce-specversion header and the body is not a JSON object: {exc}"
        ) from None
    return envelope


def _decode_binary(payload: bytes, headers: Mapping[str, str]) -> CloudEvent:
    attributes: dict[str, str] = {
        key[3:]: value for key, value in headers.items() if key.startswith("ce-")
    }
    if "traceparent" not in attributes and "traceparent" in headers:
        attributes["traceparent"] = headers["traceparent"]
    if "content-type" in headers:
        attributes["datacontenttype"] = headers["content-type"]
    if not payload:
        raise InvalidEnvelope("binary mode: the body is empty; it must be the event data")
    # Headers are text: only the positions are numbers. Strict otherwise, so that a
    # number is never read as a time (Unix seconds) or a flag.
    values: dict[str, object] = dict(attributes)
    for position in ("samladposition", "samladprevposition"):
        if attributes.get(position, "").isdigit():
            values[position] = int(attributes[position])
    try:
        parsed = msgspec.convert(values, type=CloudEventAttributes)
    except msgspec.ValidationError as exc:
        raise InvalidEnvelope(f"envelope: {_path_to_attribute(str(exc), binary=True)}") from None
    return CloudEvent(**msgspec.structs.asdict(parsed), data=msgspec.Raw(payload))


def _decode_data(envelope: CloudEvent, spec: EventSpec) -> ContractEvent:
    try:
        event: ContractEvent = msgspec.json.decode(envelope.data, type=spec.struct)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        message = str(exc).replace("`$.", "`data.").replace("- at `$`", "- at `data`")
        raise InvalidEventData(f"data does not match {spec.type}: {message}") from None
    ref = subject_ref(event)
    if ref != envelope.subject:
        field = "person_ref" if is_person_bound(spec.struct) else "offering_id"
        raise SubjectMismatch(
            f"subject {envelope.subject!r} differs from data.{field} {ref!r}"
        )
    return event


def _check_subject_names(parts: SubjectParts, envelope: CloudEvent, spec: EventSpec) -> None:
    """Authority: the subject's publisher is the type's agency; names and person agree."""
    if parts.publisher != spec.agency:
        raise PublisherMismatch(
            f"type {spec.type} belongs to {spec.agency!r} but was published on "
            f"{parts.publisher!r}'s subject: an agency asserts only its own facts"
        )
    if (parts.name, parts.version) != (spec.name, f"v{spec.version}"):
        raise SubjectMismatch(
            f"subject names {parts.type} but the type is {spec.type}"
        )
    if parts.ref != envelope.subject:
        field = "person_ref" if is_person_bound(spec.struct) else "offering_id"
        raise SubjectMismatch(
            f"subject's {field} {parts.ref!r} differs from the CloudEvents "
            f"subject {envelope.subject!r}"
        )


def _check_subject_tail(parts: SubjectParts, spec: EventSpec, event: ContractEvent) -> None:
    """Alerts name their recipients; agencies' events may carry only a partition."""
    if spec.agency == COORDINATION:
        expected = recipients_token(getattr(event, "agencies", ()))
        if parts.tail != expected:
            raise SubjectMismatch(
                f"alert subject names recipients {parts.tail!r} but data.agencies is "
                f"{expected!r}"
            )
    elif parts.tail is not None and not parts.tail.isdigit():
        raise SubjectMismatch(f"subject's sixth token {parts.tail!r} is not a partition")


def decode_message(
    payload: bytes,
    headers: Mapping[str, str] | None,
    *,
    subject: str | None = None,
    registry: Registry = REGISTRY,
) -> Received:
    """Decode and validate one message in structured or binary mode.

    With the NATS ``subject`` it arrived on (as published or as stored), also check
    authority: the subject's publisher token, the type's agency and the source name
    the same party, and the subject's event name, version, person reference (and an
    alert's recipients) equal the type, the CloudEvents subject and the data. Every
    consumer of the bus passes it.

    Raises a ``ContractError`` subclass whose ``reason`` starts with its reason word.
    """
    parts = parse_subject(subject) if subject is not None else None
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    if "ce-specversion" in lowered:
        envelope = _decode_binary(payload, lowered)
    else:
        envelope = _decode_structured(payload)
    content_type = envelope.datacontenttype
    if content_type is not None and content_type.split(";")[0].strip() != DATA_CONTENT_TYPE:
        raise InvalidEnvelope(
            f"datacontenttype {content_type!r} is not supported: data must be {DATA_CONTENT_TYPE}"
        )
    wire_spec = registry.spec_for_type(envelope.type)
    if parts is not None:
        _check_subject_names(parts, envelope, wire_spec)
    check_source(envelope.source, wire_spec)
    event = _decode_data(envelope, wire_spec)
    if parts is not None:
        _check_subject_tail(parts, wire_spec, event)
    spec, event = registry.upcast(wire_spec, event)
    return Received(envelope=envelope, spec=spec, event=event, wire_spec=wire_spec)
