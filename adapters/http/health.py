"""Liveness (``/health``) and readiness (``/ready``: store and NATS reachable, and why not)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from litestar import Response, Router, get
from litestar.openapi import ResponseSpec

ReadinessCheck = Callable[[], Awaitable[bool]]
CHECK_SECONDS = 2.0


class NotReady(Exception):
    """Raised by a readiness check to say why it fails (shown in ``reasons``)."""


def health_router(service: str, checks: Mapping[str, ReadinessCheck]) -> Router:
    """Probes stay open (no token): orchestrators and integrators call them."""

    @get("/health", sync_to_thread=False, include_in_schema=True, tags=["ops"])
    def health() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @get("/ready", tags=["ops"], responses={503: ResponseSpec(
        data_container=dict[str, object], generate_examples=False,
        description="Not ready: `reasons` says why")})
    async def ready() -> Response[dict[str, object]]:
        results = await asyncio.gather(*(_reason(check) for check in checks.values()))
        reasons = {name: why for name, why in zip(checks, results, strict=True) if why}
        ok = not reasons
        body: dict[str, object] = {
            "status": "ok" if ok else "unavailable", "service": service,
            "checks": {name: name not in reasons for name in checks},
        }
        if reasons:
            body["reasons"] = reasons
        return Response(body, status_code=200 if ok else 503)

    return Router(path="/", route_handlers=[health, ready])


async def _reason(check: ReadinessCheck) -> str | None:
    """None when ready, else what is wrong, in words an operator can act on."""
    try:
        ok = await asyncio.wait_for(check(), CHECK_SECONDS)
    except NotReady as error:
        return str(error)
    except TimeoutError:
        return f"no answer within {CHECK_SECONDS:g} s"
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None if ok else "check failed"
