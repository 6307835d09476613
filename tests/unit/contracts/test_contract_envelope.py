"""Encoding and decoding CloudEvents messages: round trips, upcasting, bad messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from contracts import af, common, fk, kommun
from contracts.base import subject_ref
from contracts.envelope import decode_message, encode_binary, encode_structured
from contracts.errors import (
    ContractError,
    InvalidEnvelope,
    InvalidEventData,
    NotACloudEvent,
    SourceMismatch,
    SubjectMismatch,
    UnknownEventType,
)
from contracts.examples import EXAMPLE_PERSON_REF, example_event
from contracts.registry import REGISTRY, EventSpec

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OTHER_REF = "p" + "a" * 26
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture(params=REGISTRY.specs(), ids=lambda spec: spec.type)
def spec(request: pytest.FixtureRequest) -> EventSpec:
    return request.param  # type: ignore[no-any-return]


def _encode_kwargs(spec: EventSpec) -> dict[str, Any]:
    return {
        "spec": spec,
        "id": "msg-1",
        "source": f"urn:samlad:{spec.agency}",
        "time": T0,
        "position": 7,
        "previous_position": 5,
        "traceparent": TRACEPARENT,
    }


def _v1_ended() -> tuple[EventSpec, fk.SicknessBenefitEndedV1]:
    spec = REGISTRY.spec("fk", fk.SicknessBenefitEndedV1)
    event = fk.SicknessBenefitEndedV1(
        person_ref=EXAMPLE_PERSON_REF,
        effective_at=T0,
        recorded_at=T0,
        benefit_id="b-1",
        rehab_chain_day=180,
    )
    return spec, event


def _hand_off() -> tuple[EventSpec, common.HandOffRequested]:
    spec = REGISTRY.spec("kommun", common.HandOffRequested)
    event = common.HandOffRequested(
        person_ref=EXAMPLE_PERSON_REF,
        effective_at=T0,
        recorded_at=T0,
        hand_off_id="h-1",
        to_agency="af",
        reason="Behöver stöd att söka arbete.",
    )
    return spec, event


def _structured(**changes: Any) -> bytes:
    spec, event = _hand_off()
    message = json.loads(encode_structured(event, **_encode_kwargs(spec)))
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    return json.dumps(message).encode()


def _with_data(**changes: Any) -> bytes:
    spec, event = _hand_off()
    message = json.loads(encode_structured(event, **_encode_kwargs(spec)))
    message["data"].update(changes)
    return json.dumps(message).encode()


def test_structured_round_trip_of_every_event(spec: EventSpec) -> None:
    event = example_event(spec)
    received = decode_message(encode_structured(event, **_encode_kwargs(spec)), None)
    assert received.wire_spec is spec
    assert received.envelope.id == "msg-1"
    assert received.envelope.samladposition == 7
    assert received.envelope.samladprevposition == 5
    assert received.envelope.traceparent == TRACEPARENT
    if REGISTRY.is_latest(spec):
        assert received.spec is spec
        assert received.event == event


def test_binary_round_trip_of_every_event(spec: EventSpec) -> None:
    event = example_event(spec)
    body, headers = encode_binary(event, **_encode_kwargs(spec))
    assert headers["ce-type"] == spec.type
    assert headers["content-type"] == "application/json"
    received = decode_message(body, headers)
    assert received.envelope.time == T0
    assert received.envelope.samladposition == 7
    assert received.envelope.subject == subject_ref(event)
    if REGISTRY.is_latest(spec):
        assert received.event == event


def test_binary_headers_are_read_case_insensitively() -> None:
    spec, event = _hand_off()
    body, headers = encode_binary(event, **_encode_kwargs(spec))
    received = decode_message(body, {key.title(): value for key, value in headers.items()})
    assert received.event == event


def test_a_plain_traceparent_header_is_read_in_binary_mode() -> None:
    spec, event = _hand_off()
    body, headers = encode_binary(event, spec=spec, id="x", source="urn:samlad:kommun", time=T0)
    headers["traceparent"] = TRACEPARENT
    assert decode_message(body, headers).envelope.traceparent == TRACEPARENT


def test_unset_extensions_are_omitted_not_null() -> None:
    spec, event = _hand_off()
    message = json.loads(
        encode_structured(event, spec=spec, id="x", source="urn:samlad:kommun", time=T0)
    )
    assert "samladposition" not in message
    assert "traceparent" not in message


def test_a_v1_message_is_upcast_to_v2_with_the_documented_default() -> None:
    spec, event = _v1_ended()
    received = decode_message(encode_structured(event, **_encode_kwargs(spec)), None)
    assert received.wire_spec.type == "se.samlad.fk.sickness-benefit-ended.v1"
    assert received.spec.type == "se.samlad.fk.sickness-benefit-ended.v2"
    assert received.event == fk.SicknessBenefitEnded(
        person_ref=event.person_ref,
        effective_at=T0,
        recorded_at=T0,
        benefit_id="b-1",
        rehab_chain_day=180,
        end_reason=fk.V1_END_REASON_DEFAULT,
    )
    assert fk.V1_END_REASON_DEFAULT == "okand"


def test_unknown_fields_in_data_are_ignored() -> None:
    received = decode_message(_with_data(added_later="x"), None)
    assert isinstance(received.event, common.HandOffRequested)


def test_a_system_suffix_in_source_is_accepted() -> None:
    assert decode_message(_structured(source="urn:samlad:kommun:procapita"), None)


@pytest.mark.parametrize(
    ("payload", "error", "reason"),
    [
        (_structured(id=None), InvalidEnvelope, "missing required field `id`"),
        (_structured(source=None), InvalidEnvelope, "missing required field `source`"),
        (_structured(type=None), InvalidEnvelope, "missing required field `type`"),
        (_structured(subject=None), InvalidEnvelope, "missing required field `subject`"),
        (_structured(time=None), InvalidEnvelope, "missing required field `time`"),
        (_structured(data=None), InvalidEnvelope, "missing required field `data`"),
        (_structured(id=""), InvalidEnvelope, "at `id`"),
        (_structured(time="2025-03-03T09:00:00"), InvalidEnvelope, "timezone"),
        (_structured(specversion="0.3"), InvalidEnvelope, "at `specversion`"),
        (_structured(subject="199001011234"), InvalidEnvelope, "at `subject`"),
        (_structured(samladposition="7"), InvalidEnvelope, "at `samladposition`"),
        (_structured(datacontenttype="text/xml"), InvalidEnvelope, "datacontenttype"),
        (_structured(specversion=None), NotACloudEvent, "specversion"),
        (b"not json", NotACloudEvent, "not a JSON object"),
        (
            _structured(type="se.samlad.kommun.hand-off-requested.v7"),
            UnknownEventType,
            "se.samlad.kommun.hand-off-requested.v7",
        ),
        (_structured(source="urn:samlad:af"), SourceMismatch, "agency 'kommun'"),
        (_structured(source="https://example.org"), SourceMismatch, "urn:samlad:kommun"),
        (_structured(subject=OTHER_REF), SubjectMismatch, "data.person_ref"),
        (_with_data(to_agency="skatteverket"), InvalidEventData, "`data.to_agency`"),
        (_with_data(hand_off_id=17), InvalidEventData, "`data.hand_off_id`"),
        (_with_data(effective_at="2025-03-03"), InvalidEventData, "`data.effective_at`"),
        (_with_data(person_ref="P123"), InvalidEventData, "`data.person_ref`"),
    ],
)
def test_a_bad_message_gives_a_precise_reason(
    payload: bytes, error: type[ContractError], reason: str
) -> None:
    with pytest.raises(error) as raised:
        decode_message(payload, None)
    assert reason in raised.value.reason


def test_a_missing_required_data_field_is_named() -> None:
    payload = json.loads(_structured())
    del payload["data"]["reason"]
    with pytest.raises(InvalidEventData, match="`reason`"):
        decode_message(json.dumps(payload).encode(), None)


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("ce-time", None, "missing required header `ce-time`"),
        ("ce-id", None, "missing required header `ce-id`"),
        ("ce-samladposition", "seven", "header `ce-samladposition`"),
        ("ce-time", "yesterday", "header `ce-time`"),
    ],
)
def test_a_bad_binary_message_names_the_header(header: str, value: str | None, reason: str) -> None:
    spec, event = _hand_off()
    body, headers = encode_binary(event, **_encode_kwargs(spec))
    if value is None:
        del headers[header]
    else:
        headers[header] = value
    with pytest.raises(InvalidEnvelope) as raised:
        decode_message(body, headers)
    assert reason in raised.value.reason


def test_an_empty_binary_body_is_refused() -> None:
    spec, event = _hand_off()
    _, headers = encode_binary(event, **_encode_kwargs(spec))
    with pytest.raises(InvalidEnvelope, match="body is empty"):
        decode_message(b"", headers)


def test_encoding_refuses_a_source_of_another_agency() -> None:
    spec, event = _hand_off()
    with pytest.raises(SourceMismatch):
        encode_structured(event, spec=spec, id="x", source="urn:samlad:af", time=T0)


def test_encoding_refuses_an_event_of_another_struct() -> None:
    spec = REGISTRY.spec("af", af.JobSeekerRegistered)
    _, event = _hand_off()
    with pytest.raises(ContractError, match="HandOffRequested"):
        encode_structured(event, spec=spec, id="x", source="urn:samlad:af", time=T0)


def test_encoding_refuses_a_naive_time() -> None:
    spec, event = _hand_off()
    with pytest.raises(InvalidEnvelope, match="aware"):
        encode_structured(
            event, spec=spec, id="x", source="urn:samlad:kommun", time=datetime(2025, 3, 3)
        )


def test_events_refuse_naive_business_times() -> None:
    with pytest.raises(msgspec.ValidationError, match="timezone"):
        msgspec.convert(
            {
                "person_ref": EXAMPLE_PERSON_REF,
                "effective_at": "2025-03-03T08:00:00",
                "recorded_at": "2025-03-03T08:00:00Z",
                "kommun": "Uppsala",
                "gender": "kvinna",
                "birth_year": 1990,
                "target_groups": [],
            },
            kommun.PersonEnrolled,
        )
