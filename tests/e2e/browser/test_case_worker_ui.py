"""Case workers use the UI: caseload, one case in four lanes, alerts, consent, live news.

Each test owns its person (a fresh personnummer) on one `samlad up` per module.
Screenshots are saved under build/screenshots/ on the way; `make screenshots` writes the
README's to docs/screenshots/ instead (``SAMLAD_SCREENSHOTS``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .system import SCREENSHOTS, Agencies, Samlad, days_ago, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANES = ("Kommunen", "Arbetsförmedlingen", "Försäkringskassan", "Regionen")


def wait_for_case(page: Any, samlad: Samlad, ref: str, text: str) -> None:
    """Open the case once the coordination service has folded ``text`` into it."""
    from playwright.sync_api import expect

    url = f"{samlad.ui}/cases/{ref}"
    for _ in range(60):
        response = page.goto(url)
        if response is not None and response.status == 200 and text in page.content():
            return
        page.wait_for_timeout(250)  # the fact is on its way over NATS; ask again
    expect(page.locator("main")).to_contain_text(text)


@pytest.fixture(scope="module")
def busy_case(agencies: Agencies) -> str:
    """A person with three agencies at work in parallel and a hand-off left unanswered."""
    personnummer, ref = agencies.enrol("Lund", 120)
    for agency in ("fk", "region", "af"):
        agencies.post(agency, "/persons", {"personnummer": personnummer})
    agencies.post("kommun", f"/persons/{ref}/consents", {
        "consent_scope": "alla", "to_agencies": ["af", "fk", "region"],
        "effective_at": days_ago(118)})
    agencies.post("fk", f"/persons/{ref}/sickness-benefits", {
        "rehab_chain_day": 30, "effective_at": days_ago(110)})
    agencies.post("kommun", f"/persons/{ref}/interventions", {
        "intervention_type": "arbetstraning", "effective_at": days_ago(100)})
    agencies.post("region", f"/persons/{ref}/consents", {
        "consent_scope": "halsa", "to_agencies": ["kommun"], "effective_at": days_ago(95)})
    agencies.post("region", f"/persons/{ref}/rehabilitations", {
        "rehabilitation_kind": "fysioterapi", "effective_at": days_ago(90)})
    agencies.hand_off(ref, "kommun", "af", "Redo för matchning mot arbete", 40)
    agencies.post("kommun", f"/persons/{ref}/display-name", {"display_name": "Anna A."})
    return ref


def test_the_caseload_lists_my_cases_with_open_alerts_first(
    page: Any, samlad: Samlad, agencies: Agencies, busy_case: str
) -> None:
    from playwright.sync_api import expect

    _, quiet = agencies.enrol("Lund", 1)
    _, twice = agencies.enrol("Malmö", 60)  # the same kind of insats at two agencies
    agencies.post("kommun", f"/persons/{twice}/interventions", {
        "intervention_type": "matchning", "effective_at": days_ago(50)})
    hand_off_id = agencies.hand_off(twice, "kommun", "af", "Stöd i jobbsökande", 45)
    agencies.accept(twice, "af", hand_off_id)
    agencies.post("af", f"/persons/{twice}/registration", {"effective_at": days_ago(31)})
    agencies.post("af", f"/persons/{twice}/referrals", {
        "programme": "Rusta och matcha", "provider": "Leverantör AB",
        "intervention_type": "matchning", "effective_at": days_ago(30)})
    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, busy_case, "Obesvarad överlämning")
    wait_for_case(page, samlad, quiet, "Inskriven vid AME")
    wait_for_case(page, samlad, twice, "Dubbelarbete")
    page.goto(samlad.ui)

    rows = page.locator("table.caseload tbody tr")
    expect(rows.first).to_have_class(re.compile("has-alerts"))
    expect(page.locator(".caseload-count")).to_contain_text(re.compile(r"Visar 1–\d+ av \d+"))
    expect(page.locator(f"tr[data-ref='{busy_case}']")).to_contain_text("Obesvarad överlämning")
    expect(page.locator(f"tr[data-ref='{busy_case}'] .own-name")).to_have_text("Anna A.")
    expect(page.locator(f"tr[data-ref='{quiet}']")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "caseload.png"), full_page=True)

    page.get_by_label("Signal").select_option("no_lead")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator(f"tr[data-ref='{busy_case}']")).to_be_visible()
    expect(page.locator(f"tr[data-ref='{quiet}']")).to_have_count(0)


def test_a_person_is_found_by_personnummer_without_it_being_kept(
    page: Any, samlad: Samlad, agencies: Agencies
) -> None:
    from playwright.sync_api import expect

    personnummer, ref = agencies.enrol("Malmö", 3)
    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, ref, "Inskriven vid AME")
    page.goto(samlad.ui)
    page.get_by_label("Personreferens eller personnummer").fill(personnummer)
    page.get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(f"/ui/cases/{ref}$"))
    assert personnummer not in page.url


def test_a_case_shows_four_lanes_the_hand_off_lead_and_what_to_do(
    page: Any, samlad: Samlad, busy_case: str
) -> None:
    from playwright.sync_api import expect

    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, busy_case, "Rehabilitering startad")
    wait_for_case(page, samlad, busy_case, "Inget samordningsansvar")

    headers = page.locator("table.timeline thead th.lane .lane-name")
    expect(headers).to_have_text(list(LANES))
    expect(page.locator("th[data-lane='kommun']")).to_contain_text("Aktiv")
    # FK is active, but what it pays is FK's secret: no consent covers the kommun for it.
    expect(page.locator("th[data-lane='fk']")).to_contain_text("Aktiv")
    expect(page.locator("th[data-lane='fk']")).not_to_contain_text("sjukpenning")
    expect(page.locator("th[data-lane='region']")).to_contain_text("Pågår: rehabilitering")
    hand_off = page.locator("td.hand-off-span")
    expect(hand_off).to_contain_text("Överlämning Kommun → AF")
    expect(hand_off).to_contain_text(re.compile(r"har väntat (39|40) dagar"))
    expect(page.locator(".facts-line")).to_contain_text("Samordningsansvar: ingen")
    alert = page.locator("#signaler li.alert.open[data-rule='hand_off_unanswered']")
    expect(alert).to_contain_text("Vad är fel:")
    expect(alert).to_contain_text("Gör så här:")
    page.screenshot(path=str(SCREENSHOTS / "case.png"), full_page=True)


def test_a_new_event_and_an_alert_resolution_appear_without_a_reload(
    page: Any, samlad: Samlad, agencies: Agencies
) -> None:
    from playwright.sync_api import expect

    _, ref = agencies.enrol("Lund", 30)
    hand_off_id = agencies.hand_off(ref, "kommun", "af", "Behöver matchning", 10)
    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, ref, "Obesvarad överlämning")
    page.evaluate("window.notReloaded = true")
    open_alert = page.locator("#signaler li.alert.open[data-rule='hand_off_unanswered']")
    expect(open_alert).to_be_visible()

    agencies.accept(ref, "af", hand_off_id)

    expect(page.locator("table.timeline")).to_contain_text("Överlämning från kommun accepterad")
    expect(page.locator("td.hand-off-span")).to_contain_text("Accepterad")
    expect(open_alert).to_have_count(0)
    expect(page.locator("tr.alert-row.resolved.fresh")).to_contain_text(
        "Signal åtgärdad: Obesvarad överlämning")
    expect(page.locator("#live-status")).not_to_be_empty()
    assert page.evaluate("window.notReloaded") is True


def test_details_are_hidden_until_consent_covers_my_agency(
    page: Any, samlad: Samlad, agencies: Agencies
) -> None:
    from playwright.sync_api import expect

    _, ref = agencies.enrol("Lund", 20)
    agencies.hand_off(ref, "kommun", "af", "Skuldsanering pågår hos socialtjänsten", 2)
    log_in(page, samlad, "af")
    wait_for_case(page, samlad, ref, "Överlämning Kommun → AF")

    hand_off = page.locator("td.hand-off-span")
    expect(hand_off).to_contain_text("Dolt:")
    expect(page.locator("main")).not_to_contain_text("Skuldsanering")

    agencies.post("kommun", f"/persons/{ref}/consents", {
        "consent_scope": "socialtjanst", "to_agencies": ["af"]})

    expect(hand_off).to_contain_text("Skuldsanering pågår hos socialtjänsten")
    expect(hand_off).not_to_contain_text("Dolt:")
    expect(page.locator(".consent-reveals")).to_contain_text("visar er uppgifter från Kommunen")


def test_the_agency_that_asked_sees_why_its_hand_off_was_rejected(
    page: Any, samlad: Samlad, agencies: Agencies
) -> None:
    from playwright.sync_api import expect

    _, ref = agencies.enrol("Lund", 10)
    hand_off_id = agencies.hand_off(ref, "kommun", "af", "Behöver matchning", 5)
    agencies.reject(ref, "af", hand_off_id, "Personen är redan inskriven hos oss")
    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, ref, "avvisad")
    expect(page.locator(".answer-reason")).to_contain_text(
        "skäl: Personen är redan inskriven hos oss")
    expect(page.locator("main")).not_to_contain_text("Skrev in personen")


def test_the_caseload_shows_what_my_own_agency_calls_the_person(
    page: Any, samlad: Samlad, agencies: Agencies
) -> None:
    """The name comes from the kommun's own record, asked with the viewer's token."""
    from playwright.sync_api import expect

    personnummer, ref = agencies.enrol("Ludvika", 2)
    agencies.post("kommun", f"/persons/{ref}/display-name", {"display_name": "Anna Andersson"})
    agencies.post("af", "/persons", {"personnummer": personnummer})
    agencies.post("af", f"/persons/{ref}/registration", {"effective_at": days_ago(1)})
    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, ref, "Inskriven vid AME")
    page.goto(f"{samlad.ui}?kommun=Ludvika")
    expect(page.locator(f"tr[data-ref='{ref}'] .own-name")).to_have_text("Anna Andersson")

    log_in(page, samlad, "af")
    page.goto(f"{samlad.ui}?kommun=Ludvika")
    expect(page.locator(f"tr[data-ref='{ref}']")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Anna Andersson")
