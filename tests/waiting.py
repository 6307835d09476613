"""How a test waits: on a condition, polled until a deadline (never a bare sleep).

The deadline only bounds a failing run; nothing here measures how fast the system is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

WAIT_SECONDS = 15.0


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    *,
    within: float = WAIT_SECONDS,
    what: str = "the condition",
    poll: float = 0.05,
) -> T:
    """The first truthy result of ``check``; fails naming ``what`` after ``within`` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(poll)
