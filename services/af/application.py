"""Arbetsförmedlingen's system of record."""

from __future__ import annotations

from domain.af.job_seeker import JobSeeker
from domain.agencies import Agency
from services.agency.application import AgencyApplication


class AfApplication(AgencyApplication):
    agency = Agency.AF
    involvement_class = JobSeeker
