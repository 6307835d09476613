"""``CommandRunner`` — the service layer between HTTP handlers and an agency store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from adapters.outbox.translator import published_event_id
from adapters.pseudonym import InvalidPersonnummer, Pseudonymiser
from domain.agency.errors import AgencyRuleViolation
from services.agency.application import LAST_SAVED, AgencyApplication
from services.agency.schemas import Accepted, Command
from services.runtime.clock import Clock

Action = Callable[[Any, datetime, datetime], object]


def effective_time(command: Command, recorded_at: datetime) -> datetime:
    """The command's business time, in UTC as every fact carries it; now when not given."""
    return (command.effective_at or recorded_at).astimezone(UTC)


class CommandRunner:
    """Decides the clock-dependent values, runs one command, answers ``Accepted``."""

    def __init__(
        self, application: AgencyApplication, clock: Clock, pseudonymiser: Pseudonymiser
    ) -> None:
        self.application = application
        self.clock = clock
        self.pseudonymiser = pseudonymiser

    def run(
        self, person_ref: str, command: Command, action: Action, **ids: str
    ) -> Accepted:
        recorded_at = self.clock()
        effective_at = effective_time(command, recorded_at)
        aggregate = self.application.execute(
            person_ref, lambda aggregate: action(aggregate, effective_at, recorded_at)
        )
        return self.accepted(person_ref, aggregate.version, **ids)

    def accepted(self, person_ref: str, version: int, **ids: str) -> Accepted:
        """The answer to a command just saved in this thread, with its position."""
        agency = str(self.application.agency)
        position = None
        for recording in reversed(LAST_SAVED.get()):
            position = published_event_id(agency, agency, recording.domain_event,
                                          recording.notification.id)
            if position is not None:
                break
        return Accepted(person_ref=person_ref, version=version, ids=ids, position=position)

    def identify(self, personnummer: str) -> str:
        """The person_ref for a personnummer; opens the agency's record if new."""
        try:
            person_ref = self.pseudonymiser.person_ref(personnummer)
        except InvalidPersonnummer as error:
            raise AgencyRuleViolation(str(error), field="personnummer") from None
        if not self.application.is_known(person_ref):
            now = self.clock()
            involvement_class = self.application.involvement_class
            self.application.execute(
                person_ref,
                lambda _: None,
                create=lambda: involvement_class(
                    person_ref=person_ref, effective_at=now, recorded_at=now
                ),
            )
        return person_ref
