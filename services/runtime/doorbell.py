"""``Doorbell`` — wakes whoever waits for new events, from the thread that saved them.

Built before the application that rings it, so the application is complete when it is
constructed; the outbox relay answers it once it runs (it needs the bus first).
"""

from __future__ import annotations

from collections.abc import Callable


class Doorbell:
    def __init__(self) -> None:
        self._answer: Callable[[], None] = lambda: None

    def ring(self) -> None:
        self._answer()

    def answer_with(self, answer: Callable[[], None]) -> None:
        """``answer`` runs on every ring from now on (thread-safe: one attribute store)."""
        self._answer = answer
