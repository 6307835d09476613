"""Försäkringskassan's app factory (``samlad serve fk``)."""

from __future__ import annotations

from litestar import Litestar

from services.agency.service import create_agency_app
from services.fk.api import InsuredController
from services.fk.application import FkApplication
from services.settings import Settings


def create_app(settings: Settings) -> Litestar:
    return create_agency_app(settings, FkApplication, [InsuredController])
