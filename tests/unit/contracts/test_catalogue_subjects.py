"""Catalogue events are about an offering: their subject ends in its id, never a person's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from contracts.envelope import decode_message, encode_structured
from contracts.errors import InvalidEventData, InvalidSubject, PublisherMismatch, SubjectMismatch
from contracts.examples import EXAMPLE_OFFERING_ID, EXAMPLE_PERSON_REF, example_event
from contracts.registry import REGISTRY
from contracts.subjects import parse_subject, subject_for, subject_of

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PUBLISHED = REGISTRY.spec_for_type("se.samlad.kommun.offering-published.v1")
EXITED = REGISTRY.spec_for_type("se.samlad.kommun.participant-exited.v1")


def _body() -> bytes:
    return encode_structured(
        example_event(PUBLISHED), spec=PUBLISHED, id="m-1", source="urn:samlad:kommun", time=T0
    )


def test_an_offering_is_published_on_a_subject_ending_in_its_id() -> None:
    subject = subject_of(PUBLISHED, example_event(PUBLISHED))
    assert subject == f"samlad.kommun.offering-published.v1.{EXAMPLE_OFFERING_ID}"
    received = decode_message(_body(), None, subject=f"{subject}.3")
    assert received.envelope.subject == EXAMPLE_OFFERING_ID
    assert parse_subject(subject).ref == EXAMPLE_OFFERING_ID


def test_an_offering_id_is_never_a_person_reference_nor_the_reverse() -> None:
    with pytest.raises(InvalidSubject, match="offering_id"):
        subject_for(PUBLISHED, EXAMPLE_PERSON_REF)
    with pytest.raises(InvalidSubject, match="person_ref"):
        subject_for(EXITED, EXAMPLE_OFFERING_ID)


def test_an_offering_event_on_another_offerings_subject_is_a_subject_mismatch() -> None:
    with pytest.raises(SubjectMismatch, match="offering_id"):
        decode_message(_body(), None, subject="samlad.kommun.offering-published.v1.o-another-one")


def test_an_offering_event_about_a_person_is_refused() -> None:
    message = json.loads(_body())
    message["subject"] = EXAMPLE_PERSON_REF
    message["data"]["offering_id"] = EXAMPLE_PERSON_REF
    with pytest.raises(InvalidEventData, match="offering_id"):
        decode_message(json.dumps(message).encode(), None)


def test_af_cannot_publish_a_kommun_offering_on_its_own_subject() -> None:
    subject = f"samlad.af.offering-published.v1.{EXAMPLE_OFFERING_ID}"
    with pytest.raises(PublisherMismatch):
        decode_message(_body(), None, subject=subject)
