"""Commands are the application's methods: they run on a real store without HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.pseudonym import Pseudonymiser
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from domain.agencies import Agency, InterventionType
from domain.agency.errors import Conflict
from services.af.application import AfApplication
from services.af.schemas import Deregister, MakeReferral
from services.agency.schemas import Command, RequestHandOff
from services.demo.personnummer import personnummer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def af(tmp_path: Path) -> Iterator[AfApplication]:
    app = open_application(AfApplication, StoreSettings(data_dir=tmp_path), "af", init={
        "clock": lambda: NOW, "pseudonymiser": Pseudonymiser(b"k" * 32),
    })
    yield app
    app.close()


def _new_events(app: AfApplication, person_ref: str) -> list[object]:
    involvement = app.get_involvement(person_ref)
    return [
        app.mapper.to_domain_event(stored)
        for stored in app.process_recorder.select_events(involvement.id)
    ]


def test_a_job_seeker_is_registered_referred_and_deregistered_by_the_application(
    af: AfApplication,
) -> None:
    ref = af.identify(personnummer(datetime(1990, 5, 17).date(), 12))

    af.register(ref, Command())
    referral = af.make_referral(ref, MakeReferral(
        programme="Rusta och matcha", provider="Lev AB",
        intervention_type=InterventionType.MATCHING))
    answer = af.deregister(ref, Deregister(reason="arbete", reason_code="1.1"))

    events = _new_events(af, ref)
    assert [type(e).__name__ for e in events] == [
        "Opened", "JobSeekerRegistered", "ReferralMade", "JobSeekerDeregistered"]
    assert getattr(events[-1], "reason_code") == "1.1"  # noqa: B009
    assert answer.version == 4 and "referral_id" in referral.ids
    assert getattr(events[2], "effective_at") == NOW  # noqa: B009


def test_a_command_the_record_forbids_is_refused_and_nothing_is_saved(
    af: AfApplication,
) -> None:
    ref = af.identify(personnummer(datetime(1991, 6, 18).date(), 13))

    with pytest.raises(Conflict):
        af.deregister(ref, Deregister(reason="arbete"))
    with pytest.raises(Conflict):
        af.request_hand_off(ref, RequestHandOff(to_agency=Agency.AF, reason="fel"))

    assert [type(e).__name__ for e in _new_events(af, ref)] == ["Opened"]
