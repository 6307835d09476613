"""The case workers' findings (issue 14): one truth on the page, in the lists and
in the consent panel."""

from __future__ import annotations

from domain.agencies import Agency, InterventionType
from domain.case import facts as f
from services.coordination.queries import get_alerts, get_alerts_of_case
from services.coordination.ui.caseload import CaseloadFilter, caseload
from services.coordination.ui.viewer import Viewer
from services.coordination.views import case_view

from .conftest import UI, enrolled, fact_base

PNR = ("19811218-9876", "19900101-0017", "19850505-0008")


def sickness_benefit(days_granted: int, days_ended: int) -> tuple[f.Fact, f.Fact]:
    started = f.BenefitStarted(
        **fact_base(Agency.FK, days_granted, "Sjukpenning beviljad"),
        benefit_id="sp-1",
        benefit_kind="sjukpenning",
    )
    ended = f.BenefitEnded(
        **fact_base(Agency.FK, days_ended, "Sjukpenning upphör (dag 180)"),
        benefit_id="sp-1",
        benefit_kind="sjukpenning",
        rehab_chain_day=180,
    )
    return started, ended


def test_a_person_enrolled_today_after_a_benefit_ended_has_one_truth_on_the_page(
    ui: UI,
) -> None:
    """Finding 1: no "nobody holds" alert while the kommun lane says it holds."""
    ref = ui.person(PNR[0])
    ui.record(ref, *sickness_benefit(200, 20), enrolled(0))
    with ui.client("kommun") as client:
        text = client.get(f"/ui/cases/{ref}").text
    assert "Ingen myndighet håller i personen" not in text
    assert "Skrev in personen" not in text
    assert "Glapp i ersättningen" in text
    assert "Det har gått 20 dagar" in text and "dag 180 i rehabiliteringskedjan" in text


def test_the_caseload_count_and_the_alert_list_agree_for_the_kommun(ui: UI) -> None:
    """Finding 4: every open alert counted in kommun's caseload is in kommun's alerts,
    though the benefit-gap alert names only AF and FK."""
    ref = ui.person(PNR[0])
    kommun = Viewer(subject="t", agency=Agency.KOMMUN, role="handlaggare")
    page = caseload(ui.app, kommun, CaseloadFilter())
    (row,) = [r for r in page.rows if r.person_ref == ref]
    listed = [a for a in get_alerts(ui.app, concerning="kommun") if a["person_ref"] == ref]
    assert row.open_alerts == len(listed) == 1
    assert listed[0]["agencies"] == ",af,fk,"


def test_the_open_alerts_of_a_case_say_whose_and_where_like_the_alert_list(ui: UI) -> None:
    """Finding 4: ``GET /cases/{ref}``'s open alerts carry person_ref and kommun."""
    ref = ui.person(PNR[0])
    case = ui.app.find_case(ref)
    assert case is not None
    rows = [r for r in get_alerts_of_case(ui.app, str(case.id)) if not r["resolved_at"]]
    (alert,) = case_view(case, Agency.KOMMUN, rows).open_alerts
    assert (alert.person_ref, alert.kommun) == (ref, "Lund")


def rehabilitation(days_before: int) -> f.InterventionStarted:
    return f.InterventionStarted(
        **fact_base(
            Agency.REGION,
            days_before,
            "Rehabilitering startad",
            details={"typ": "psykiatrisk"},
            scope="halsa",
        ),
        intervention_id="rh-1",
        intervention_type=InterventionType.REHABILITATION,
    )


def consent(scope: str, days_before: int, consent_id: str) -> f.ConsentGiven:
    return f.ConsentGiven(
        **fact_base(Agency.KOMMUN, days_before, f"Samtycke ({scope})"),
        consent_id=consent_id,
        consent_scope=scope,
        to_agencies=(Agency.KOMMUN,),
    )


def test_a_coordination_consent_the_kommun_recorded_shows_it_no_health_details(
    ui: UI,
) -> None:
    """Finding 6: the panel says what is revealed, and samordning reveals nothing."""
    ref = ui.person(PNR[1])
    ui.record(ref, enrolled(10), rehabilitation(5), consent("samordning", 4, "c-1"))
    with ui.client("kommun") as client:
        text = client.get(f"/ui/cases/{ref}").text
    assert "omfattar er, men visar inga uppgifter från andra myndigheter" in text
    assert "psykiatrisk" not in text
    assert "rehabilitering sedan" not in text  # the region's running work stays hidden


def test_a_health_consent_naming_the_kommun_shows_it_the_regions_details(ui: UI) -> None:
    ref = ui.person(PNR[2])
    ui.record(ref, enrolled(10), rehabilitation(5), consent("halsa", 4, "c-2"))
    with ui.client("kommun") as client:
        text = client.get(f"/ui/cases/{ref}").text
    assert "visar er uppgifter från Regionen" in text
    assert "psykiatrisk" in text


def rejected_hand_off(ref: str, ui: UI) -> None:
    request = f.HandOffRequested(
        **fact_base(
            Agency.KOMMUN,
            6,
            "Överlämning begärd till af",
            details={"orsak": "Behöver matchning"},
            scope="socialtjanst",
        ),
        hand_off_id="h-rejected",
        to_agency=Agency.AF,
    )
    rejection = f.HandOffRejected(
        **fact_base(
            Agency.AF,
            2,
            "Överlämning från kommun avvisad",
            details={"orsak": "Personen är redan inskriven hos oss"},
            scope="arbetsmarknad",
        ),
        hand_off_id="h-rejected",
        reason="avvisad",
    )
    ui.record(ref, enrolled(10), request, rejection)


def test_the_agency_that_asked_sees_why_its_hand_off_was_rejected(ui: UI) -> None:
    """Finding 2: the answer, with its reason, belongs to the agency that asked."""
    ref = ui.person("19700707-0001")
    rejected_hand_off(ref, ui)
    case = ui.app.find_case(ref)
    assert case is not None
    reasons = {
        a: {h.hand_off_id: h.reason for h in case_view(case, a).state.hand_offs}
        for a in (Agency.KOMMUN, Agency.AF, Agency.FK)
    }
    assert reasons[Agency.KOMMUN]["h-rejected"] == "Personen är redan inskriven hos oss"
    assert reasons[Agency.AF]["h-rejected"] == "Personen är redan inskriven hos oss"
    assert reasons[Agency.FK]["h-rejected"] == "avvisad"
    with ui.client("kommun") as client:
        own = client.get(f"/ui/cases/{ref}").text
    with ui.client("fk") as client:
        other = client.get(f"/ui/cases/{ref}").text
    assert "skäl: Personen är redan inskriven hos oss" in own
    assert "Personen är redan inskriven hos oss" not in other
