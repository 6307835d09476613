"""The region's own rules on sjukskrivning, rehabilitering and SIP participation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.agency.errors import Conflict, Invalid, NotFound
from domain.region.patient import Patient

T0 = datetime(2026, 3, 2, tzinfo=UTC)
AT = {"effective_at": T0, "recorded_at": T0}


def patient() -> Patient:
    return Patient(person_ref="p" + "c" * 26, **AT)


def test_sick_leave_runs_forward_at_a_quarter_step_extent() -> None:
    person = patient()
    with pytest.raises(Invalid) as backwards:
        person.certify_sick_leave(certificate_id="c", period_from=date(2026, 3, 1),
                                  period_to=date(2026, 2, 1), extent_percent=100, **AT)
    with pytest.raises(Invalid) as odd_extent:
        person.certify_sick_leave(certificate_id="c", period_from=date(2026, 3, 1),
                                  period_to=date(2026, 4, 1), extent_percent=60, **AT)
    person.certify_sick_leave(certificate_id="c", period_from=date(2026, 3, 1),
                              period_to=date(2026, 3, 1), extent_percent=25, **AT)
    with pytest.raises(Conflict):
        person.certify_sick_leave(certificate_id="c", period_from=date(2026, 3, 1),
                                  period_to=date(2026, 4, 1), extent_percent=25, **AT)
    assert (backwards.value.field, odd_extent.value.field) == ("period_to", "extent_percent")


def test_a_rehabilitation_that_never_started_cannot_end() -> None:
    with pytest.raises(NotFound) as raised:
        patient().end_rehabilitation(rehabilitation_id="r", further_support_needed=False, **AT)
    assert raised.value.field == "rehabilitation_id"


def test_a_rehabilitation_starts_and_ends_once() -> None:
    person = patient()
    person.start_rehabilitation(rehabilitation_id="r", rehabilitation_kind="mmr", **AT)
    with pytest.raises(Conflict):
        person.start_rehabilitation(rehabilitation_id="r", rehabilitation_kind="mmr", **AT)
    person.end_rehabilitation(rehabilitation_id="r", further_support_needed=True, **AT)
    with pytest.raises(Conflict):
        person.end_rehabilitation(rehabilitation_id="r", further_support_needed=True, **AT)
    assert person.rehabilitations == {"r": "ended"}


def test_sip_participation_is_confirmed_once() -> None:
    person = patient()
    person.confirm_sip_participation(sip_id="sip", **AT)
    with pytest.raises(Conflict):
        person.confirm_sip_participation(sip_id="sip", **AT)
