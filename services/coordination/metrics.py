"""The coordination service's instruments, registered in this one place.

- ``samlad_consumer_lag{partition}``: messages of a partition not yet applied (pending
  plus delivered-but-unacked), sampled from JetStream consumer info by a worker, since
  a gauge is read synchronously at collection.
- ``samlad_relay_lag{producer="coordination"}``: alerts not yet published.
- ``samlad_open_gaps``: producer positions published but never received (as /ops/gaps).
- ``samlad_open_alerts{rule}``: open alerts, by gap rule.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta

import structlog
from nats.js import JetStreamContext

from adapters.nats.names import EVENTS_STREAM, coordination_consumer
from adapters.telemetry.metrics import Reading, observe
from services.coordination.application import CoordinationApplication
from services.coordination.gaps import GAP_GRACE
from services.coordination.gaps import open_gaps as gaps_open
from services.runtime.clock import Clock
from services.runtime.metrics import observe_relay_lag
from services.runtime.workers import Worker

log = structlog.get_logger(__name__)

LAG_SAMPLE_SECONDS = 5.0


def register_coordination_metrics(
    application: CoordinationApplication,
    partitions: list[int],
    clock: Clock,
    gap_grace: timedelta = GAP_GRACE,
) -> tuple[Worker, Callable[[], None]]:
    """The lag-sampling worker, and what unregisters the gauges when the service stops."""
    lag: dict[int, int] = {}

    async def sample_lag(js: JetStreamContext, stop: asyncio.Event) -> None:
        while not stop.is_set():
            for partition in partitions:
                try:
                    info = await js.consumer_info(EVENTS_STREAM, coordination_consumer(partition))
                    lag[partition] = info.num_pending + (info.num_ack_pending or 0)
                except Exception as error:
                    lag.pop(partition, None)  # unknown, not zero
                    log.debug("consumer_lag_unknown", partition=partition, error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), LAG_SAMPLE_SECONDS)

    def consumer_lag() -> Reading:
        return [(float(n), {"partition": str(p)}) for p, n in sorted(lag.items())]

    def open_gaps() -> Reading:
        return [(float(len(gaps_open(application, clock(), gap_grace))), {})]

    def open_alerts() -> Reading:
        rows = application.read_models.query(
            "SELECT rule, count(*) AS n FROM {alert_index} WHERE resolved_at IS NULL "
            "GROUP BY rule", ())
        return [(float(row["n"]), {"rule": row["rule"]}) for row in rows]

    unregister = [
        observe("samlad.consumer.lag", "partition messages not yet applied", consumer_lag),
        observe("samlad.open_gaps", "published positions never received", open_gaps),
        observe("samlad.open_alerts", "open alerts by rule", open_alerts),
        observe_relay_lag(application.process_recorder, "coordination"),
    ]

    def unregister_all() -> None:
        for remove in unregister:
            remove()

    return sample_lag, unregister_all
