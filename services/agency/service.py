"""Wiring of one agency service: store, outbox relay, incoming hand-offs, HTTP API."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar, Router
from nats.js import JetStreamContext

from adapters.crypto import FieldSealer, PersonalFields, PersonKeyStore
from adapters.nats.connection import core_client
from adapters.nats.names import PARKED_BY_OUTBOX, deadletter_subject
from adapters.nats.publisher import BatchPublisher
from adapters.outbox.refill import answer_republish
from adapters.outbox.relay import OutboxRelay, Publisher
from adapters.outbox.translator import ContractTranslator
from adapters.pseudonym import Pseudonymiser
from adapters.store.application import open_application
from services.agency.api import common_router
from services.agency.application import AgencyApplication
from services.agency.inbound import IncomingHandOffs
from services.agency.runner import CommandRunner
from services.runtime.app import build_app
from services.runtime.clock import Clock, utc_now
from services.runtime.workers import NatsWorkers
from services.settings import Settings

TITLES = {
    "kommun": "Samlad – kommun (AME, socialtjänst)",
    "af": "Samlad – Arbetsförmedlingen",
    "fk": "Samlad – Försäkringskassan",
    "region": "Samlad – regionen (hälso- och sjukvård)",
}


def agency_outbox(
    application: AgencyApplication, js: JetStreamContext, publisher: Publisher | None = None
) -> OutboxRelay:
    """The one way an agency's events leave its store (also used to re-publish a gap)."""
    agency = str(application.agency)
    translator = ContractTranslator(
        agency=agency, store=agency, recorder=application.process_recorder,
        mapper=application.mapper,
    )
    return OutboxRelay(
        name="outbox", recorder=application.process_recorder, mapper=application.mapper,
        translate=translator, publisher=publisher or BatchPublisher(js),
        deadletter_subject=deadletter_subject(agency, PARKED_BY_OUTBOX),
    )


def create_agency_app(
    settings: Settings,
    application_class: type[AgencyApplication],
    own_routes: Callable[[CommandRunner], Router],
    *,
    clock: Clock = utc_now,
) -> Litestar:
    agency = str(application_class.agency)
    application = open_application(application_class, settings.store, agency)
    keys = PersonKeyStore.in_data_dir(settings.data_dir)
    application.seal = PersonalFields(FieldSealer(keys)).seal_pending
    runner = CommandRunner(
        application, clock, Pseudonymiser.from_file(settings.pseudonym_key_file)
    )

    async def relay(js, stop):  # type: ignore[no-untyped-def]
        outbox = agency_outbox(application, js)
        application.on_saved = outbox.nudge
        await outbox.run(stop)

    async def republishing(js, stop):  # type: ignore[no-untyped-def]
        # Gap refill: the coordination asks for a stretch it never received.
        await answer_republish(core_client(js), agency, agency_outbox(application, js), stop)

    async def hand_offs(js, stop):  # type: ignore[no-untyped-def]
        await IncomingHandOffs(js=js, application=application, clock=clock).run(stop)

    workers = NatsWorkers(settings.nats, agency, [relay, hand_offs, republishing])
    return build_app(
        service=agency,
        title=TITLES[agency],
        settings=settings,
        route_handlers=[own_routes(runner), common_router(runner, identify=agency != "kommun")],
        workers=workers,
        recorder=application.process_recorder,
        on_shutdown=[application.close],
    )
