"""The Litestar scaffolding every service shares: probes, problems, tracing, lifespan."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

from adapters.auth.tokens import load_verifying_key
from adapters.http.health import NotReady, health_router
from adapters.http.metrics import command_metrics_middleware, metrics_router
from adapters.http.openapi import TruthfulOpenAPI
from adapters.http.problems import problem_details_plugin
from adapters.http.strict_input import refuse_lax_input
from adapters.http.tracing import tracing_middleware
from adapters.telemetry.logging import configure_logging
from adapters.telemetry.metrics import configure_metrics
from adapters.telemetry.tracing import configure_tracing
from services.runtime.auth import auth_middleware, authorizer
from services.runtime.workers import NatsWorkers
from services.settings import Settings

API_DESCRIPTION = (
    "Every call except the probes, `/schema` and `/contracts` carries `Authorization: "
    "Bearer <token>`; each operation names the roles it admits in `x-samlad-roles`. Errors "
    "answer `application/problem+json` (RFC 9457). Request bodies are read strictly: "
    "unknown fields, a string where a number is expected and a number where a date-time "
    "is expected are refused with 400. See docs/integrating.md."
)


def store_check(recorder: ApplicationRecorder) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        await asyncio.to_thread(recorder.max_notification_id)
        return True

    return check


def nats_check(workers: NatsWorkers, settings: Settings) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        if not await workers.is_connected():
            where = settings.nats_url or "the embedded server"
            raise NotReady(f"not connected to NATS at {where}")
        return True

    return check


def build_app(
    *,
    service: str,
    title: str,
    settings: Settings,
    route_handlers: Sequence[Any],
    workers: NatsWorkers,
    recorder: ApplicationRecorder,
    on_shutdown: Sequence[Callable[[], Any]] = (),
    **litestar_options: Any,
) -> Litestar:
    configure_logging(settings.log_level, json=settings.log_json)
    configure_tracing(service, settings.traces_exporter)
    configure_metrics(service)
    checks = {"store": store_check(recorder), "nats": nats_check(workers, settings)}
    # Read here, when the app is built, never at import: services only verify tokens.
    verifying_key = load_verifying_key(settings.data_dir, os.environ)
    return Litestar(
        route_handlers=[health_router(service, checks), metrics_router(), *route_handlers],
        plugins=[problem_details_plugin()],
        middleware=[tracing_middleware, command_metrics_middleware(service),
                    auth_middleware(service, verifying_key)],
        guards=[authorizer(service), *litestar_options.pop("guards", ())],
        # Refuse what the OpenAPI document refuses, before Litestar's lax conversion.
        before_request=refuse_lax_input(),
        on_startup=[workers.start],
        on_shutdown=[workers.stop, *on_shutdown],
        openapi_config=OpenAPIConfig(
            title=title, version="1.0.0", path="/schema",
            description=API_DESCRIPTION,
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger"),
                            TruthfulOpenAPI(service)],
        ),
        **litestar_options,
    )
