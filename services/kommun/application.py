"""The kommun's system of record."""

from __future__ import annotations

from domain.agencies import Agency
from domain.kommun.participant import Participant
from services.agency.application import AgencyApplication


class KommunApplication(AgencyApplication):
    agency = Agency.KOMMUN
    involvement_class = Participant
