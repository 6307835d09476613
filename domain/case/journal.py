"""An undo journal for the case fold (ångra-logg): how to take the last facts back.

The fold applies facts in business-time order. A fact that arrives late in business time
belongs before facts already folded; rather than fold the whole case again, the fold
undoes the facts after its place (newest first), folds it, and folds them again. Every
change the fold makes while applying a fact goes through here, so it can be undone.
Only the last ``limit`` facts keep their entries: an older place means a full fold.
"""

from __future__ import annotations

from collections import deque
from collections.abc import MutableMapping
from typing import Any

__all__ = ["Entry", "Journal"]

_ABSENT: Any = object()

Entry = tuple[Any, Any, Any]
"""``(container, name or key, the value before)``; ``_ABSENT`` when there was none.
A list's entry names the index it changed, or None for an append."""


class Journal:
    """Undo entries of the last ``limit`` facts folded, one list per fact."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._facts: deque[list[Entry]] = deque()
        self._current: list[Entry] | None = None

    @property
    def depth(self) -> int:
        """How many of the newest facts can be undone."""
        return len(self._facts)

    def begin(self, *, undoable: bool = True) -> None:
        """Start recording the changes of one fact (or not: an older fact, folded before
        every fact the journal will keep)."""
        self._current = [] if self.limit and undoable else None

    def end(self) -> None:
        if self._current is not None:
            self._facts.append(self._current)
            if len(self._facts) > self.limit:
                self._facts.popleft()
        self._current = None

    def clear(self) -> None:
        self._facts.clear()
        self._current = None

    def undo_last(self) -> list[Entry]:
        """Undo the newest fact's changes; returns them, newest first."""
        entries = self._facts.pop()
        entries.reverse()
        for container, name, before in entries:
            if isinstance(container, list):
                if name is None:
                    container.pop()
                else:
                    container[name] = before
            elif isinstance(container, dict):
                if before is _ABSENT:
                    del container[name]
                else:
                    container[name] = before
            else:
                setattr(container, name, before)
        return entries

    # -- changes ---------------------------------------------------------------------------

    def set(self, target: object, name: str, value: object) -> None:
        """``setattr(target, name, value)``, undoably."""
        if self._current is not None:
            self._current.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def put(self, mapping: MutableMapping[Any, Any], key: object, value: object) -> None:
        """``mapping[key] = value``, undoably."""
        if self._current is not None:
            self._current.append((mapping, key, mapping.get(key, _ABSENT)))
        mapping[key] = value

    def append(self, items: list[Any], value: object) -> None:
        """``items.append(value)``, undoably."""
        if self._current is not None:
            self._current.append((items, None, _ABSENT))
        items.append(value)

    def replace_last(self, items: list[Any], value: object) -> None:
        """``items[-1] = value``, undoably."""
        index = len(items) - 1
        if self._current is not None:
            self._current.append((items, index, items[index]))
        items[index] = value
