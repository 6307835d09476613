"""The kommun service's app factory (``samlad serve kommun``)."""

from __future__ import annotations

from litestar import Litestar

from services.agency.service import create_agency_app
from services.kommun.api import EnrolmentController, ParticipantController
from services.kommun.application import KommunApplication
from services.settings import Settings


def create_app(settings: Settings) -> Litestar:
    return create_agency_app(
        settings, KommunApplication, [EnrolmentController, ParticipantController]
    )
