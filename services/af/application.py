"""Arbetsförmedlingen's system of record and its commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from contracts import af
from contracts.base import IntegrationEvent
from domain.af.job_seeker import JobSeeker
from domain.agencies import Agency
from services.af.schemas import (
    DecideSubsidy,
    Deregister,
    EndReferral,
    MakeReferral,
    StartEmployment,
)
from services.agency.application import AgencyApplication
from services.agency.schemas import Accepted, Command


class AfApplication(AgencyApplication):
    agency = Agency.AF
    involvement_class = JobSeeker
    published: ClassVar[Mapping[str, type[IntegrationEvent]]] = {
        "JobSeekerRegistered": af.JobSeekerRegistered,
        "JobSeekerDeregistered": af.JobSeekerDeregistered,
        "ReferralMade": af.ReferralMade,
        "ReferralEnded": af.ReferralEnded,
        "SubsidyDecided": af.SubsidyDecided,
        "EmploymentStarted": af.EmploymentStarted,
    }

    def register(self, person_ref: str, command: Command) -> Accepted:
        """Inskrivning as a job seeker."""
        return self.run(person_ref, command, JobSeeker.register)

    def deregister(self, person_ref: str, command: Deregister) -> Accepted:
        """Avaktualisering."""
        return self.run(person_ref, command, JobSeeker.deregister)

    def make_referral(self, person_ref: str, command: MakeReferral) -> Accepted:
        """Anvisning to a programme."""
        return self.run(person_ref, command, JobSeeker.make_referral, new_id="referral_id")

    def end_referral(self, person_ref: str, referral_id: str, command: EndReferral) -> Accepted:
        return self.run(person_ref, command, JobSeeker.end_referral, referral_id=referral_id)

    def decide_subsidy(self, person_ref: str, command: DecideSubsidy) -> Accepted:
        return self.run(person_ref, command, JobSeeker.decide_subsidy, new_id="subsidy_id")

    def start_employment(self, person_ref: str, command: StartEmployment) -> Accepted:
        return self.run(person_ref, command, JobSeeker.start_employment)
