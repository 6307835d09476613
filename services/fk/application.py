"""Försäkringskassan's system of record."""

from __future__ import annotations

from domain.agencies import Agency
from domain.fk.insured import Insured
from services.agency.application import AgencyApplication


class FkApplication(AgencyApplication):
    agency = Agency.FK
    involvement_class = Insured
