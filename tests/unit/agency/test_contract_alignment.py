"""Every command of every agency produces its events, and each converts to its contract."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

import pytest

from adapters.outbox.translator import contract_data
from contracts.registry import REGISTRY, EventSpec
from domain.af.job_seeker import JobSeeker
from domain.agencies import Agency, Gender, InterventionType, Outcome, RecordedBy
from domain.agency.involvement import Involvement
from domain.agency.offering import Offering
from domain.fk.insured import Insured, SicknessBenefitEndReason
from domain.kommun.participant import Participant
from domain.region.patient import Patient
from services.agency.applications import AGENCY_APPLICATIONS


class OpensInvolvement(Protocol):
    """An agency's aggregate class: called with its ``Opened`` event's fields."""

    def __call__(
        self, *, person_ref: str, effective_at: datetime, recorded_at: datetime
    ) -> Involvement: ...


AGGREGATES: dict[str, OpensInvolvement] = {
    "kommun": Participant, "af": JobSeeker, "fk": Insured, "region": Patient,
}
REF = "p" + "a" * 26
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def latest_specs(agency: str) -> list[EventSpec]:
    latest: dict[str, EventSpec] = {}
    for spec in REGISTRY.specs():
        if spec.agency == agency and (
            spec.name not in latest or latest[spec.name].version < spec.version
        ):
            latest[spec.name] = spec
    return list(latest.values())


def _all_commands(aggregate: Involvement) -> None:
    """One call of every command an agency has beside the shared ones, in a valid order."""
    at: dict[str, Any] = {"effective_at": T0, "recorded_at": T0}
    if isinstance(aggregate, Participant):
        aggregate.enrol(kommun="Säter", gender=Gender.WOMAN, birth_year=1990,
                        target_groups=["ung"], **at)
        aggregate.complete_needs_assessment(further_support_needed=True, summary="s", **at)
        aggregate.start_intervention(intervention_id="i", intervention_type=(
            InterventionType.WORK_TRAINING), **at)
        aggregate.end_intervention(intervention_id="i", further_support_needed=False, **at)
        aggregate.decide_income_support(decision_id="d", period_from=date(2026, 1, 1),
                                        period_to=None, **at)
        aggregate.end_income_support(decision_id="d", **at)
        aggregate.initiate_sip(sip_id="s", lead_agency=Agency.REGION, **at)
    elif isinstance(aggregate, JobSeeker):
        aggregate.register(**at)
        aggregate.make_referral(referral_id="r", programme="p", provider="q",
                                intervention_type=InterventionType.MATCHING, **at)
        aggregate.end_referral(referral_id="r", further_support_needed=True, **at)
        aggregate.decide_subsidy(subsidy_id="s", subsidy_kind="lonestod", employer="e",
                                 period_from=date(2026, 1, 1), period_to=date(2026, 6, 30), **at)
        aggregate.start_employment(employer="e", subsidised=True, **at)
        aggregate.deregister(reason="arbete", **at)
    elif isinstance(aggregate, Insured):
        aggregate.grant_sickness_benefit(benefit_id="b", rehab_chain_day=1, **at)
        aggregate.end_sickness_benefit(
            benefit_id="b", rehab_chain_day=180,
            end_reason=SicknessBenefitEndReason.WORK_CAPACITY_ASSESSED, **at)
        aggregate.grant_activity_compensation(compensation_id="c", period_from=date(2026, 1, 1),
                                              period_to=date(2026, 12, 31), **at)
        aggregate.end_activity_compensation(compensation_id="c", **at)
        aggregate.request_joint_assessment(assessment_id="a", to_agencies=[Agency.AF], **at)
        aggregate.hold_reconciliation_meeting(meeting_id="m", participants=[Agency.FK], **at)
    elif isinstance(aggregate, Patient):
        aggregate.certify_sick_leave(certificate_id="c", period_from=date(2026, 1, 1),
                                     period_to=date(2026, 2, 1), extent_percent=75, **at)
        aggregate.start_rehabilitation(rehabilitation_id="r", rehabilitation_kind="mmr", **at)
        aggregate.end_rehabilitation(rehabilitation_id="r", further_support_needed=False, **at)
        aggregate.confirm_sip_participation(sip_id="s", **at)
    aggregate.give_consent(consent_id="c1", consent_scope="samordning",
                           to_agencies=["kommun"], recorded_by=RecordedBy.PERSON, **at)
    aggregate.withdraw_consent(consent_id="c1", recorded_by=RecordedBy.AGENCY, **at)
    aggregate.request_hand_off(hand_off_id="h1", to_agency=(
        "af" if aggregate.agency != Agency.AF else "kommun"), reason="r", **at)
    aggregate.receive_hand_off(hand_off_id="h2", from_agency="fk", reason="r", **at)
    aggregate.accept_hand_off(hand_off_id="h2", **at)
    aggregate.receive_hand_off(hand_off_id="h3", from_agency="fk", reason="r", **at)
    aggregate.reject_hand_off(hand_off_id="h3", reason="nej", **at)
    aggregate.lose_contact(**at)
    aggregate.resume_contact(**at)
    aggregate.assume_lead(**at)
    aggregate.release_lead(**at)
    aggregate.exit(outcome=Outcome.WORK, **at)


@pytest.mark.parametrize("agency", list(AGGREGATES))
def test_every_contract_event_is_produced_and_converts_to_its_contract(agency: str) -> None:
    aggregate = AGGREGATES[agency](person_ref=REF, effective_at=T0, recorded_at=T0)
    _all_commands(aggregate)
    table = AGENCY_APPLICATIONS[agency].outbox_contracts()

    offering = Offering(offering_id="o-test", effective_at=T0, recorded_at=T0)
    offering.publish_offering(
        name="n", description="d", intervention_type=InterventionType.MATCHING,
        target_groups=["ung"], places_total=2, places_free=1, valid_from=date(2026, 1, 1),
        valid_to=None, effective_at=T0, recorded_at=T0)
    offering.change_places(places_free=0, effective_at=T0, recorded_at=T0)

    produced = set()
    for event in [*aggregate.collect_events(), *offering.collect_events()]:
        contract = table.get(type(event).__name__)
        if contract is not None:
            person_ref = REF if isinstance(event, Involvement.Event) else None
            converted = contract_data(REGISTRY.spec(agency, contract), event, person_ref)
            assert isinstance(converted, contract)  # contract_data raises when a type misfits
            produced.add(type(event).__name__)

    assert produced == set(table)
