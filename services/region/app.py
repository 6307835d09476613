"""The region's app factory (``samlad serve region``)."""

from __future__ import annotations

from litestar import Litestar

from services.agency.service import create_agency_app
from services.region.api import PatientController
from services.region.application import RegionApplication
from services.settings import Settings


def create_app(settings: Settings) -> Litestar:
    return create_agency_app(settings, RegionApplication, [PatientController])
