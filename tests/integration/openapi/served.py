"""The five services on a real nats-server, served over HTTP by uvicorn, as integrators meet them.

Schemathesis speaks plain HTTP (``requests``), so the apps run in a thread of their own,
each behind uvicorn on a free port with its lifespan (NATS workers) started.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

import uvicorn

from adapters.nats.server import free_port
from adapters.nats.testing import running_nats
from services.cli.serve import load_factory
from services.settings import SERVICES, Settings

START_SECONDS = 60.0


class Served:
    """Where each service answers, and the settings whose keys sign the tests' tokens."""

    def __init__(self, settings: Settings, urls: dict[str, str]) -> None:
        self.settings = settings
        self.urls = urls


@contextmanager
def served(data_dir: Path) -> Iterator[Served]:
    """All services up (uvicorn, lifespan on) until the block ends."""
    ready = threading.Event()
    holder: dict[str, Served] = {}
    failure: list[BaseException] = []
    servers: list[uvicorn.Server] = []

    async def main() -> None:
        async with AsyncExitStack() as stack:
            nats = await stack.enter_async_context(running_nats(data_dir))
            settings = Settings(
                data_dir=data_dir, nats_url=nats.url, log_json=False, log_level="WARNING"
            )
            urls = {}
            for service in SERVICES:
                port = free_port()
                servers.append(
                    uvicorn.Server(
                        uvicorn.Config(
                            load_factory(service)(settings),
                            host="127.0.0.1",
                            port=port,
                            log_level="warning",
                            access_log=False,
                            lifespan="on",
                        )
                    )
                )
                urls[service] = f"http://127.0.0.1:{port}"
            tasks = [asyncio.create_task(server.serve()) for server in servers]
            while not all(server.started for server in servers):
                if any(task.done() for task in tasks):
                    raise RuntimeError("a service did not start")
                await asyncio.sleep(0.05)
            holder["served"] = Served(settings, urls)
            ready.set()
            await asyncio.gather(*tasks)

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as error:  # surfaced to the waiting test below
            failure.append(error)
        finally:
            ready.set()

    thread = threading.Thread(target=run, name="served-services", daemon=True)
    thread.start()
    try:
        if not ready.wait(START_SECONDS) or failure:
            raise RuntimeError(f"services did not start: {failure}")
        yield holder["served"]
    finally:
        for server in servers:
            server.should_exit = True
        thread.join(START_SECONDS)
