"""Group commit (gruppcommit): saves handed over by concurrent threads share one transaction.

A store commits one transaction at a time, and a commit costs an fsync and a step of the
hash chain whatever it holds. Callers therefore hand what they want saved to one committer
thread and block; the thread takes everything queued meanwhile and saves it together, so
under load one transaction carries many callers' events, and alone a caller waits for no
one. Each caller is answered only after the transaction holding its item commits.

A group that fails is split in halves and each half saved again, down to the one item
that fails, which is answered with its own error: a conflicting save (an
``IntegrityError`` from a lost race) or a bad item fails alone and the rest commit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_GROUP = 500
"""Items per transaction; a batched save's rate stops growing well before this."""


class CommitterClosed(RuntimeError):
    """An item was submitted after ``close()``."""


class GroupCommitter(Generic[T, R]):
    """Saves submitted items in groups with ``save_group`` on a thread of its own.

    ``save_group(items)`` saves all its items in one transaction and returns one result per
    item, in order, or raises and saves none of them.
    """

    def __init__(
        self,
        save_group: Callable[[Sequence[T]], Sequence[R]],
        *,
        name: str = "group-commit",
        max_group: int = MAX_GROUP,
    ) -> None:
        self._save_group = save_group
        self._name = name
        self._max_group = max_group
        self._queue: queue.SimpleQueue[tuple[T, Future[R]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.groups = 0
        """Transactions committed so far (for benchmarks and tests)."""

    def submit(self, item: T) -> R:
        """Save ``item`` in the next group; blocks until that group commits."""
        future: Future[R] = Future()
        with self._lock:
            if self._closed:
                raise CommitterClosed(f"{self._name} is closed")
            if self._thread is None:
                # Started on first use: an application that never saves needs no thread.
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._queue.put((item, future))
        return future.result()

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < self._max_group:
                try:
                    pending = self._queue.get_nowait()
                except queue.Empty:
                    break
                if pending is None:
                    stopping = True
                    break
                group.append(pending)
            self._commit(group)

    def _commit(self, group: list[tuple[T, Future[R]]]) -> None:
        try:
            results = self._save_group([item for item, _ in group])
        except Exception as error:
            if len(group) == 1:
                group[0][1].set_exception(error)
                return
            # Which item failed is unknown: halve until it stands alone.
            middle = len(group) // 2
            self._commit(group[:middle])
            self._commit(group[middle:])
            return
        self.groups += 1
        for (_, future), result in zip(group, results, strict=True):
            future.set_result(result)
