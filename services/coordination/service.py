"""Wiring of the coordination service: partition consumers, deadlines, alert outbox, API."""

from __future__ import annotations

import asyncio
import contextlib
import time

import structlog
from litestar import Litestar
from nats.js import JetStreamContext

from adapters.crypto import FieldSealer, PersonKeyStore
from adapters.nats.connection import core_client
from adapters.nats.names import COORDINATION, PARKED_BY_OUTBOX, deadletter_subject
from adapters.nats.publisher import BatchPublisher
from adapters.outbox.relay import OutboxRelay
from adapters.outbox.translator import ContractTranslator
from adapters.store.application import open_application
from contracts import coordination
from services.audit.api import access_log_hook, audit_router
from services.coordination import early_warning
from services.coordination.access_log import AccessLogger
from services.coordination.alerts_outbox import AlertData
from services.coordination.api import coordination_router
from services.coordination.application import CoordinationApplication
from services.coordination.catalogue_api import catalogue_router
from services.coordination.consumer import PartitionConsumer
from services.coordination.contacts import load_contacts
from services.coordination.contracts_api import contracts_router
from services.coordination.early_warning_api import early_warnings_router
from services.coordination.gaps import GapRefill
from services.coordination.live import Broadcaster
from services.coordination.metrics import register_coordination_metrics
from services.coordination.ops_api import ops_router
from services.coordination.own_api import own_view_router
from services.coordination.reading import CaseReader
from services.coordination.recorders import recorder_env
from services.coordination.rules_api import rules_router
from services.coordination.ui import template_config, ui_router
from services.runtime.app import build_app
from services.runtime.clock import Clock, utc_now
from services.runtime.workers import Job, NatsWorkers, Worker, leased
from services.settings import Settings

log = structlog.get_logger(__name__)

DEADLINE_POLL_SECONDS = 0.25


def open_coordination(settings: Settings) -> CoordinationApplication:
    return open_application(
        CoordinationApplication,
        settings.store,
        "coordination",
        init=None,
        **recorder_env(settings.store.is_postgres),
    )


def coordination_workers(
    settings: Settings, application: CoordinationApplication, clock: Clock
) -> list[Job]:
    translator = ContractTranslator(
        agency=COORDINATION,
        store="coordination",
        recorder=application.process_recorder,
        mapper=application.mapper,
        build=AlertData(application.read_models),
        contracts={
            "AlertRaised": coordination.AlertRaised,
            "AlertResolved": coordination.AlertResolved,
        },
    )

    async def alert_outbox(js: JetStreamContext, stop: asyncio.Event) -> None:
        outbox = OutboxRelay(
            name="outbox",
            recorder=application.process_recorder,
            mapper=application.mapper,
            translate=translator,
            publisher=BatchPublisher(js),
            deadletter_subject=deadletter_subject(COORDINATION, PARKED_BY_OUTBOX),
        )
        # One hook per owner; taken off again when the job stops (it restarts on each
        # lease it wins).
        application.after_commit["alert_outbox"] = outbox.nudge
        try:
            await outbox.run(stop)
        finally:
            application.after_commit.pop("alert_outbox", None)

    async def deadlines(_: JetStreamContext, stop: asyncio.Event) -> None:
        # Asks the deadline index what is due: the cost follows the due cases, not all.
        # The same owner learns the early warning's norms again now and then.
        learned_at: float | None = None
        while not stop.is_set():
            since = None if learned_at is None else time.monotonic() - learned_at
            if since is None or since >= settings.early_warning_seconds:
                learned_at = time.monotonic()
                warnings = await asyncio.to_thread(early_warning.refresh, application, clock())
                log.info("early_warnings_refreshed", warnings=warnings)
            reviewed = await asyncio.to_thread(application.review_due, clock())
            if reviewed:
                log.info("deadlines_reviewed", cases=reviewed)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), DEADLINE_POLL_SECONDS)

    async def gap_refill(js: JetStreamContext, stop: asyncio.Event) -> None:
        # Its own worker, so that job ownership can give it exactly one owner.
        await GapRefill(application, clock, grace=settings.gap_grace).run(core_client(js), stop)

    def consumer(partition: int) -> Worker:
        async def run(js: JetStreamContext, stop: asyncio.Event) -> None:
            await PartitionConsumer(
                js=js, application=application, partition=partition, clock=clock
            ).run(stop)

        return run

    # One owner each (ADR 0011): partitions by assignment, singletons by a lease.
    return [
        leased("alert-outbox", alert_outbox),
        leased("deadlines", deadlines),
        leased("gap-refill", gap_refill),
        *(Job(f"partition-{p}", consumer(p)) for p in settings.owned_partitions),
    ]


def create_app(settings: Settings, *, clock: Clock = utc_now) -> Litestar:
    application = open_coordination(settings)
    sample_lag, unregister_metrics = register_coordination_metrics(
        application, list(settings.owned_partitions), clock, settings.gap_grace
    )
    workers = NatsWorkers(
        settings.nats,
        "coordination",
        [*coordination_workers(settings, application, clock), sample_lag],
    )
    sealer = FieldSealer(PersonKeyStore.in_data_dir(settings.data_dir))
    # The UI's live streams learn of each commit through the application's hook.
    live = Broadcaster()
    application.after_commit["live"] = live.notify
    # Every read of a case (API or UI) is logged after it is answered (services/audit).
    access_log = AccessLogger(application, clock)
    contacts = load_contacts(settings.agency_contacts)
    return build_app(
        service="coordination",
        title="Samlad – samordning (det gemensamma ärendet)",
        settings=settings,
        route_handlers=[
            coordination_router(application, sealer),
            ops_router(application, clock, settings.gap_grace),
            own_view_router(CaseReader(application), contacts),
            catalogue_router(application, clock),
            contracts_router(nats_url=settings.nats_url),
            ui_router(application, settings, live, clock, sealer=sealer, contacts=contacts),
            audit_router(application), rules_router(application, clock),
            early_warnings_router(application, clock),
        ],
        workers=workers,
        recorder=application.process_recorder,
        on_shutdown=[unregister_metrics, access_log.close, application.close],
        template_config=template_config(),
        after_response=access_log_hook(access_log),
    )
