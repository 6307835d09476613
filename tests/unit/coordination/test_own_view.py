"""The person's own view, folded from a case's facts: plain words, the right agency."""

from __future__ import annotations

import msgspec

from domain.agencies import Agency, RecordedBy
from services.coordination.contacts import load_contacts
from services.coordination.queries_person import own_view
from tests.unit.case.builders import (
    benefit_started,
    case_with,
    consent,
    ended,
    enrolled,
    hand_off,
    lead,
    lost,
    noted,
    registered,
    started,
)

CONTACTS = load_contacts()


def test_a_new_consent_is_kept_by_the_lead_else_by_the_agency_that_enrolled() -> None:
    enrolled_only = case_with(enrolled(0), registered(Agency.AF, 1))
    led_by_af = case_with(enrolled(0), registered(Agency.AF, 1), lead(Agency.AF, 2))
    unknown_to_kommun = case_with(registered(Agency.FK, 1))

    assert own_view(enrolled_only, CONTACTS).consent_kept_by == "kommun"
    assert own_view(led_by_af, CONTACTS).consent_kept_by == "af"
    assert own_view(unknown_to_kommun, CONTACTS).consent_kept_by == "fk"


def test_what_runs_comes_first_and_ended_work_says_when_it_ended() -> None:
    case = case_with(
        enrolled(0),
        started(Agency.KOMMUN, "i1", 1),
        ended(Agency.KOMMUN, "i1", 5),
        benefit_started("b1", 10),
    )

    plan = own_view(case, CONTACTS).plan

    assert [(p.what.split(" –")[0], p.running) for p in plan] == [
        ("Sjukpenning", True),
        ("Arbetsträning", False),
    ]
    assert plan[1].text.startswith("Klar ")


def test_an_agency_waits_for_an_answer_or_for_the_person_to_get_in_touch() -> None:
    case = case_with(
        enrolled(0),
        hand_off("h1", Agency.KOMMUN, Agency.REGION, 3),
        registered(Agency.AF, 1),
        lost(Agency.AF, 4),
    )

    waiting = [w.text for w in own_view(case, CONTACTS).waiting]

    # The enrolment holds the person at the kommun (docs/rules.md), waiting for a start.
    assert waiting == [
        "Kommunen ska börja något med dig. Du väntar på det.",
        "Vården (regionen) ska svara om de kan hjälpa dig. Kommunen frågade dem 7 mars 2024.",
        "Arbetsförmedlingen väntar på att du hör av dig.",
    ]


def test_whom_to_call_comes_from_the_contacts_table_for_each_involved_agency() -> None:
    view = own_view(case_with(enrolled(0), registered(Agency.AF, 1)), CONTACTS)

    assert [(a.agency, a.contact.phone if a.contact else None) for a in view.agencies] == [
        ("kommun", CONTACTS[Agency.KOMMUN].phone),
        ("af", "0771-416 416"),
    ]


def test_a_consent_says_whether_the_person_gave_it_themself() -> None:
    mine = msgspec.structs.replace(
        consent("c2", "halsa", (Agency.FK,), 2), recorded_by=RecordedBy.PERSON
    )
    case = case_with(enrolled(0), consent("c1", "alla", (Agency.AF, Agency.FK), 1), mine)

    consents = {c.consent_id: c for c in own_view(case, CONTACTS).consents}

    assert consents["c1"].given_text == "Kommunen skrev upp ditt ja 5 mars 2024."
    assert consents["c1"].text.startswith("Arbetsförmedlingen och Försäkringskassan får se")
    assert consents["c2"].given_text == "Du sa ja själv 6 mars 2024."
    assert consents["c2"].kept_by == "kommun"


def test_what_has_happened_is_said_in_plain_words_newest_first() -> None:
    case = case_with(
        enrolled(0),
        noted(Agency.KOMMUN, 1, "needs_assessment"),
        noted(Agency.AF, 9, "employment"),
        noted(Agency.FK, 5, "unknown_topic"),
    )

    assert [s.text for s in own_view(case, CONTACTS).steps] == [
        "Du har fått ett arbete.",
        "Kommunen och du har pratat om vad du behöver (kartläggning).",
    ]
