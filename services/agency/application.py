"""``AgencyApplication`` — one agency's system of record (its own event store).

Commands load the person's ``Involvement``, call one method and save. Saves from
concurrent commands commit together in one transaction (``StoredApplication.save_grouped``).
The trace context of the command is stamped on the new events so the outbox can carry it on.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ClassVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from adapters.store.application import StoredApplication
from adapters.store.keyed_lock import KeyedLock
from adapters.telemetry.tracing import current_traceparent
from domain.agencies import Agency
from domain.agency.errors import NotFound
from domain.agency.involvement import Involvement

SAVE_ATTEMPTS = 8
"""Races on one person are short (a command against an arriving hand-off)."""

# What the current command (one request thread, one context) saved last: its answer
# names the position a reader may wait for (read your writes).
LAST_SAVED: ContextVar[tuple[Any, ...]] = ContextVar("LAST_SAVED", default=())


class AgencyApplication(StoredApplication):
    """Base of the kommun, AF, FK and region applications."""

    agency: ClassVar[Agency]
    involvement_class: ClassVar[type[Involvement]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_saved: Callable[[], None] = lambda: None
        # Seals personal free text of new events (adapters/crypto) before they are stored.
        self.seal: Callable[[Any], None] = lambda _: None
        self._turns = KeyedLock()

    def get_involvement(self, person_ref: str) -> Involvement:
        try:
            aggregate = self.repository.get(Involvement.create_id(person_ref))
        except AggregateNotFoundError:
            raise NotFound(
                f"person {person_ref} is not known at {self.agency}", field="person_ref"
            ) from None
        assert isinstance(aggregate, Involvement)
        return aggregate

    def is_known(self, person_ref: str) -> bool:
        try:
            self.get_involvement(person_ref)
        except NotFound:
            return False
        return True

    def execute(
        self,
        person_ref: str,
        command: Callable[[Any], object],
        *,
        create: Callable[[], Involvement] | None = None,
    ) -> Involvement:
        """Run ``command`` on the person's involvement and save; retry lost races.

        Commands on one person take turns, so the second sees the first's result; saves
        of different persons commit together (group commit, ``save``).
        """
        with self._turns.hold(person_ref):
            for attempt in range(1, SAVE_ATTEMPTS + 1):
                try:
                    aggregate = self.get_involvement(person_ref)
                except NotFound:
                    if create is None:
                        raise
                    aggregate = create()
                command(aggregate)
                try:
                    self.save(aggregate)
                except IntegrityError:
                    # The inbound hand-offs (or another replica) saved this person first:
                    # reload and run the command again on top.
                    if attempt == SAVE_ATTEMPTS:
                        raise
                    continue
                return aggregate
        raise AssertionError("unreachable")  # pragma: no cover

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        for obj in objs:
            self.seal(obj)
        traceparent = current_traceparent()
        if traceparent is not None:
            for obj in objs:
                for pending in getattr(obj, "_pending_events", ()):
                    # Metadata beside the domain attributes: the mapper stores vars(event).
                    object.__setattr__(pending, "traceparent", traceparent)
        recordings = self.save_grouped(*objs, **kwargs)
        LAST_SAVED.set(tuple(recordings))
        self.on_saved()
        return recordings
