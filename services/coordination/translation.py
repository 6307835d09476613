"""The anti-corruption layer: integration events (contracts) → case facts (domain).

Several agencies' events mean the same thing to the case (an AF referral, a region
rehabilitation and a kommun insats are all interventions); this table says which.
Details an agency keeps under its own secrecy go to ``details`` with that agency's
consent scope, so the case shows them to others only under consent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts import af, common, fk, kommun, region
from contracts.envelope import Received
from domain.agencies import Agency, InterventionType, RecordedBy
from domain.case import facts as f
from domain.case.scopes import AGENCY_SCOPE

_BY_PERSON = {"agency": "", "person": " av personen själv"}

Builder = Callable[[Any, dict[str, Any]], f.Fact]


def _details(**values: object) -> dict[str, str]:
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _secret(base: dict[str, Any], **values: object) -> dict[str, Any]:
    """Agency details visible to others only under consent for the agency's scope."""
    return base | {"details": _details(**values), "scope": AGENCY_SCOPE[base["agency"]]}


_BUILDERS: dict[type[Any], Builder] = {
    # Shared by all four agencies.
    common.ConsentGiven: lambda e, b: f.ConsentGiven(
        **b, summary=f"Samtycke ({e.consent_scope}) till {', '.join(e.to_agencies)}"
        f"{_BY_PERSON[e.recorded_by]}",
        consent_id=e.consent_id, consent_scope=e.consent_scope,
        to_agencies=tuple(Agency(a) for a in e.to_agencies),
        recorded_by=RecordedBy(e.recorded_by)),
    common.ConsentWithdrawn: lambda e, b: f.ConsentWithdrawn(
        **b, summary=f"Samtycke återkallat{_BY_PERSON[e.recorded_by]}",
        consent_id=e.consent_id, recorded_by=RecordedBy(e.recorded_by)),
    common.HandOffRequested: lambda e, b: f.HandOffRequested(
        **_secret(b, orsak=e.reason), summary=f"Överlämning begärd till {e.to_agency}",
        hand_off_id=e.hand_off_id, to_agency=Agency(e.to_agency), reason="",
        offering_id=e.offering_id),
    common.HandOffAccepted: lambda e, b: f.HandOffAccepted(
        **b, summary=f"Överlämning från {e.from_agency} accepterad", hand_off_id=e.hand_off_id),
    common.HandOffRejected: lambda e, b: f.HandOffRejected(
        **_secret(b, orsak=e.reason), summary=f"Överlämning från {e.from_agency} avvisad",
        hand_off_id=e.hand_off_id, reason="avvisad"),
    common.ContactLost: lambda e, b: f.ContactLost(**b, summary="Kontakten förlorad"),
    common.ContactResumed: lambda e, b: f.ContactResumed(**b, summary="Kontakten återupptagen"),
    common.LeadResponsibilityAssumed: lambda e, b: f.LeadAssumed(
        **b, summary="Tar samordningsansvar"),
    common.LeadResponsibilityReleased: lambda e, b: f.LeadReleased(
        **b, summary="Lämnar samordningsansvar"),
    common.ParticipantExited: lambda e, b: f.Exited(
        **b, summary=f"Avslut: {e.outcome}", outcome=e.outcome),
    # Kommun.
    kommun.PersonEnrolled: lambda e, b: f.PersonEnrolled(
        **b, summary=f"Inskriven vid AME i {e.kommun}", kommun=e.kommun, gender=e.gender,
        birth_year=e.birth_year, target_groups=tuple(e.target_groups)),
    kommun.NeedsAssessmentCompleted: lambda e, b: f.Noted(
        **_secret(b, sammanfattning=e.summary,
                  fortsatt_stod=("ja" if e.further_support_needed else "nej")),
        summary="Kartläggning klar", topic="needs_assessment"),
    kommun.InterventionStarted: lambda e, b: f.InterventionStarted(
        **b, summary=f"Insats startad: {e.intervention_type}",
        intervention_id=e.intervention_id,
        intervention_type=InterventionType(e.intervention_type)),
    kommun.InterventionEnded: lambda e, b: f.InterventionEnded(
        **b, summary="Insats avslutad", intervention_id=e.intervention_id,
        further_support_needed=e.further_support_needed),
    kommun.IncomeSupportDecided: lambda e, b: f.BenefitStarted(
        **_secret(b, period_fran=e.period_from, period_till=e.period_to),
        summary="Försörjningsstöd beviljat", benefit_id=e.decision_id,
        benefit_kind="forsorjningsstod"),
    kommun.IncomeSupportEnded: lambda e, b: f.BenefitEnded(
        **b, summary="Försörjningsstöd upphört", benefit_id=e.decision_id,
        benefit_kind="forsorjningsstod"),
    kommun.SipInitiated: lambda e, b: f.Noted(
        **b | {"details": _details(sip=e.sip_id, ledning=e.lead_agency)},
        summary=f"SIP initierad, ledning: {e.lead_agency}", topic="sip"),
    # Arbetsförmedlingen.
    af.JobSeekerRegistered: lambda e, b: f.Registered(**b, summary="Inskriven som arbetssökande"),
    af.JobSeekerDeregistered: lambda e, b: f.Deregistered(
        **_secret(b, orsak=e.reason), summary="Avaktualiserad hos Arbetsförmedlingen"),
    af.ReferralMade: lambda e, b: f.InterventionStarted(
        **_secret(b, program=e.programme, leverantor=e.provider),
        summary=f"Anvisning: {e.intervention_type}", intervention_id=e.referral_id,
        intervention_type=InterventionType(e.intervention_type)),
    af.ReferralEnded: lambda e, b: f.InterventionEnded(
        **b, summary="Anvisning avslutad", intervention_id=e.referral_id,
        further_support_needed=e.further_support_needed),
    af.SubsidyDecided: lambda e, b: f.Noted(
        **_secret(b, stod=e.subsidy_kind, arbetsgivare=e.employer),
        summary=f"Stöd beslutat: {e.subsidy_kind}", topic="subsidy"),
    af.EmploymentStarted: lambda e, b: f.Noted(
        **_secret(b, arbetsgivare=e.employer, subventionerad=e.subsidised),
        summary="Anställning påbörjad", topic="employment"),
    # Försäkringskassan.
    fk.SicknessBenefitGranted: lambda e, b: f.BenefitStarted(
        **_secret(b, dag_i_rehabkedjan=e.rehab_chain_day), summary="Sjukpenning beviljad",
        benefit_id=e.benefit_id, benefit_kind="sjukpenning"),
    fk.SicknessBenefitEnded: lambda e, b: f.BenefitEnded(
        **_secret(b, dag_i_rehabkedjan=e.rehab_chain_day, orsak=e.end_reason),
        summary=f"Sjukpenning upphör (dag {e.rehab_chain_day})", benefit_id=e.benefit_id,
        benefit_kind="sjukpenning", rehab_chain_day=e.rehab_chain_day),
    fk.ActivityCompensationGranted: lambda e, b: f.BenefitStarted(
        **b, summary="Aktivitetsersättning beviljad", benefit_id=e.compensation_id,
        benefit_kind="aktivitetsersattning"),
    fk.ActivityCompensationEnded: lambda e, b: f.BenefitEnded(
        **b, summary="Aktivitetsersättning upphör", benefit_id=e.compensation_id,
        benefit_kind="aktivitetsersattning"),
    fk.JointAssessmentRequested: lambda e, b: f.Noted(
        **b | {"details": _details(till=", ".join(e.to_agencies))},
        summary="Gemensam kartläggning begärd", topic="joint_assessment"),
    fk.ReconciliationMeetingHeld: lambda e, b: f.Noted(
        **b | {"details": _details(deltagare=", ".join(e.participants))},
        summary="Avstämningsmöte hållet", topic="reconciliation_meeting"),
    # Regionen.
    region.SickLeaveCertified: lambda e, b: f.Noted(
        **_secret(b, fran=e.period_from, till=e.period_to, omfattning=f"{e.extent_percent} %"),
        summary="Sjukskrivning intygad", topic="sick_leave"),
    region.RehabilitationStarted: lambda e, b: f.InterventionStarted(
        **_secret(b, typ=e.rehabilitation_kind), summary="Rehabilitering startad",
        intervention_id=e.rehabilitation_id, intervention_type=InterventionType.REHABILITATION),
    region.RehabilitationEnded: lambda e, b: f.InterventionEnded(
        **b, summary="Rehabilitering avslutad", intervention_id=e.rehabilitation_id,
        further_support_needed=e.further_support_needed),
    region.SipParticipationConfirmed: lambda e, b: f.Noted(
        **b | {"details": _details(sip=e.sip_id)}, summary="Deltar i SIP", topic="sip"),
}


class Untranslatable(ValueError):
    """An accepted contract event the case has no meaning for (a contract/domain gap)."""


def to_fact(received: Received) -> f.Fact:
    """The case fact an agency's integration event stands for."""
    builder = _BUILDERS.get(type(received.event))
    if builder is None:
        raise Untranslatable(f"no case fact for {received.spec.type}")
    event = received.event
    base: dict[str, Any] = {
        "event_id": received.envelope.id,
        "agency": Agency(received.spec.agency),
        "effective_at": event.effective_at,
        "recorded_at": event.recorded_at,
    }
    return builder(event, base)
