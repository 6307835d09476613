"""``JobSeeker`` — a person in Arbetsförmedlingen's records (arbetssökande)."""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.domain import event

from domain.agencies import Agency, InterventionType
from domain.agency.errors import Conflict, Invalid, NotFound
from domain.agency.involvement import Involvement


class JobSeeker(Involvement):
    """AF's record: registration, referrals to programmes, subsidies, employment."""

    agency = Agency.AF

    @event("Opened")
    def __init__(self, *, person_ref: str, effective_at: datetime, recorded_at: datetime) -> None:
        self._open(person_ref)

    def _init_agency(self) -> None:
        self.registered = False
        self.referrals: dict[str, str] = {}
        self.subsidies: set[str] = set()

    def register(self, *, effective_at: datetime, recorded_at: datetime) -> None:
        if self.registered:
            raise Conflict("the person is already registered as a job seeker")
        self._registered(effective_at, recorded_at)

    @event("JobSeekerRegistered")
    def _registered(self, effective_at: datetime, recorded_at: datetime) -> None:
        self.registered = True

    def deregister(
        self, *, reason: str, effective_at: datetime, recorded_at: datetime,
        reason_code: str | None = None,
    ) -> None:
        if not self.registered:
            raise Conflict("the person is not registered as a job seeker")
        self._deregistered(reason, effective_at, recorded_at, reason_code)

    @event("JobSeekerDeregistered")
    def _deregistered(
        self, reason: str, effective_at: datetime, recorded_at: datetime,
        reason_code: str | None = None,
    ) -> None:
        self.registered = False

    def make_referral(
        self, *, referral_id: str, programme: str, provider: str,
        intervention_type: InterventionType, effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if not self.registered:
            raise Conflict("anvisning requires a registered job seeker", field="referral_id")
        if referral_id in self.referrals:
            raise Conflict(f"referral {referral_id} already exists", field="referral_id")
        self._referral_made(
            referral_id, programme, provider, intervention_type, effective_at, recorded_at
        )

    @event("ReferralMade")
    def _referral_made(
        self, referral_id: str, programme: str, provider: str,
        intervention_type: InterventionType, effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.referrals[referral_id] = "active"

    def end_referral(
        self, *, referral_id: str, further_support_needed: bool,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        status = self.referrals.get(referral_id)
        if status is None:
            raise NotFound(f"referral {referral_id} was never made", field="referral_id")
        if status != "active":
            raise Conflict(f"referral {referral_id} already ended", field="referral_id")
        self._referral_ended(referral_id, further_support_needed, effective_at, recorded_at)

    @event("ReferralEnded")
    def _referral_ended(
        self, referral_id: str, further_support_needed: bool,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.referrals[referral_id] = "ended"

    def decide_subsidy(
        self, *, subsidy_id: str, subsidy_kind: str, employer: str, period_from: date,
        period_to: date, effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if subsidy_id in self.subsidies:
            raise Conflict(f"subsidy {subsidy_id} already decided", field="subsidy_id")
        if period_to < period_from:
            raise Invalid("period_to is before period_from", field="period_to")
        self._subsidy_decided(
            subsidy_id, subsidy_kind, employer, period_from, period_to, effective_at, recorded_at
        )

    @event("SubsidyDecided")
    def _subsidy_decided(
        self, subsidy_id: str, subsidy_kind: str, employer: str, period_from: date,
        period_to: date, effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.subsidies.add(subsidy_id)

    def start_employment(
        self, *, employer: str, subsidised: bool, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self._employment_started(employer, subsidised, effective_at, recorded_at)

    @event("EmploymentStarted")
    def _employment_started(
        self, employer: str, subsidised: bool, effective_at: datetime, recorded_at: datetime
    ) -> None:
        pass
