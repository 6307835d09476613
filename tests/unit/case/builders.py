"""Terse builders of facts for the case tests: business time in whole days from T0."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.agencies import Agency, Gender, InterventionType, Outcome
from domain.case import (
    BenefitEnded,
    BenefitStarted,
    Case,
    ConsentGiven,
    ConsentWithdrawn,
    ContactLost,
    ContactResumed,
    Deregistered,
    Exited,
    Fact,
    HandOffAccepted,
    HandOffRejected,
    HandOffRequested,
    InterventionEnded,
    InterventionStarted,
    LeadAssumed,
    LeadReleased,
    Noted,
    PersonEnrolled,
    Registered,
)

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
_ids = itertools.count(1)


def day(n: float) -> datetime:
    """Business time ``n`` days after T0."""
    return T0 + timedelta(days=n)


def _common(agency: Agency, at: float, summary: str, **extra: Any) -> dict[str, Any]:
    common: dict[str, Any] = {
        "event_id": f"ev-{next(_ids)}",
        "agency": agency,
        "effective_at": day(at),
        "recorded_at": day(at),
        "summary": summary,
    }
    common.update(extra)
    return common


def enrolled(at: float = 0, **extra: Any) -> PersonEnrolled:
    return PersonEnrolled(
        kommun="Falun",
        gender=Gender.WOMAN,
        birth_year=1990,
        target_groups=("langtidsarbetslos",),
        **_common(Agency.KOMMUN, at, "Inskriven i samordnat stöd", **extra),
    )


def registered(agency: Agency, at: float, **extra: Any) -> Registered:
    return Registered(**_common(agency, at, "Inskriven", **extra))


def deregistered(agency: Agency, at: float, **extra: Any) -> Deregistered:
    return Deregistered(**_common(agency, at, "Utskriven", **extra))


def started(
    agency: Agency,
    intervention_id: str,
    at: float,
    kind: InterventionType = InterventionType.WORK_TRAINING,
    **extra: Any,
) -> InterventionStarted:
    return InterventionStarted(
        intervention_id=intervention_id,
        intervention_type=kind,
        **_common(agency, at, "Insats startad", **extra),
    )


def ended(
    agency: Agency, intervention_id: str, at: float, *, further: bool = False, **extra: Any
) -> InterventionEnded:
    return InterventionEnded(
        intervention_id=intervention_id,
        further_support_needed=further,
        **_common(agency, at, "Insats avslutad", **extra),
    )


def benefit_started(
    benefit_id: str, at: float, kind: str = "sjukpenning", agency: Agency = Agency.FK
) -> BenefitStarted:
    return BenefitStarted(
        benefit_id=benefit_id, benefit_kind=kind, **_common(agency, at, "Ersättning beviljad")
    )


def benefit_ended(
    benefit_id: str, at: float, kind: str = "sjukpenning", agency: Agency = Agency.FK
) -> BenefitEnded:
    return BenefitEnded(
        benefit_id=benefit_id, benefit_kind=kind, **_common(agency, at, "Ersättning upphör")
    )


def hand_off(
    hand_off_id: str, sender: Agency, receiver: Agency, at: float, **extra: Any
) -> HandOffRequested:
    return HandOffRequested(
        hand_off_id=hand_off_id,
        to_agency=receiver,
        **_common(sender, at, "Överlämning begärd", **extra),
    )


def accepted(hand_off_id: str, agency: Agency, at: float, **extra: Any) -> HandOffAccepted:
    return HandOffAccepted(
        hand_off_id=hand_off_id, **_common(agency, at, "Överlämning mottagen", **extra)
    )


def rejected(hand_off_id: str, agency: Agency, at: float) -> HandOffRejected:
    return HandOffRejected(
        hand_off_id=hand_off_id, reason="fel målgrupp", **_common(agency, at, "Avböjd")
    )


def consent(consent_id: str, scope: str, to: tuple[Agency, ...], at: float = 0) -> ConsentGiven:
    return ConsentGiven(
        consent_id=consent_id,
        consent_scope=scope,
        to_agencies=to,
        **_common(Agency.KOMMUN, at, "Samtycke"),
    )


def withdrawn(consent_id: str, at: float) -> ConsentWithdrawn:
    return ConsentWithdrawn(consent_id=consent_id, **_common(Agency.KOMMUN, at, "Återkallat"))


def lost(agency: Agency, at: float) -> ContactLost:
    return ContactLost(**_common(agency, at, "Kontakt förlorad"))


def resumed(agency: Agency, at: float) -> ContactResumed:
    return ContactResumed(**_common(agency, at, "Kontakt återupptagen"))


def lead(agency: Agency, at: float) -> LeadAssumed:
    return LeadAssumed(**_common(agency, at, "Tar samordningsansvar"))


def lead_released(agency: Agency, at: float) -> LeadReleased:
    return LeadReleased(**_common(agency, at, "Lämnar samordningsansvar"))


def exited(at: float, outcome: Outcome = Outcome.WORK) -> Exited:
    return Exited(outcome=outcome, **_common(Agency.KOMMUN, at, "Avslut"))


def noted(agency: Agency, at: float, topic: str = "sip", **extra: Any) -> Noted:
    return Noted(topic=topic, **_common(agency, at, "Anteckning", **extra))


def case_with(*facts: Fact, person_ref: str = "ptestperson") -> Case:
    case = Case(person_ref=person_ref)
    for fact in facts:
        case.record(fact)
    return case
