"""A server span per HTTP request, continuing the caller's ``traceparent``."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from adapters.telemetry.tracing import context_from_headers, tracer


def tracing_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        name = f"{scope['method']} {scope['path']}"
        with tracer("samlad.http").start_as_current_span(
            name, context=context_from_headers(headers), kind=SpanKind.SERVER
        ) as span:
            span.set_attribute("http.method", scope["method"])
            span.set_attribute("http.target", scope["path"])
            await app(scope, receive, send)

    return middleware


__all__ = ["trace", "tracing_middleware"]
