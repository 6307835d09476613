from __future__ import annotations

import re

import pytest

from contracts import common, fk, kommun
from contracts.base import AGENCIES
from contracts.errors import InvalidSubject, UnknownEventType
from contracts.examples import EXAMPLE_PERSON_REF
from contracts.registry import REGISTRY, event_name
from contracts.subjects import (
    agency_of_subject,
    deadletter_subject,
    person_ref_of_subject,
    subject_for,
    type_of_subject,
)

TYPE_RE = re.compile(r"^se\.samlad\.[a-z]+\.[a-z]+(-[a-z]+)*\.v[1-9][0-9]*$")


def test_every_type_follows_the_naming_scheme() -> None:
    for spec in REGISTRY.specs():
        assert TYPE_RE.match(spec.type), spec.type
        assert spec.type == f"se.samlad.{spec.agency}.{spec.name}.v{spec.version}"


def test_event_names_are_kebab_case_of_the_class_without_version_suffix() -> None:
    assert event_name(kommun.SipInitiated) == "sip-initiated"
    assert event_name(common.HandOffRequested) == "hand-off-requested"
    assert event_name(fk.SicknessBenefitEndedV1) == "sickness-benefit-ended"


def test_common_events_are_registered_once_per_agency() -> None:
    for struct in common.COMMON_EVENTS:
        types = {REGISTRY.spec(agency, struct).type for agency in AGENCIES}
        assert len(types) == 4
    assert REGISTRY.spec("af", common.HandOffRequested).type == "se.samlad.af.hand-off-requested.v1"


def test_spec_is_the_latest_version_of_a_struct() -> None:
    spec = REGISTRY.spec("fk", fk.SicknessBenefitEnded)
    assert spec.type == "se.samlad.fk.sickness-benefit-ended.v2"
    assert REGISTRY.latest(REGISTRY.spec("fk", fk.SicknessBenefitEndedV1)) is spec


def test_spec_for_type_round_trips() -> None:
    for spec in REGISTRY.specs():
        assert REGISTRY.spec_for_type(spec.type) is spec


def test_an_unknown_type_is_refused_with_its_name() -> None:
    with pytest.raises(UnknownEventType, match=r"se\.samlad\.fk\.sickness-benefit-ended\.v9"):
        REGISTRY.spec_for_type("se.samlad.fk.sickness-benefit-ended.v9")
    with pytest.raises(UnknownEventType, match="does not follow"):
        REGISTRY.spec_for_type("com.example.thing")


def test_a_struct_not_published_by_an_agency_is_refused() -> None:
    with pytest.raises(UnknownEventType, match="PersonEnrolled"):
        REGISTRY.spec("fk", kommun.PersonEnrolled)


def test_subject_for_and_its_inverses() -> None:
    person_ref = EXAMPLE_PERSON_REF
    spec = REGISTRY.spec("fk", fk.SicknessBenefitEnded)
    subject = subject_for(spec, person_ref)
    assert subject == f"samlad.fk.sickness-benefit-ended.v2.{person_ref}"
    assert agency_of_subject(subject) == "fk"
    assert person_ref_of_subject(subject) == person_ref
    assert type_of_subject(subject) == spec.type


def test_subject_for_refuses_a_person_ref_that_is_no_pseudonym() -> None:
    spec = REGISTRY.spec("kommun", kommun.PersonEnrolled)
    with pytest.raises(InvalidSubject, match="person_ref"):
        subject_for(spec, "199001011234")


def test_agency_of_subject_refuses_foreign_subjects() -> None:
    with pytest.raises(InvalidSubject):
        agency_of_subject("orders.created")


def test_dead_letters_name_the_agency_and_who_parked_them() -> None:
    assert deadletter_subject("af") == "samlad.deadletter.af.coordination"
    assert deadletter_subject("af", "outbox") == "samlad.deadletter.af.outbox"
