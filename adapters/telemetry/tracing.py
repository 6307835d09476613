"""OpenTelemetry tracing from the environment, and W3C context in NATS headers.

``OTEL_TRACES_EXPORTER`` = ``console`` | ``otlp`` | ``none`` (default none);
``OTEL_EXPORTER_OTLP_ENDPOINT`` as the SDK reads it. The trace context travels in the
``traceparent`` header of the HTTP request, is stamped on the stored event, and rides
the NATS message headers into the coordination service.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
)

_configured = False


def configure_tracing(service: str, exporter: str | None = None) -> None:
    """Install a tracer provider once per process; safe to call again."""
    global _configured  # noqa: PLW0603 - the SDK's provider is process-global too
    if _configured:
        return
    _configured = True
    choice = (exporter or os.environ.get("OTEL_TRACES_EXPORTER", "none")).lower()
    provider = TracerProvider(resource=Resource.create({"service.name": f"samlad-{service}"}))
    if choice == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    elif choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def current_traceparent() -> str | None:
    """The W3C traceparent of the active span, to carry along with a stored event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_headers(headers: Mapping[str, str] | None) -> context.Context:
    """The remote context carried in HTTP or NATS headers (empty if none)."""
    return propagate.extract(dict(headers or {}))
