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
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording, Tracking
from eventsourcing.utils import EnvType

from adapters.outbox.translator import integration_event_id
from adapters.pseudonym import InvalidPersonnummer, Pseudonymiser
from adapters.store.application import StoredApplication
from adapters.store.keyed_lock import KeyedLock
from adapters.telemetry.tracing import current_traceparent
from contracts import catalogue, common
from contracts.base import ContractEvent
from domain.agencies import Agency, RecordedBy
from domain.agency.errors import AgencyRuleViolation, NotFound
from domain.agency.involvement import Involvement
from domain.agency.offering import Offering
from services.agency.schemas import (
    Accepted,
    ChangePlaces,
    Command,
    ExitParticipant,
    GiveConsent,
    OfferingAccepted,
    PublishOffering,
    RecordDisplayName,
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

Changed = TypeVar("Changed", bound=Aggregate)
"""The aggregate a command changes: a person's ``Involvement`` or an ``Offering``."""

COMMON_PUBLISHED: Mapping[str, type[ContractEvent]] = {
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
    "OfferingPublished": catalogue.OfferingPublished,
    "OfferingPlacesChanged": catalogue.OfferingPlacesChanged,
}
"""Domain event (``@event`` name) → the contract the outbox publishes it as."""

UNPUBLISHED = frozenset({"Opened", "HandOffReceived", "HandOffAnswered", "DisplayNameRecorded"})
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


OpenField = Callable[[str, str], str]
"""Opens one sealed personal value of a person (``FieldSealer.open``)."""


def _as_stored(person_ref: str, value: str) -> str:
    """Without a key store values are shown as they are stored."""
    del person_ref
    return value


def _no_seal(person_ref: str, events: Sequence[Any]) -> None:
    """Without a key store nothing is sealed (tests and tools that write no free text)."""


class AgencyApplication(StoredApplication):
    """Base of the kommun, AF, FK and region applications: the commands all four share."""

    agency: ClassVar[Agency]
    involvement_class: ClassVar[type[Involvement]]
    published: ClassVar[Mapping[str, type[ContractEvent]]]
    """The agency's own domain events → contracts (besides ``COMMON_PUBLISHED``)."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        clock: Clock = utc_now,
        pseudonymiser: Pseudonymiser | None = None,
        seal: Seal = _no_seal,
        open_field: OpenField = _as_stored,
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.pseudonymiser = pseudonymiser
        self.seal = seal
        self.open_field = open_field
        # Called after each save, from the saving thread (wakes the outbox relay).
        self.on_saved = on_saved
        # Commands on one person take turns: the second sees the first's result.
        self._turns: KeyedLock[str] = KeyedLock()

    @classmethod
    def aggregate_classes(cls) -> tuple[type[Aggregate], ...]:
        """What the agency's store holds: its records of persons and its offerings."""
        return (cls.involvement_class, Offering)

    @classmethod
    def outbox_contracts(cls) -> Mapping[str, type[ContractEvent]]:
        """Every domain event this agency publishes, by ``@event`` name, with its contract."""
        return {**COMMON_PUBLISHED, **cls.published}

    # Queries

    def get_involvement(self, person_ref: str) -> Involvement:
        return self._get(Involvement, Involvement.create_id(person_ref), NotFound(
            f"person {person_ref} is not known at {self.agency}", field="person_ref"))

    def _get(self, kind: type[Changed], aggregate_id: UUID, missing: NotFound) -> Changed:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise missing from None
        if not isinstance(aggregate, kind):  # pragma: no cover - ids are namespaced by kind
            raise TypeError(f"{aggregate!r} is not an {kind.__name__}")
        return aggregate

    def get_display_names(self, person_refs: Sequence[str]) -> dict[str, str]:
        """The display name this agency's own record holds of each person it knows."""
        names = {}
        for person_ref in dict.fromkeys(person_refs):
            try:
                stored = self.get_involvement(person_ref).display_name
            except NotFound:
                continue
            if stored:
                names[person_ref] = self.open_field(person_ref, stored)
        return names

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

    def give_consent(
        self, person_ref: str, command: GiveConsent, recorded_by: str = RecordedBy.AGENCY
    ) -> Accepted:
        """``recorded_by`` "person": the person gave it on their own page (ADR 0019)."""
        return self.run(person_ref, command, Involvement.give_consent, new_id="consent_id",
                        recorded_by=recorded_by)

    def withdraw_consent(
        self, person_ref: str, consent_id: str, command: Command,
        recorded_by: str = RecordedBy.AGENCY,
    ) -> Accepted:
        return self.run(person_ref, command, Involvement.withdraw_consent, consent_id=consent_id,
                        recorded_by=recorded_by)

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

    def record_display_name(self, person_ref: str, command: RecordDisplayName) -> Accepted:
        return self.run(person_ref, command, Involvement.record_display_name)

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

    # The catalogue (insatskatalog): the agency's own offerings, not about a person

    def get_offering(self, offering_id: str) -> Offering:
        return self._get(Offering, Offering.create_id(offering_id), NotFound(
            f"offering {offering_id} is not in {self.agency}'s catalogue", field="offering_id"))

    def publish_offering(self, command: PublishOffering) -> OfferingAccepted:
        """Publish an offering in the agency's catalogue, or update it."""
        return self.run_offering(command.offering_id, command, Offering.publish_offering,
                                 create=True)

    def change_places(self, offering_id: str, command: ChangePlaces) -> OfferingAccepted:
        return self.run_offering(offering_id, command, Offering.change_places)

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

    def run_offering(
        self, offering_id: str, command: Command, method: Callable[..., object], *,
        create: bool = False,
    ) -> OfferingAccepted:
        """As ``run``, on one of the agency's offerings instead of a person."""
        recorded_at = self.clock()
        effective_at = effective_time(command, recorded_at)
        arguments = command_arguments(command)
        arguments.pop("offering_id", None)  # the aggregate's own id
        offering = self.change(
            offering_id, self.get_offering,
            lambda aggregate: method(
                aggregate, **arguments, effective_at=effective_at, recorded_at=recorded_at
            ),
            create=(lambda: Offering(offering_id=offering_id, effective_at=effective_at,
                                     recorded_at=recorded_at)) if create else None,
        )
        return OfferingAccepted(offering_id=offering_id, version=offering.version,
                                position=self.last_position())

    def accepted(self, person_ref: str, version: int, **ids: str) -> Accepted:
        """The answer to a command just saved in this thread, with its position."""
        return Accepted(person_ref=person_ref, version=version, ids=ids,
                        position=self.last_position())

    def last_position(self) -> str | None:
        """The id of the last event this thread's command published, which a reader may
        wait for (``?after=``)."""
        published = self.outbox_contracts()
        return next(
            (integration_event_id(str(self.agency), recording.notification.id)
             for recording in reversed(LAST_SAVED.get())
             if type(recording.domain_event).__name__ in published),
            None,
        )

    def execute(
        self,
        person_ref: str,
        command: Callable[[Any], object],
        *,
        create: Callable[[], Involvement] | None = None,
    ) -> Involvement:
        """Run ``command`` on the person's involvement and save; retry lost races."""
        return self.change(person_ref, self.get_involvement, command, create=create)

    def change(
        self,
        key: str,
        load: Callable[[str], Changed],
        command: Callable[[Any], object],
        *,
        create: Callable[[], Changed] | None = None,
    ) -> Changed:
        """Run ``command`` on ``load(key)`` and save, in turn with other commands on the
        same key (a person_ref or an offering id, which never look alike); retry races."""
        with self._turns.hold([key]):
            for attempt in range(1, SAVE_ATTEMPTS + 1):
                try:
                    aggregate = load(key)
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
