"""Gauges every service with an outbox relay shares: how far the relay is behind."""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.persistence import ProcessRecorder

from adapters.telemetry.metrics import Reading, observe

RELAY_NAME = "outbox"


def observe_relay_lag(recorder: ProcessRecorder, producer: str) -> Callable[[], None]:
    """Stored events the outbox relay has not yet published (``samlad_relay_lag``)."""

    def read() -> Reading:
        head = recorder.max_notification_id() or 0
        relayed = recorder.max_tracking_id(RELAY_NAME) or 0
        return [(float(max(head - relayed, 0)), {"producer": producer})]

    return observe("samlad.relay.lag", "stored events not yet published", read)
