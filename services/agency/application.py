"""``AgencyApplication`` — one agency's system of record (its own event store).

Its public methods are the agency's commands (the service layer): HTTP controllers,
tests and tools call them alike. A command loads the person's ``Involvement``, calls
one method and saves; saves from concurrent commands commit together in one transaction
(``StoredApplication.save_grouped``), two commands on one person in turn. A command
body (``services/<agency>/schemas.py``) declares the command's input once; its fields
are passed by name to the aggregate method of the same command
(``tests/unit/agency/test_command_declarations.py`` checks that they agree). The trace
context of the command is stamped on the new events so the outbox can carry it on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording, Tracking
from eventsourcing.utils import EnvType

from adapters.outbox.translator import integration_event_id
from adapters.pseudonym import InvalidPersonnummer, Pseudonymiser
from adapters.store.application import StoredApplication
from adapters.store.keyed_lock import KeyedLock
from adapters.telemetry.tracing import current_traceparent
from contracts import common
from contracts.base import IntegrationEvent
from domain.agencies import Agency
from domain.agency.errors import AgencyRuleViolation, NotFound
from domain.agency.involvement import Involvement
from services.agency.schemas import (
    Accepted,
    Command,
    ExitParticipant,
    GiveConsent,
    RejectHandOff,
    RequestHandOff,
)
from services.runtime.clock import Clock, utc_now

SAVE_ATTEMPTS = 8
"""Races on one person are short (a command against an arriving hand-off)."""

# What the current command (one request thread, one context) saved last: its answer
# names the position a reader may wait for (read your writes).
LAST_SAVED: ContextVar[tuple[Any, ...]] = ContextVar("LAST_SAVED", default=())

Seal = Callable[[str, Sequence[Any]], None]
"""Seals personal free text in a person's new events before they are stored."""

AggregateCommand = Callable[..., object]
"""An ``Involvement`` method of the same name as the application's command."""

COMMON_PUBLISHED: Mapping[str, type[IntegrationEvent]] = {
    "ConsentGiven": common.ConsentGiven,
    "ConsentWithdrawn": common.ConsentWithdrawn,
    "HandOffRequested": common.HandOffRequested,
    "HandOffAccepted": common.HandOffAccepted,
    "HandOffRejected": common.HandOffRejected,
    "ContactLost": common.ContactLost,
    "ContactResumed": common.ContactResumed,
    "LeadResponsibilityAssumed": common.LeadResponsibilityAssumed,
    "LeadResponsibilityReleased": common.LeadResponsibilityReleased,
    "ParticipantExited": common.ParticipantExited,
}
"""Domain event (``@event`` name) → the contract the outbox publishes it as."""

UNPUBLISHED = frozenset({"Opened", "HandOffReceived"})
"""Domain events that stay inside the agency's store."""


def effective_time(command: Command, recorded_at: datetime) -> datetime:
    """The command's business time, in UTC as every fact carries it; now when not given."""
    return (command.effective_at or recorded_at).astimezone(UTC)


EDGE_ONLY = frozenset({"effective_at", "personnummer"})
"""Body fields the application decides on (the times; identity never enters the domain)."""


def command_arguments(command: Command) -> dict[str, Any]:
    """The body's fields as the aggregate method's keyword arguments."""
    return {
        name: getattr(command, name)
        for name in command.__struct_fields__
        if name not in EDGE_ONLY
    }


def _no_seal(person_ref: str, events: Sequence[Any]) -> None:
    """Without a key store nothing is sealed (tests and tools that write no free text)."""


class AgencyApplication(StoredApplication):
    """Base of the kommun, AF, FK and region applications: the commands all four share."""

    agency: ClassVar[Agency]
    involvement_class: ClassVar[type[Involvement]]
    published: ClassVar[Mapping[str, type[IntegrationEvent]]]
    """The agency's own domain events → contracts (besides ``COMMON_PUBLISHED``)."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        clock: Clock = utc_now,
        pseudonymiser: Pseudonymiser | None = None,
        seal: Seal = _no_seal,
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.pseudonymiser = pseudonymiser
        self.seal = seal
        # Called after each save, from the saving thread (wakes the outbox relay).
        self.on_saved = on_saved
        # Commands on one person take turns: the second sees the first's result.
        self._turns: KeyedLock[str] = KeyedLock()

    @classmethod
    def outbox_contracts(cls) -> Mapping[str, type[IntegrationEvent]]:
        """Every domain event this agency publishes, by ``@event`` name, with its contract."""
        return {**COMMON_PUBLISHED, **cls.published}

    # Queries

    def get_involvement(self, person_ref: str) -> Involvement:
        try:
            aggregate: object = self.repository.get(Involvement.create_id(person_ref))
        except AggregateNotFoundError:
            raise NotFound(
                f"person {person_ref} is not known at {self.agency}", field="person_ref"
            ) from None
        if not isinstance(aggregate, Involvement):  # pragma: no cover - one type per store
            raise TypeError(f"{aggregate!r} is not an Involvement")
        return aggregate

    def is_known(self, person_ref: str) -> bool:
        try:
            self.get_involvement(person_ref)
        except NotFound:
            return False
        return True

    # Commands every agency shares

    def identify(self, personnummer: str) -> str:
        """The person_ref for a personnummer; opens the agency's record if new."""
        person_ref = self.person_ref_of(personnummer)
        if not self.is_known(person_ref):
            now = self.clock()
            self.execute(person_ref, lambda _: None,
                         create=lambda: self.open_involvement(person_ref, now, now))
        return person_ref

    def give_consent(self, person_ref: str, command: GiveConsent) -> Accepted:
        return self.run(person_ref, command, Involvement.give_consent, new_id="consent_id")

    def withdraw_consent(self, person_ref: str, consent_id: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Involvement.withdraw_consent, consent_id=consent_id)

    def request_hand_off(self, person_ref: str, command: RequestHandOff) -> Accepted:
        return self.run(person_ref, command, Involvement.request_hand_off, new_id="hand_off_id")

    def accept_hand_off(self, person_ref: str, hand_off_id: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Involvement.accept_hand_off,
                        hand_off_id=hand_off_id)

    def reject_hand_off(
        self, person_ref: str, hand_off_id: str, command: RejectHandOff
    ) -> Accepted:
        return self.run(person_ref, command, Involvement.reject_hand_off,
                        hand_off_id=hand_off_id)

    def lose_contact(self, person_ref: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Involvement.lose_contact)

    def resume_contact(self, person_ref: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Involvement.resume_contact)

    def assume_lead(self, person_ref: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Involvement.assume_lead)

    def release_lead(self, person_ref: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Involvement.release_lead)

    def exit(self, person_ref: str, command: ExitParticipant) -> Accepted:
        return self.run(person_ref, command, Involvement.exit)

    # The one way a command runs

    def open_involvement(
        self, person_ref: str, effective_at: datetime, recorded_at: datetime
    ) -> Involvement:
        """A new record of the person at this agency (its ``Opened`` event)."""
        # Each agency's aggregate declares its own ``@event("Opened") __init__``.
        opened: Callable[..., Involvement] = self.involvement_class
        return opened(person_ref=person_ref, effective_at=effective_at, recorded_at=recorded_at)

    def person_ref_of(self, personnummer: str) -> str:
        if self.pseudonymiser is None:
            raise RuntimeError(f"{type(self).__name__} was built without a pseudonymiser")
        try:
            return self.pseudonymiser.person_ref(personnummer)
        except InvalidPersonnummer as error:
            raise AgencyRuleViolation(str(error), field="personnummer") from None

    def run(
        self,
        person_ref: str,
        command: Command,
        method: AggregateCommand,
        *,
        new_id: str | None = None,
        create: bool = False,
        **path: str,
    ) -> Accepted:
        """Call ``method`` with the body's fields, the path's ids and the times; save.

        ``new_id`` names the id of what the command creates: the body's, or one chosen
        here when the body left it out; answered in ``Accepted.ids``. ``create`` opens
        the person's record when it is new.
        """
        recorded_at = self.clock()
        effective_at = effective_time(command, recorded_at)
        new_ids = {new_id: getattr(command, new_id) or str(uuid4())} if new_id else {}
        arguments = command_arguments(command) | path | new_ids

        aggregate = self.execute(
            person_ref,
            lambda involvement: method(
                involvement, **arguments, effective_at=effective_at, recorded_at=recorded_at
            ),
            create=(lambda: self.open_involvement(person_ref, effective_at, recorded_at))
            if create else None,
        )
        return self.accepted(person_ref, aggregate.version, **new_ids)

    def accepted(self, person_ref: str, version: int, **ids: str) -> Accepted:
        """The answer to a command just saved in this thread, with its position: the id
        of its last published event, which a reader may wait for (``?after=``)."""
        published = self.outbox_contracts()
        position = next(
            (integration_event_id(str(self.agency), recording.notification.id)
             for recording in reversed(LAST_SAVED.get())
             if type(recording.domain_event).__name__ in published),
            None,
        )
        return Accepted(person_ref=person_ref, version=version, ids=ids, position=position)

    def execute(
        self,
        person_ref: str,
        command: Callable[[Any], object],
        *,
        create: Callable[[], Involvement] | None = None,
    ) -> Involvement:
        """Run ``command`` on the person's involvement and save; retry lost races."""
        with self._turns.hold([person_ref]):
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
                    # An arriving hand-off on the same person won the race: reload, retry.
                    if attempt == SAVE_ATTEMPTS:
                        raise
                    continue
                return aggregate
        raise AssertionError("unreachable")  # pragma: no cover

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        recordings = self.save_grouped(*self._sealed_and_stamped(objs), **kwargs)
        LAST_SAVED.set(tuple(recordings))
        self.on_saved()
        return recordings

    def save_processed(
        self, tracking: Tracking | None, *aggregates: Any, **kwargs: Any
    ) -> list[Recording[Any]]:
        recordings = super().save_processed(
            tracking, *self._sealed_and_stamped(aggregates), **kwargs
        )
        self.on_saved()
        return recordings

    def _sealed_and_stamped(self, objs: tuple[Any, ...]) -> list[Any]:
        """The new events, sealed and with the trace context, each before its aggregate.

        ``collect_events()`` (public API) drains them so they can be changed before the
        mapper stores them; the drained aggregate follows for the repository cache.
        """
        result: list[Any] = []
        traceparent = current_traceparent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                events = obj.collect_events()
                person_ref = getattr(obj, "person_ref", None)
                if person_ref is not None:
                    self.seal(person_ref, events)
                if traceparent is not None:
                    for new_event in events:
                        # Metadata beside the domain attributes: the mapper stores vars(event).
                        object.__setattr__(new_event, "traceparent", traceparent)
                result.extend(events)
            result.append(obj)
        return result
