"""Liveness (``/health``) and readiness (``/ready``: store and NATS reachable)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from litestar import Response, Router, get

ReadinessCheck = Callable[[], Awaitable[bool]]


def health_router(service: str, checks: Mapping[str, ReadinessCheck]) -> Router:
    """Probes stay open (no token): orchestrators and integrators call them."""

    @get("/health", sync_to_thread=False, include_in_schema=True, tags=["ops"])
    def health() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @get("/ready", tags=["ops"])
    async def ready() -> Response[dict[str, object]]:
        results = await asyncio.gather(*(_safe(check) for check in checks.values()))
        status = dict(zip(checks, results, strict=True))
        ok = all(results)
        return Response(
            {"status": "ok" if ok else "unavailable", "service": service, "checks": status},
            status_code=200 if ok else 503,
        )

    return Router(path="/", route_handlers=[health, ready])


async def _safe(check: ReadinessCheck) -> bool:
    try:
        return await asyncio.wait_for(check(), 2.0)
    except Exception:
        return False
