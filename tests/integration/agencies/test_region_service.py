"""The region over HTTP: sjukskrivning, rehabilitering, SIP participation."""

from __future__ import annotations

import pytest

import contracts.region

from .harness import Agencies, assert_problem, event_as


async def test_sick_leave_certified_from_to_with_extent(agencies: Agencies) -> None:
    ref = await agencies.person("region")

    response = await agencies["region"].post(f"/persons/{ref}/sick-leave-certificates", json={
        "period_from": "2026-02-01", "period_to": "2026-03-15", "extent_percent": 50,
        "certificate_id": "intyg-1", "effective_at": "2026-02-01T09:30:00+01:00"})

    assert response.status_code == 201, response.text
    assert response.json()["ids"] == {"certificate_id": "intyg-1"}
    [event] = await agencies.published(ref).at_least(1)
    assert event.spec.type == "se.samlad.region.sick-leave-certified.v1"
    certified = event_as(event, contracts.region.SickLeaveCertified)
    assert (str(certified.period_from), str(certified.period_to)) == (
        "2026-02-01", "2026-03-15")
    assert certified.extent_percent == 50
    assert event.event.effective_at.isoformat() == "2026-02-01T08:30:00+00:00"


async def test_invalid_sick_leave_is_refused_and_publishes_nothing(agencies: Agencies) -> None:
    region = agencies["region"]
    ref = await agencies.person("region")
    body = {"period_from": "2026-02-01", "period_to": "2026-03-15", "extent_percent": 100}

    backwards = await region.post(f"/persons/{ref}/sick-leave-certificates",
                                  json=body | {"period_to": "2026-01-01"})
    first = await region.post(f"/persons/{ref}/sick-leave-certificates",
                              json=body | {"certificate_id": "intyg-1"})
    again = await region.post(f"/persons/{ref}/sick-leave-certificates",
                              json=body | {"certificate_id": "intyg-1"})

    assert_problem(backwards, 422, "period_to")
    assert first.status_code == 201
    assert_problem(again, 409, "certificate_id")
    assert await agencies.published(ref).types(1) == ["region:sick-leave-certified"]


@pytest.mark.parametrize(("change", "field"), [
    ({"extent_percent": 60}, "extent_percent"),
    ({"extent_percent": None}, "extent_percent"),
    ({"period_to": None}, "period_to"),
    ({"period_from": "den första"}, "period_from"),
])
async def test_a_malformed_certificate_is_a_bad_request_naming_the_field(
    agencies: Agencies, change: dict[str, object], field: str
) -> None:
    ref = await agencies.person("region")
    body = {"period_from": "2026-02-01", "period_to": "2026-03-15", "extent_percent": 25}
    body = {k: v for k, v in (body | change).items() if v is not None}
    response = await agencies["region"].post(f"/persons/{ref}/sick-leave-certificates",
                                             json=body)
    assert_problem(response, 400, field)


async def test_rehabilitation_started_and_ended(agencies: Agencies) -> None:
    region = agencies["region"]
    ref = await agencies.person("region")

    started = await region.post(f"/persons/{ref}/rehabilitations", json={
        "rehabilitation_kind": "fysioterapi", "rehabilitation_id": "rh-1"})
    ended = await region.post(f"/persons/{ref}/rehabilitations/rh-1/end",
                              json={"further_support_needed": True})

    assert started.status_code == 201, started.text
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(2)
    assert [e.spec.name for e in events] == ["rehabilitation-started", "rehabilitation-ended"]
    rehab_started = event_as(events[0], contracts.region.RehabilitationStarted)
    assert rehab_started.rehabilitation_kind == "fysioterapi"
    assert event_as(events[1], contracts.region.RehabilitationEnded).further_support_needed is True


async def test_invalid_rehabilitation_transitions_are_refused(agencies: Agencies) -> None:
    region = agencies["region"]
    ref = await agencies.person("region")

    never = await region.post(f"/persons/{ref}/rehabilitations/rh-9/end", json={})
    no_kind = await region.post(f"/persons/{ref}/rehabilitations", json={})
    await region.post(f"/persons/{ref}/rehabilitations",
                      json={"rehabilitation_kind": "psykiatri", "rehabilitation_id": "rh-1"})
    duplicate = await region.post(f"/persons/{ref}/rehabilitations",
                                  json={"rehabilitation_kind": "mmr", "rehabilitation_id": "rh-1"})
    await region.post(f"/persons/{ref}/rehabilitations/rh-1/end", json={})
    twice = await region.post(f"/persons/{ref}/rehabilitations/rh-1/end", json={})

    assert_problem(never, 404, "rehabilitation_id")
    assert_problem(no_kind, 400, "rehabilitation_kind")
    assert_problem(duplicate, 409, "rehabilitation_id")
    assert_problem(twice, 409, "rehabilitation_id")
    assert await agencies.published(ref).types(2) == [
        "region:rehabilitation-started", "region:rehabilitation-ended"]


async def test_sip_participation_confirmed_once(agencies: Agencies) -> None:
    region = agencies["region"]
    ref = await agencies.person("region")

    confirmed = await region.post(f"/persons/{ref}/sip-participations", json={"sip_id": "sip-7"})
    again = await region.post(f"/persons/{ref}/sip-participations", json={"sip_id": "sip-7"})
    malformed = await region.post(f"/persons/{ref}/sip-participations", json={"sip_id": "a b"})

    assert confirmed.status_code == 201, confirmed.text
    assert_problem(again, 409, "sip_id")
    assert_problem(malformed, 400, "sip_id")
    [event] = await agencies.published(ref).at_least(1)
    confirmed_event = event_as(event, contracts.region.SipParticipationConfirmed)
    assert (event.spec.name, confirmed_event.sip_id) == ("sip-participation-confirmed", "sip-7")
