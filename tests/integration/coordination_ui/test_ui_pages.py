"""What the pages show a case worker, and to whom."""

from __future__ import annotations

import re

from domain.agencies import Agency

from .conftest import UI, enrolled, handed_off

PNR = ("19811218-9876", "19900101-0017", "19850505-0008", "19700707-0001")


def test_without_a_login_the_pages_send_you_to_log_in(ui: UI) -> None:
    with ui.client(None) as client:
        client.cookies.clear()
        response = client.get("/ui")
    assert response.status_code == 302
    assert response.headers["location"] == "/ui/login"


def test_the_login_sets_a_signed_cookie_for_the_chosen_agency(ui: UI) -> None:
    with ui.client(None) as client:
        client.cookies.clear()
        response = client.post("/ui/login", data={"agency": "fk", "role": "handlaggare"})
        assert response.status_code == 303
        assert "samlad_token" in response.cookies
        page = client.get("/ui")
    assert "Handläggare, Försäkringskassan" in page.text


def test_the_caseload_shows_cases_of_my_agency_with_open_alerts_first(ui: UI) -> None:
    waiting, quiet = ui.person(PNR[0]), ui.person(PNR[1])
    ui.record(quiet, enrolled(2, kommun="Falun"))
    ui.record(waiting, enrolled(30, kommun="Falun"), handed_off(20, "matchning"))
    with ui.client("kommun") as client:
        text = client.get("/ui", params={"kommun": "Falun"}).text
    assert text.index(waiting) < text.index(quiet)
    assert "Obesvarad överlämning" in text
    with ui.client("fk") as client:
        assert waiting not in client.get("/ui").text  # FK is not involved


def test_the_caseload_filters_by_alert_rule(ui: UI) -> None:
    with ui.client("kommun") as client:
        text = client.get("/ui", params={"rule": "hand_off_unanswered"}).text
    assert ui.person(PNR[0]) in text
    assert ui.person(PNR[1]) not in text


def test_a_person_is_found_by_personnummer_which_never_reaches_a_url(ui: UI) -> None:
    ref = ui.person(PNR[2])
    ui.record(ref, enrolled(5))
    with ui.client("kommun") as client:
        response = client.post("/ui/search", data={"query": PNR[2]})
    assert response.status_code == 303
    assert response.headers["location"] == f"/ui/cases/{ref}"


def test_the_case_has_a_lane_per_agency_and_says_what_to_do(ui: UI) -> None:
    with ui.client("kommun") as client:
        text = client.get(f"/ui/cases/{ui.person(PNR[0])}").text
    lanes = re.findall(r'class="lane-name">([^<]+)<', text)
    assert lanes == ["Kommunen", "Arbetsförmedlingen", "Försäkringskassan", "Regionen"]
    assert "Gör så här:" in text
    assert "har väntat 20 dagar" in text
    assert 'lang="sv"' in text


def test_another_agency_sees_that_a_hand_off_exists_but_not_why(ui: UI) -> None:
    ref = ui.person(PNR[3])
    ui.record(ref, enrolled(10), handed_off(3, "Skuldsanering hos socialtjänsten"))
    with ui.client("af") as client:
        hidden = client.get(f"/ui/cases/{ref}").text
    with ui.client("kommun") as client:
        own = client.get(f"/ui/cases/{ref}").text
    assert "Överlämning Kommun → AF" in hidden
    assert "Skuldsanering" not in hidden
    assert "Dolt:" in hidden
    assert "Skuldsanering hos socialtjänsten" in own


def test_an_auditor_of_the_forbund_sees_every_detail(ui: UI) -> None:
    with ui.client(None, "auditor") as client:
        text = client.get(f"/ui/cases/{ui.person(PNR[3])}").text
    assert "Skuldsanering hos socialtjänsten" in text
    assert Agency.AF.value  # the lanes are the same for everyone


def test_an_unknown_case_is_not_found(ui: UI) -> None:
    with ui.client("kommun") as client:
        assert client.get("/ui/cases/p" + "a" * 26).status_code == 404
