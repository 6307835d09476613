"""The four agencies' application classes, by service name (one table, no lookup by string)."""

from __future__ import annotations

from collections.abc import Mapping

from services.af.application import AfApplication
from services.agency.application import AgencyApplication
from services.fk.application import FkApplication
from services.kommun.application import KommunApplication
from services.region.application import RegionApplication

AGENCY_APPLICATIONS: Mapping[str, type[AgencyApplication]] = {
    "kommun": KommunApplication,
    "af": AfApplication,
    "fk": FkApplication,
    "region": RegionApplication,
}
