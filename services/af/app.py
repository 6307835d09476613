"""Arbetsförmedlingen's app factory (``samlad serve af``)."""

from __future__ import annotations

from litestar import Litestar

from services.af.api import JobSeekerController
from services.af.application import AfApplication
from services.agency.service import create_agency_app
from services.settings import Settings


def create_app(settings: Settings) -> Litestar:
    return create_agency_app(settings, AfApplication, [JobSeekerController])
