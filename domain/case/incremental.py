"""The fold kept between facts (inkrementell vikning): a new fact costs what it touches.

``CaseFold`` holds the facts in business-time order and the fold's working state. A fact
that is the latest in business time is applied at once. A fact that belongs earlier
takes the facts after its place back through the journal (newest first), is applied,
and they are applied again: the result is exactly the fold of the sorted set, so the
state does not depend on arrival order (architecture invariant 5). A place further back
than the journal reaches folds the whole case again.

The state is rebuilt from what changed: each record's part is kept in a sorted list and
replaced only when the record changed, and unchanged parts of the state stay the same
objects, so the rules can tell what they need to look at again (domain/case/conditions.py).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from domain.agencies import Agency
from domain.case.facts import Fact
from domain.case.fold import RECORD_KINDS, FoldBuilder, Record, fact_order
from domain.case.journal import Journal
from domain.case.state import Anomaly, CaseState, Lane

__all__ = ["JOURNAL_FACTS", "CaseFold", "fold"]

JOURNAL_FACTS = 256
"""How many of the newest facts (in business time) a late fact may land before without
folding the whole case again."""

SMALL_CASE = 64
"""A case of at most this many facts keeps no journal: folding it again costs less than
the journal's memory (most of a small cached case's)."""


def fold(facts: Iterable[Fact]) -> CaseState:
    """The state of a case holding ``facts``; the first fact per event id counts."""
    unique: dict[str, Fact] = {}
    for fact in facts:
        unique.setdefault(fact.event_id, fact)
    return CaseFold.of(unique.values(), journal_facts=0).state


class CaseFold:
    """The facts of one case, folded; ``add`` one more, read ``state``.

    Facts must have distinct event ids (the case drops a duplicate before it gets here).
    """

    def __init__(
        self, *, journal_facts: int = JOURNAL_FACTS, small_case: int = SMALL_CASE
    ) -> None:
        self._journal_facts = journal_facts
        self._small_case = small_case
        self._keys: list[tuple[datetime, datetime, str]] = []
        self._facts: list[Fact] = []
        self._builder = FoldBuilder(journal=Journal(journal_facts))
        self._parts = _Parts()
        self._state: CaseState | None = None

    @classmethod
    def of(cls, facts: Iterable[Fact], *, journal_facts: int = JOURNAL_FACTS) -> CaseFold:
        """A fold of ``facts`` (distinct event ids), folded in one pass."""
        folded = cls(journal_facts=journal_facts)
        ordered = sorted(facts, key=fact_order)
        folded._keys = [fact_order(fact) for fact in ordered]
        folded._facts = ordered
        folded._apply_all()
        return folded

    @property
    def facts(self) -> list[Fact]:
        """The facts in business-time order (the caller must not change the list)."""
        return self._facts

    def add(self, fact: Fact) -> None:
        """Fold one more fact into the state."""
        key = fact_order(fact)
        index = bisect_right(self._keys, key)
        later = len(self._keys) - index
        self._keys.insert(index, key)
        self._facts.insert(index, fact)
        self._state = None
        if later == 0:
            self._builder.apply(fact, undoable=len(self._facts) > self._small_case)
        elif later <= self._builder.journal.depth:
            for _ in range(later):
                self._builder.undo_last()
            for redo in self._facts[index:]:
                self._builder.apply(redo)
        else:
            self._refold()

    def _refold(self) -> None:
        self._builder = FoldBuilder(journal=Journal(self._journal_facts))
        self._parts = _Parts()
        self._apply_all()

    def _apply_all(self) -> None:
        # Only the facts the journal will keep need recording how to undo them.
        older = len(self._facts) - self._journal_facts
        if len(self._facts) <= self._small_case:
            older = len(self._facts)
        for index, fact in enumerate(self._facts):
            self._builder.apply(fact, undoable=index >= older)

    @property
    def state(self) -> CaseState:
        """The state of the facts folded so far."""
        if self._state is None:
            self._state = self._parts.build(self._builder)
        return self._state


class _Listing:
    """One kind of record's part of the state, kept sorted; rebuilt only where changed."""

    def __init__(self, order: Callable[[Any], tuple[Any, ...]]) -> None:
        self._order = order
        self._keys: list[tuple[Any, ...]] = []
        self._items: list[Any] = []
        self._placed: dict[str, tuple[Any, ...]] = {}
        self.anomalies: dict[str, Anomaly] = {}
        self.items: tuple[Any, ...] = ()

    def refresh(self, records: dict[str, Record], changed: set[str]) -> bool:
        """Take in the records named in ``changed``; True if anything was."""
        if not changed:
            return False
        for key in changed:
            placed = self._placed.pop(key, None)
            if placed is not None:
                at = bisect_left(self._keys, placed)
                del self._keys[at], self._items[at]
            self.anomalies.pop(key, None)
            record = records.get(key)
            if record is None:
                continue  # taken back by the journal
            item, anomaly = record.result()
            if anomaly is not None:
                self.anomalies[key] = anomaly
            if item is not None:
                placed = (*self._order(item), key)
                at = bisect_left(self._keys, placed)
                self._keys.insert(at, placed)
                self._items.insert(at, item)
                self._placed[key] = placed
        changed.clear()
        self.items = tuple(self._items)
        return True


def _earliest(*instants: datetime | None) -> datetime:
    return min(instant for instant in instants if instant is not None)


class _Parts:
    """The parts of the last state built, reused while nothing under them changed."""

    def __init__(self) -> None:
        # Listed in business-time order, ties by id, for the views; consents by id.
        self.listings = {
            "interventions": _Listing(lambda i: (_earliest(i.started_at, i.ended_at),)),
            "benefits": _Listing(lambda b: (_earliest(b.started_at, b.ended_at),)),
            "hand_offs": _Listing(lambda h: (h.requested_at,)),
            "consents": _Listing(lambda _: ()),
        }
        self.lanes: tuple[Lane, ...] = ()
        self.anomalies: tuple[Anomaly, ...] = ()

    def build(self, builder: FoldBuilder) -> CaseState:
        records_changed = False
        for kind in RECORD_KINDS:
            records = getattr(builder, kind)
            records_changed |= self.listings[kind].refresh(records, builder.dirty[kind])
        if builder.lanes_dirty:
            self.lanes = tuple(
                Lane(agency=lane.agency, status=lane.status, since=lane.since,
                     registrations=tuple(lane.registrations),
                     contact_lost_since=lane.contact_lost_since)
                for agency in Agency if (lane := builder.lanes.get(agency)) is not None
            )  # fmt: skip
            builder.lanes_dirty = False
        if builder.anomalies_dirty or records_changed:
            found = list(builder.anomalies)
            for kind in RECORD_KINDS:
                found.extend(a for _, a in sorted(self.listings[kind].anomalies.items()))
            self.anomalies = tuple(found)
            builder.anomalies_dirty = False
        enrolment = builder.enrolment
        return CaseState(
            kommun=enrolment.kommun if enrolment else None,
            gender=enrolment.gender if enrolment else None,
            birth_year=enrolment.birth_year if enrolment else None,
            target_groups=enrolment.target_groups if enrolment else (),
            enrolled_at=enrolment.effective_at if enrolment else None,
            enrolled_by=enrolment.agency if enrolment else None,
            lanes=self.lanes,
            interventions=self.listings["interventions"].items,
            benefits=self.listings["benefits"].items,
            hand_offs=self.listings["hand_offs"].items,
            lead=builder.lead,
            lead_since=builder.lead_since,
            consents=self.listings["consents"].items,
            exit=builder.exit,
            unheld_since=builder.unheld_since,
            unled_since=builder.unled_since,
            anomalies=self.anomalies,
        )
