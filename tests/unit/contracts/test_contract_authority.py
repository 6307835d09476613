"""Authority on the bus: an agency asserts only its own facts (issue 11, hole 1).

``decode_message(..., subject=...)`` refuses a message whose NATS subject, CloudEvents
type, source, subject and data do not name the same publisher, event and person; every
refusal carries its reason word first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.base import AGENCIES, COORDINATION
from contracts.coordination import AlertRaised, AlertResolved
from contracts.envelope import decode_message, encode_binary, encode_structured
from contracts.errors import (
    ContractError,
    InvalidEnvelope,
    InvalidSubject,
    PublisherMismatch,
    SourceMismatch,
    SubjectMismatch,
)
from contracts.examples import EXAMPLE_PERSON_REF, example_event
from contracts.registry import REGISTRY, EventSpec
from contracts.subjects import recipient_tokens, recipients_token, subject_of

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OTHER_REF = "p" + "a" * 26


def _message(spec: EventSpec, source: str | None = None) -> tuple[bytes, str]:
    event = example_event(spec)
    body = encode_structured(
        event, spec=spec, id="m-1", source=source or f"urn:samlad:{spec.agency}", time=T0
    )
    return body, subject_of(spec, event)


def _forged(spec: EventSpec, **attributes: Any) -> bytes:
    message = json.loads(_message(spec)[0])
    message.update(attributes)
    return json.dumps(message).encode()


AGENCY_SPECS = [spec for spec in REGISTRY.specs() if spec.agency != COORDINATION]


@pytest.mark.parametrize("spec", REGISTRY.specs(), ids=lambda spec: spec.type)
def test_a_message_on_its_own_subject_is_accepted(spec: EventSpec) -> None:
    body, subject = _message(spec)
    assert decode_message(body, None, subject=subject).wire_spec is spec


@pytest.mark.parametrize("spec", AGENCY_SPECS, ids=lambda spec: spec.type)
def test_the_stored_subject_with_its_partition_is_accepted(spec: EventSpec) -> None:
    body, subject = _message(spec)
    assert decode_message(body, None, subject=f"{subject}.3").spec.agency == spec.agency


@pytest.mark.parametrize(
    ("spec", "publisher"),
    [(spec, agency) for spec in AGENCY_SPECS for agency in AGENCIES if agency != spec.agency],
    ids=lambda value: value.type if isinstance(value, EventSpec) else value,
)
def test_another_agencys_type_on_an_agencys_subject_is_a_publisher_mismatch(
    spec: EventSpec, publisher: str
) -> None:
    body, subject = _message(spec)
    forged_subject = subject.replace(f"samlad.{spec.agency}.", f"samlad.{publisher}.", 1)
    with pytest.raises(PublisherMismatch) as raised:
        decode_message(body, None, subject=forged_subject)
    assert raised.value.reason.startswith("PublisherMismatch: ")
    assert publisher in raised.value.reason


def test_the_reported_forgery_af_publishing_an_fk_benefit_is_refused() -> None:
    spec = REGISTRY.spec_for_type("se.samlad.fk.sickness-benefit-granted.v1")
    body, _ = _message(spec)
    with pytest.raises(PublisherMismatch):
        decode_message(
            body, None, subject=f"samlad.af.sickness-benefit-granted.v1.{EXAMPLE_PERSON_REF}"
        )


def test_a_foreign_source_on_the_own_type_and_subject_is_a_source_mismatch() -> None:
    spec = REGISTRY.spec_for_type("se.samlad.af.participant-exited.v1")
    body, subject = _message(spec)
    forged = json.loads(body)
    forged["source"] = "urn:samlad:kommun"
    with pytest.raises(SourceMismatch) as raised:
        decode_message(json.dumps(forged).encode(), None, subject=subject)
    assert raised.value.reason.startswith("SourceMismatch: ")


@pytest.mark.parametrize(
    ("subject", "why"),
    [
        (f"samlad.af.participant-exited.v1.{OTHER_REF}", "person_ref"),
        (f"samlad.af.contact-lost.v1.{EXAMPLE_PERSON_REF}", "contact-lost"),
        (f"samlad.af.participant-exited.v2.{EXAMPLE_PERSON_REF}", "v2"),
        (f"samlad.af.participant-exited.v1.{EXAMPLE_PERSON_REF}.kommun", "partition"),
    ],
)
def test_a_subject_naming_another_event_or_person_is_a_subject_mismatch(
    subject: str, why: str
) -> None:
    body, _ = _message(REGISTRY.spec_for_type("se.samlad.af.participant-exited.v1"))
    with pytest.raises(SubjectMismatch) as raised:
        decode_message(body, None, subject=subject)
    assert raised.value.reason.startswith("SubjectMismatch: ")
    assert why in raised.value.reason


def test_binary_mode_is_held_to_the_same_rule() -> None:
    spec = REGISTRY.spec_for_type("se.samlad.fk.sickness-benefit-granted.v1")
    body, headers = encode_binary(example_event(spec), spec=spec, id="m-1",
                                  source="urn:samlad:fk", time=T0)
    with pytest.raises(PublisherMismatch):
        decode_message(body, headers, subject=f"samlad.af.sickness-benefit-granted.v1."
                                               f"{EXAMPLE_PERSON_REF}")


def test_a_subject_outside_the_scheme_is_invalid() -> None:
    body, _ = _message(REGISTRY.spec_for_type("se.samlad.af.participant-exited.v1"))
    with pytest.raises(InvalidSubject):
        decode_message(body, None, subject="orders.created")


@pytest.mark.parametrize("name", ["alert-raised", "alert-resolved"])
def test_an_alert_must_name_exactly_its_recipients_in_its_subject(name: str) -> None:
    spec = REGISTRY.spec_for_type(f"se.samlad.coordination.{name}.v1")
    body, subject = _message(spec)
    recipients = subject.rsplit(".", 1)[1]
    alert = example_event(spec)
    assert isinstance(alert, AlertRaised | AlertResolved)
    assert recipients == recipients_token(alert.agencies)
    for wrong in ("region", "1", None):
        forged = subject.rsplit(".", 1)[0] + (f".{wrong}" if wrong else "")
        with pytest.raises(SubjectMismatch, match="recipients"):
            decode_message(body, None, subject=forged)


def test_an_agency_cannot_issue_alerts_on_its_own_subject() -> None:
    spec = REGISTRY.spec_for_type("se.samlad.coordination.alert-raised.v1")
    body, subject = _message(spec)
    with pytest.raises(PublisherMismatch):
        decode_message(body, None, subject=subject.replace(".coordination.", ".af.", 1))


def test_recipient_tokens_list_every_set_naming_the_agency_once() -> None:
    tokens = recipient_tokens("fk")
    assert len(tokens) == 8 and len(set(tokens)) == 8
    assert all("fk" in token.split("-") for token in tokens)
    assert "kommun-af-fk-region" in tokens and "fk" in tokens


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"traceparent": "garbage"}, "traceparent"),
        ({"traceparent": "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"},
         "traceparent"),
        ({"dataschema": "not a uri"}, "dataschema"),
        ({"time": "yesterday"}, "time"),
        ({"time": "2025-03-03T09:00:00"}, "time"),
        ({"time": 1741000000}, "time"),
        ({"id": ""}, "id"),
    ],
)
def test_cloudevents_attributes_that_break_the_spec_are_refused(
    attributes: dict[str, Any], field: str
) -> None:
    spec = REGISTRY.spec_for_type("se.samlad.af.participant-exited.v1")
    with pytest.raises(InvalidEnvelope) as raised:
        decode_message(_forged(spec, **attributes), None)
    assert raised.value.reason.startswith("InvalidEnvelope: ")
    assert f"`{field}`" in raised.value.reason


@pytest.mark.parametrize(
    ("header", "value"),
    [("ce-traceparent", "garbage"), ("ce-dataschema", "not a uri"),
     ("ce-time", "1741000000"), ("ce-id", "")],
)
def test_binary_mode_headers_that_break_the_spec_are_refused(header: str, value: str) -> None:
    spec = REGISTRY.spec_for_type("se.samlad.af.participant-exited.v1")
    body, headers = encode_binary(example_event(spec), spec=spec, id="m-1",
                                  source="urn:samlad:af", time=T0)
    with pytest.raises(ContractError) as raised:
        decode_message(body, {**headers, header: value})
    assert f"`{header}`" in raised.value.reason
