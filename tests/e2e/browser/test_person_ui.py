"""A participant uses their own page: who helps me, what is planned, what waits, whom to
call, and saying yes (and no again) to what the agencies may see.

The person logs in with their personnummer on the development login and sees only their
own page. Screenshots go to build/screenshots/ (``SAMLAD_SCREENSHOTS`` for the README's).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .system import SCREENSHOTS, Agencies, Samlad, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def participant(agencies: Agencies) -> tuple[str, str]:
    """In arbetsträning after a kartläggning at the kommun, which leads and has asked AF
    to take over a part."""
    personnummer, ref = agencies.enrol("Lund", 30)
    agencies.post(
        "kommun",
        f"/persons/{ref}/needs-assessments",
        {
            "further_support_needed": True,
            "summary": "Vill arbeta utomhus",
            "effective_at": days_ago(25),
        },
    )
    agencies.post(
        "kommun",
        f"/persons/{ref}/interventions",
        {"intervention_type": "arbetstraning", "effective_at": days_ago(20)},
    )
    agencies.post("kommun", f"/persons/{ref}/lead/assume", {"effective_at": days_ago(20)})
    agencies.hand_off(ref, "kommun", "af", "Redo för matchning mot arbete", 5)
    return personnummer, ref


def log_in_as_person(page: Any, samlad: Samlad, personnummer: str) -> None:
    page.goto(f"{samlad.ui}/login")
    page.get_by_label("Ditt personnummer").fill(personnummer)
    page.get_by_role("button", name="Öppna min sida").click()
    page.wait_for_url(re.compile(r"/ui/me$"))


def wait_for_own_page(page: Any, samlad: Samlad, text: str) -> None:
    """Reload the own page until the shared case holds ``text`` (it travels over NATS)."""
    from playwright.sync_api import expect

    for _ in range(60):
        if text in page.content():
            return
        page.wait_for_timeout(250)
        page.goto(f"{samlad.ui}/me")
    expect(page.locator("main")).to_contain_text(text)


def test_the_person_sees_who_helps_what_is_planned_what_waits_and_whom_to_call(
    page: Any, samlad: Samlad, participant: tuple[str, str]
) -> None:
    from playwright.sync_api import expect

    personnummer, ref = participant
    log_in_as_person(page, samlad, personnummer)
    wait_for_own_page(page, samlad, "Arbetsförmedlingen ska svara")

    main = page.locator("main")
    for question in (
        "Vilka hjälper mig?",
        "Vad är planerat?",
        "Vad väntar vi på?",
        "Vem kan jag ringa?",
        "Vad får myndigheterna se?",
    ):
        expect(page.get_by_role("heading", name=question)).to_be_visible()
    expect(main).to_contain_text("Kommunen har huvudansvaret")
    expect(main).to_contain_text("Arbetsträning")
    expect(main).to_contain_text("0771-416 416")  # AF's number, from the contacts table
    expect(main).to_contain_text("Kommunen och du har pratat om vad du behöver")
    expect(main).not_to_contain_text("Redo för matchning")  # the case workers' own notes
    expect(main).not_to_contain_text("utomhus")
    assert personnummer not in page.url and ref not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "person.png"), full_page=True)

    page.goto(samlad.ui)  # the case workers' list is not the person's
    expect(page).to_have_url(re.compile(r"/ui/me$"))


def test_the_person_says_yes_and_then_no_to_what_the_agencies_may_see(
    page: Any, samlad: Samlad, participant: tuple[str, str]
) -> None:
    from playwright.sync_api import expect

    personnummer, _ = participant
    log_in_as_person(page, samlad, personnummer)
    wait_for_own_page(page, samlad, "Jag säger ja")

    page.get_by_label("Din hälsa och vård, till exempel sjukskrivning").check()
    page.get_by_label("Kommunen", exact=True).check()
    page.get_by_label("Försäkringskassan", exact=True).check()
    page.get_by_role("button", name="Jag säger ja").click()

    consent = page.locator("#samtycke")
    expect(page.get_by_role("status").first).to_contain_text("Ditt ja är sparat")
    expect(consent).to_contain_text("Kommunen och Försäkringskassan får se: Din hälsa och vård")
    expect(consent).to_contain_text("Du sa ja själv")

    page.get_by_role("button", name="Ta bort mitt ja").click()

    expect(page.get_by_role("status").first).to_contain_text("Ditt ja är borttaget")
    expect(consent).to_contain_text("Du har inte sagt ja till något ännu.")
