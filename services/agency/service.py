"""Wiring of one agency service: store, outbox relay, incoming hand-offs, HTTP API."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from litestar import Controller, Litestar
from litestar.di import Provide
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
from services.agency.api import (
    CatalogueController,
    DisplayNamesController,
    InvolvementController,
    PersonController,
)
from services.agency.application import AgencyApplication
from services.agency.inbound import IncomingHandOffs
from services.agency.metrics import register_agency_metrics
from services.runtime.app import build_app
from services.runtime.clock import Clock, utc_now
from services.runtime.doorbell import Doorbell
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
        mapper=application.mapper, contracts=application.outbox_contracts(),
    )
    return OutboxRelay(
        name="outbox", recorder=application.process_recorder, mapper=application.mapper,
        translate=translator, publisher=publisher or BatchPublisher(js),
        deadletter_subject=deadletter_subject(agency, PARKED_BY_OUTBOX),
    )


def create_agency_app(
    settings: Settings,
    application_class: type[AgencyApplication],
    controllers: Sequence[type[Controller]],
    *,
    clock: Clock = utc_now,
) -> Litestar:
    """The agency's app: its ``controllers`` and the shared ones, on its application."""
    agency = str(application_class.agency)
    keys = PersonKeyStore.in_data_dir(settings.data_dir)
    doorbell = Doorbell()
    application = open_application(application_class, settings.store, agency, init={
        "clock": clock,
        "pseudonymiser": Pseudonymiser.from_file(settings.pseudonym_key_file),
        "seal": PersonalFields(FieldSealer(keys)).seal_events,
        "open_field": FieldSealer(keys).open,
        "on_saved": doorbell.ring,
    })

    async def relay(js: JetStreamContext, stop: asyncio.Event) -> None:
        outbox = agency_outbox(application, js)
        doorbell.answer_with(outbox.nudge)
        await outbox.run(stop)

    async def republishing(js: JetStreamContext, stop: asyncio.Event) -> None:
        # Gap refill: the coordination asks for a stretch it never received.
        await answer_republish(core_client(js), agency, agency_outbox(application, js), stop)

    async def hand_offs(js: JetStreamContext, stop: asyncio.Event) -> None:
        await IncomingHandOffs(js=js, application=application, clock=clock).run(stop)

    workers = NatsWorkers(settings.nats, agency, [relay, hand_offs, republishing])
    shared: list[type[Controller]] = [
        InvolvementController, DisplayNamesController, CatalogueController,
    ]
    if agency != "kommun":  # the kommun identifies a person by enrolling them
        shared.append(PersonController)
    return build_app(
        service=agency,
        title=TITLES[agency],
        settings=settings,
        route_handlers=[*controllers, *shared],
        workers=workers,
        recorder=application.process_recorder,
        on_shutdown=[register_agency_metrics(application), application.close],
        dependencies={"application": Provide(lambda: application, sync_to_thread=False)},
    )
