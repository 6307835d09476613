"""A progress bar with the rate, drawn on stderr (stdout carries only the result)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.1


class Progress:
    """``update(done)`` redraws at most every 0.1 s; ``finish()`` ends the line."""

    def __init__(self, label: str, total: int | None, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self._drawn = 0.0
        self.done = 0

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def update(self, done: int) -> None:
        self.done = done
        now = time.perf_counter()
        if now - self._drawn >= REDRAW_SECONDS:
            self._drawn = now
            self._draw()

    def finish(self) -> None:
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        if self.total:
            filled = int(WIDTH * min(self.done, self.total) / self.total)
            bar = "#" * filled + "-" * (WIDTH - filled)
            count = f"{self.done}/{self.total} {100 * self.done / self.total:5.1f}%"
        else:
            bar, count = "", str(self.done)
        self.stream.write(f"\r{self.label} [{bar}] {count} {self.rate:,.0f} events/s")
        self.stream.flush()


class NoProgress(Progress):
    """For callers (tests, APIs) that want the counts without the drawing."""

    def _draw(self) -> None:
        return

    def finish(self) -> None:
        return
