"""The region's system of record."""

from __future__ import annotations

from domain.agencies import Agency
from domain.region.patient import Patient
from services.agency.application import AgencyApplication


class RegionApplication(AgencyApplication):
    agency = Agency.REGION
    involvement_class = Patient
