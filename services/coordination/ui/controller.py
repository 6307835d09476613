"""Every /ui route in one router: pages, the dev login, live streams, static files."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

from adapters.crypto import FieldSealer
from services.coordination.application import CoordinationApplication
from services.coordination.contacts import Contacts, load_contacts
from services.coordination.live import Broadcaster
from services.coordination.ui.agency_consents import AgencyConsents
from services.coordination.ui.case_page import CasePages
from services.coordination.ui.catalogue_page import catalogue_page_router
from services.coordination.ui.own_page import own_page_router
from services.coordination.ui.own_records import OwnRecords
from services.coordination.ui.pages import page_router
from services.coordination.ui.rules_page import rules_page_router
from services.coordination.ui.session import session_router
from services.coordination.ui.streams import stream_router
from services.coordination.ui.viewer import Viewers
from services.runtime.clock import Clock
from services.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def ui_router(
    app: CoordinationApplication, settings: Settings, broadcaster: Broadcaster, clock: Clock,
    *, sealer: FieldSealer | None = None, contacts: Contacts | None = None,
) -> Router:
    """The UI; ``broadcaster.notify`` must be ``app.after_commit["live"]`` for live updates.

    ``sealer`` opens the personal fields sealed with each person's key; without it they
    show as sealed.
    """
    viewers = Viewers(settings)
    pages = CasePages(app, clock, sealer)
    own = OwnRecords(settings.agency_url)
    own_page = own_page_router(pages.reader, viewers, load_contacts() if contacts is None
                               else contacts, AgencyConsents(settings))
    static = create_static_files_router(
        path="/ui/static", directories=[STATIC_DIR], name="ui-static"
    )
    return Router(path="/", route_handlers=[
        page_router(app, settings, viewers, pages, own), rules_page_router(app, viewers, clock),
        own_page, catalogue_page_router(app, viewers, clock),
        session_router(viewers, settings, enabled=settings.dev_login),
        stream_router(app, viewers, broadcaster, pages, own), static,
    ])
