"""Försäkringskassan's own rules on sjukpenning and aktivitetsersättning."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.agencies import Agency
from domain.agency.errors import Conflict, Invalid, NotFound
from domain.fk.insured import Insured, SicknessBenefitEndReason

T0 = datetime(2026, 3, 2, tzinfo=UTC)
AT = {"effective_at": T0, "recorded_at": T0}
ASSESSED = SicknessBenefitEndReason.WORK_CAPACITY_ASSESSED


def insured() -> Insured:
    return Insured(person_ref="p" + "b" * 26, **AT)


def test_a_benefit_ends_at_its_rehab_chain_day_with_a_reason() -> None:
    person = insured()
    person.grant_sickness_benefit(benefit_id="sp", rehab_chain_day=1, **AT)
    person.end_sickness_benefit(benefit_id="sp", rehab_chain_day=180, end_reason=ASSESSED, **AT)
    ended = person.collect_events()[-1]
    assert (type(ended).__name__, ended.rehab_chain_day, ended.end_reason) == (  # type: ignore[attr-defined]
        "SicknessBenefitEnded", 180, ASSESSED)
    assert person.active_sickness_benefits() == []


def test_a_benefit_never_granted_cannot_end() -> None:
    with pytest.raises(NotFound) as raised:
        insured().end_sickness_benefit(benefit_id="sp", rehab_chain_day=90,
                                       end_reason=ASSESSED, **AT)
    assert raised.value.field == "benefit_id"


def test_a_benefit_ends_once_and_not_before_it_was_granted() -> None:
    person = insured()
    person.grant_sickness_benefit(benefit_id="sp", rehab_chain_day=30, **AT)
    with pytest.raises(Invalid):
        person.end_sickness_benefit(benefit_id="sp", rehab_chain_day=29,
                                    end_reason=ASSESSED, **AT)
    person.end_sickness_benefit(benefit_id="sp", rehab_chain_day=90, end_reason=ASSESSED, **AT)
    with pytest.raises(Conflict):
        person.end_sickness_benefit(benefit_id="sp", rehab_chain_day=91,
                                    end_reason=ASSESSED, **AT)


def test_only_one_sickness_benefit_is_active_at_a_time() -> None:
    person = insured()
    person.grant_sickness_benefit(benefit_id="sp1", rehab_chain_day=1, **AT)
    with pytest.raises(Conflict):
        person.grant_sickness_benefit(benefit_id="sp2", rehab_chain_day=2, **AT)
    person.end_sickness_benefit(benefit_id="sp1", rehab_chain_day=40,
                                end_reason=SicknessBenefitEndReason.RETURNED_TO_WORK, **AT)
    person.grant_sickness_benefit(benefit_id="sp2", rehab_chain_day=41, **AT)
    assert person.active_sickness_benefits() == ["sp2"]


def test_activity_compensation_needs_a_forward_period_and_ends_once() -> None:
    person = insured()
    with pytest.raises(Invalid) as raised:
        person.grant_activity_compensation(compensation_id="ae", period_from=date(2026, 6, 1),
                                           period_to=date(2026, 5, 31), **AT)
    assert raised.value.field == "period_to"
    with pytest.raises(NotFound):
        person.end_activity_compensation(compensation_id="ae", **AT)
    person.grant_activity_compensation(compensation_id="ae", period_from=date(2026, 1, 1),
                                       period_to=date(2026, 12, 31), **AT)
    person.end_activity_compensation(compensation_id="ae", **AT)
    with pytest.raises(Conflict):
        person.end_activity_compensation(compensation_id="ae", **AT)


def test_a_joint_assessment_is_asked_of_other_agencies_once() -> None:
    person = insured()
    with pytest.raises(Invalid):
        person.request_joint_assessment(assessment_id="gk", to_agencies=[Agency.FK], **AT)
    person.request_joint_assessment(assessment_id="gk", to_agencies=[Agency.AF], **AT)
    with pytest.raises(Conflict):
        person.request_joint_assessment(assessment_id="gk", to_agencies=[Agency.AF], **AT)


def test_a_reconciliation_meeting_is_recorded_once_with_participants() -> None:
    person = insured()
    with pytest.raises(Invalid):
        person.hold_reconciliation_meeting(meeting_id="am", participants=[], **AT)
    person.hold_reconciliation_meeting(meeting_id="am", participants=[Agency.FK], **AT)
    with pytest.raises(Conflict):
        person.hold_reconciliation_meeting(meeting_id="am", participants=[Agency.FK], **AT)
