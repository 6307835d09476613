"""``Participant`` — a person enrolled at the kommun's AME (deltagare)."""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.domain import event

from domain.agencies import Agency, Gender, InterventionType
from domain.agency.errors import Conflict, Invalid, NotFound
from domain.agency.involvement import Involvement


class Participant(Involvement):
    """The kommun's record: enrolment, kartläggning, insatser, försörjningsstöd, SIP."""

    agency = Agency.KOMMUN

    @event("Opened")
    def __init__(self, *, person_ref: str, effective_at: datetime, recorded_at: datetime) -> None:
        self._open(person_ref)

    def _init_agency(self) -> None:
        self.kommun: str | None = None
        self.interventions: dict[str, str] = {}
        self.income_support: dict[str, bool] = {}
        self.sips: set[str] = set()

    def enrol(
        self, *, kommun: str, gender: Gender, birth_year: int, target_groups: list[str],
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        """Enrol the person at the AME (inskrivning i insatsen)."""
        if self.kommun is not None:
            raise Conflict(f"the person is already enrolled in {self.kommun}")
        self._enrolled(kommun, gender, birth_year, target_groups, effective_at, recorded_at)

    @event("PersonEnrolled")
    def _enrolled(
        self, kommun: str, gender: Gender, birth_year: int, target_groups: list[str],
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.kommun = kommun

    def complete_needs_assessment(
        self, *, further_support_needed: bool, summary: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self._needs_assessment_completed(
            further_support_needed, summary, effective_at, recorded_at
        )

    @event("NeedsAssessmentCompleted")
    def _needs_assessment_completed(
        self, further_support_needed: bool, summary: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        pass

    def start_intervention(
        self, *, intervention_id: str, intervention_type: InterventionType,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if intervention_id in self.interventions:
            raise Conflict(f"intervention {intervention_id} already exists",
                           field="intervention_id")
        self._intervention_started(intervention_id, intervention_type, effective_at, recorded_at)

    @event("InterventionStarted")
    def _intervention_started(
        self, intervention_id: str, intervention_type: InterventionType,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.interventions[intervention_id] = "active"

    def end_intervention(
        self, *, intervention_id: str, further_support_needed: bool,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        status = self.interventions.get(intervention_id)
        if status is None:
            raise NotFound(f"intervention {intervention_id} never started",
                           field="intervention_id")
        if status != "active":
            raise Conflict(f"intervention {intervention_id} already ended",
                           field="intervention_id")
        self._intervention_ended(
            intervention_id, further_support_needed, effective_at, recorded_at
        )

    @event("InterventionEnded")
    def _intervention_ended(
        self, intervention_id: str, further_support_needed: bool,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.interventions[intervention_id] = "ended"

    def decide_income_support(
        self, *, decision_id: str, period_from: date, period_to: date | None,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if decision_id in self.income_support:
            raise Conflict(f"decision {decision_id} already exists", field="decision_id")
        if period_to is not None and period_to < period_from:
            raise Invalid("period_to is before period_from", field="period_to")
        self._income_support_decided(
            decision_id, period_from, period_to, effective_at, recorded_at
        )

    @event("IncomeSupportDecided")
    def _income_support_decided(
        self, decision_id: str, period_from: date, period_to: date | None,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.income_support[decision_id] = True
        self._began(decision_id, effective_at)

    def end_income_support(
        self, *, decision_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        if not self.income_support.get(decision_id):
            raise NotFound(f"no income support {decision_id} in force", field="decision_id")
        self._refuse_end_before_start(decision_id, effective_at, "effective_at")
        self._income_support_ended(decision_id, effective_at, recorded_at)

    @event("IncomeSupportEnded")
    def _income_support_ended(
        self, decision_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.income_support[decision_id] = False

    def initiate_sip(
        self, *, sip_id: str, lead_agency: Agency, effective_at: datetime, recorded_at: datetime
    ) -> None:
        if sip_id in self.sips:
            raise Conflict(f"SIP {sip_id} already initiated", field="sip_id")
        if lead_agency not in (Agency.KOMMUN, Agency.REGION):
            raise Conflict("a SIP is led by the kommun or the region", field="lead_agency")
        self._sip_initiated(sip_id, lead_agency, effective_at, recorded_at)

    @event("SipInitiated")
    def _sip_initiated(
        self, sip_id: str, lead_agency: Agency, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.sips.add(sip_id)
