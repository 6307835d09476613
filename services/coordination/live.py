"""Live updates for the UI: a change signal fed by ``CoordinationApplication.after_commit``.

The application commits from worker threads and its hook takes no arguments, so the
broadcaster only says *that* something committed; each server-sent-event stream then
asks its own question (has this case's version moved? has the caseload?) and renders
what changed. Commits that arrive while a stream is busy coalesce into one wake-up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator


class Broadcaster:
    """Wakes every listening stream after a commit; safe to notify from any thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: set[asyncio.Event] = set()

    async def start(self) -> None:
        """Bind to the server's event loop (a Litestar ``on_startup`` hook)."""
        self._loop = asyncio.get_running_loop()

    def notify(self) -> None:
        """The ``after_commit`` hook: it runs in the committing thread, so hop to the loop."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        for listener in self._listeners:
            listener.set()

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    async def changes(self, heartbeat: float = 15.0) -> AsyncGenerator[bool, None]:
        """Yields True once listening (a commit may have come before), then True after
        one or more commits and False after ``heartbeat`` idle seconds.

        The idle beat lets a stream notice a closed connection and keeps proxies from
        cutting it.
        """
        if self._loop is None:
            await self.start()
        changed = asyncio.Event()
        self._listeners.add(changed)
        changed.set()
        try:
            while True:
                woke = False
                with contextlib.suppress(TimeoutError):
                    woke = await asyncio.wait_for(changed.wait(), heartbeat)
                changed.clear()
                yield woke
        finally:
            self._listeners.discard(changed)
