"""Wiring of the coordination service: partition consumers, deadlines, alert outbox, API."""

from __future__ import annotations

import asyncio
import contextlib
import os

import structlog
from litestar import Litestar
from nats.js import JetStreamContext

from adapters.crypto import FieldSealer, PersonKeyStore
from adapters.nats.names import deadletter_subject
from adapters.nats.publisher import BatchPublisher
from adapters.outbox.relay import OutboxRelay
from adapters.outbox.translator import ContractTranslator
from adapters.store.application import open_application
from contracts import coordination
from services.audit.api import access_log_hook, audit_router
from services.coordination.access_log import AccessLogger
from services.coordination.alerts_outbox import alert_data
from services.coordination.api import coordination_router
from services.coordination.application import CoordinationApplication
from services.coordination.consumer import PartitionConsumer
from services.coordination.contracts_api import contracts_router
from services.coordination.live import Broadcaster
from services.coordination.ops_api import ops_router
from services.coordination.recorders import recorder_env
from services.coordination.ui import template_config, ui_router
from services.runtime.app import build_app
from services.runtime.clock import Clock, utc_now
from services.runtime.workers import NatsWorkers, Worker
from services.settings import Settings

log = structlog.get_logger(__name__)

DEADLINE_POLL_SECONDS = 0.25


def owned_partitions(settings: Settings) -> list[int]:
    """``SAMLAD_PARTITIONS_OWNED`` ("0,1") splits the consumer over several replicas."""
    owned = os.environ.get("SAMLAD_PARTITIONS_OWNED", "")
    if not owned.strip():
        return list(range(settings.partitions))
    return [int(part) for part in owned.split(",") if part.strip()]


def open_coordination(settings: Settings) -> CoordinationApplication:
    return open_application(
        CoordinationApplication, settings.store, "coordination",
        **recorder_env(settings.store.is_postgres),
    )


def coordination_workers(
    settings: Settings, application: CoordinationApplication, clock: Clock
) -> list[Worker]:
    translator = ContractTranslator(
        agency="coordination", store="coordination", recorder=application.process_recorder,
        mapper=application.mapper, build=alert_data,
        contracts={"AlertRaised": coordination.AlertRaised,
                   "AlertResolved": coordination.AlertResolved},
    )

    async def alert_outbox(js: JetStreamContext, stop: asyncio.Event) -> None:
        outbox = OutboxRelay(
            name="outbox", recorder=application.process_recorder, mapper=application.mapper,
            translate=translator, publisher=BatchPublisher(js),
            deadletter_subject=deadletter_subject("coordination"),
        )
        application.after_commit.append(outbox.nudge)
        await outbox.run(stop)

    async def deadlines(_: JetStreamContext, stop: asyncio.Event) -> None:
        # Asks the deadline index what is due: the cost follows the due cases, not all.
        while not stop.is_set():
            reviewed = await asyncio.to_thread(application.review_due, clock())
            if reviewed:
                log.info("deadlines_reviewed", cases=reviewed)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), DEADLINE_POLL_SECONDS)

    def consumer(partition: int) -> Worker:
        async def run(js: JetStreamContext, stop: asyncio.Event) -> None:
            await PartitionConsumer(
                js=js, application=application, partition=partition, clock=clock
            ).run(stop)

        return run

    return [alert_outbox, deadlines, *(consumer(p) for p in owned_partitions(settings))]


def create_app(settings: Settings, *, clock: Clock = utc_now) -> Litestar:
    application = open_coordination(settings)
    workers = NatsWorkers(
        settings.nats, "coordination", coordination_workers(settings, application, clock)
    )
    sealer = FieldSealer(PersonKeyStore.in_data_dir(settings.data_dir))
    # The UI's live streams learn of each commit through the application's hook.
    live = Broadcaster()
    application.after_commit.append(live.notify)
    # Every read of a case (API or UI) is logged after it is answered (services/audit).
    access_log = AccessLogger(application, clock)
    return build_app(
        service="coordination",
        title="Samlad – samordning (det gemensamma ärendet)",
        settings=settings,
        route_handlers=[
            coordination_router(application, sealer), ops_router(application, clock),
            contracts_router(),
            ui_router(application, settings, live, clock, sealer=sealer),
            audit_router(application),
        ],
        workers=workers,
        recorder=application.process_recorder,
        on_shutdown=[access_log.close, application.close],
        template_config=template_config(),
        after_response=access_log_hook(access_log),
    )
