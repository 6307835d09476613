"""OpenTelemetry metrics: over OTLP (``OTEL_METRICS_EXPORTER=otlp``) and for Prometheus.

One MeterProvider per process with two readers: the Prometheus exporter's reader, which
every service serves as text on ``/metrics`` (``prometheus_text``), and, when asked, a
periodic OTLP/HTTP exporter (``OTEL_EXPORTER_OTLP_ENDPOINT`` as the SDK reads it).

Instruments (Prometheus names in brackets):

- ``samlad.commands`` [samlad_commands_total]: HTTP commands by service, route and
  status class; ``samlad.command.duration`` [samlad_command_duration_seconds].
- ``samlad.dead_letters`` [samlad_dead_letters_total]: messages parked, by producer.
- Gauges, read when collected, registered by each service in one place
  (``services/<service>/metrics.py``) with ``observe``: consumer lag per partition,
  relay lag per agency, open gaps, open alerts by rule.

Several services may run in one process (the tests do): each gauge has one instrument
whose callback asks every registered reader; a service unregisters its readers when it
stops.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import cache

import structlog
from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

log = structlog.get_logger(__name__)

Reading = Iterable[tuple[float, Mapping[str, str]]]
Reader = Callable[[], Reading]

SERIES = (
    "samlad_commands_total", "samlad_command_duration_seconds", "samlad_dead_letters_total",
    "samlad_consumer_lag", "samlad_relay_lag", "samlad_open_gaps", "samlad_open_alerts",
)
"""The Prometheus names of the instruments (the dashboard in deploy/grafana uses them)."""

_lock = threading.Lock()
_configured = False
_readers: dict[str, list[Reader]] = {}


def configure_metrics(service: str, exporter: str | None = None) -> None:
    """Install the meter provider once per process; safe to call again."""
    global _configured  # noqa: PLW0603 - the SDK's provider is process-global too
    with _lock:
        if _configured:
            return
        _configured = True
    from opentelemetry.exporter.prometheus import PrometheusMetricReader

    readers: list[MetricReader] = [PrometheusMetricReader()]
    choice = (exporter or os.environ.get("OTEL_METRICS_EXPORTER", "none")).lower()
    if choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    provider = MeterProvider(
        metric_readers=readers,
        resource=Resource.create({"service.name": f"samlad-{service}"}),
    )
    metrics.set_meter_provider(provider)


def _meter() -> metrics.Meter:
    return metrics.get_meter("samlad")


class CommandMetrics:
    def __init__(self) -> None:
        meter = _meter()
        self._count = meter.create_counter(
            "samlad.commands", unit="1", description="HTTP commands handled")
        self._duration = meter.create_histogram(
            "samlad.command.duration", unit="s", description="time to answer a command")

    def record(self, service: str, route: str, status: int, seconds: float) -> None:
        attributes = {"service": service, "route": route, "status": f"{status // 100}xx"}
        self._count.add(1, attributes)
        self._duration.record(seconds, attributes)


@cache
def command_metrics() -> CommandMetrics:
    return CommandMetrics()


@cache
def _dead_letters() -> metrics.Counter:
    return _meter().create_counter(
        "samlad.dead_letters", unit="1", description="messages parked as dead letters")


def count_dead_letters(producer: str, count: int = 1) -> None:
    _dead_letters().add(count, {"producer": producer})


def observe(name: str, description: str, read: Reader) -> Callable[[], None]:
    """Add ``read`` to gauge ``name``; returns what removes it again."""
    with _lock:
        first = name not in _readers
        _readers.setdefault(name, []).append(read)
    if first:
        def callback(_: CallbackOptions, gauge: str = name) -> Iterable[Observation]:
            observations: list[Observation] = []
            for reader in list(_readers.get(gauge, ())):
                try:
                    observations.extend(Observation(v, dict(a)) for v, a in reader())
                except Exception as error:
                    # A gauge that cannot be read is left out; the scrape still answers.
                    log.warning("metric_unreadable", metric=gauge, error=repr(error))
            return observations

        _meter().create_observable_gauge(name, callbacks=[callback], description=description)

    def unregister() -> None:
        with _lock:
            if read in _readers.get(name, []):
                _readers[name].remove(read)

    return unregister


def prometheus_text() -> tuple[bytes, str]:
    """The Prometheus exposition of everything collected in this process."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
