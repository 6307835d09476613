"""Command rate and latency per service and route, and the ``/metrics`` endpoint."""

from __future__ import annotations

import time
from collections.abc import Callable

from litestar import Response, Router, get
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.telemetry.metrics import command_metrics, prometheus_text

QUERIES = frozenset({"GET", "HEAD", "OPTIONS"})


def command_metrics_middleware(service: str) -> Callable[[ASGIApp], ASGIApp]:
    """Times every command (a request that is not a query) by its route template."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or scope["method"] in QUERIES:
                await app(scope, receive, send)
                return
            status = 500
            started = time.perf_counter()

            async def sending(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                route = scope.get("path_template") or scope["path"]
                command_metrics().record(service, f"{scope['method']} {route}", status,
                                         time.perf_counter() - started)

        return middleware

    return wrap


def metrics_router() -> Router:
    """Prometheus text format, open like the probes (no personal data in it)."""

    @get("/metrics", sync_to_thread=True, tags=["ops"], include_in_schema=False)
    def scrape() -> Response[bytes]:
        body, content_type = prometheus_text()
        return Response(body, media_type=content_type)

    return Router(path="/", route_handlers=[scrape])
