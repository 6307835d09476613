"""A snapshot of a case (ögonblicksbild): its facts and open alerts at one version.

A long case loads from its latest snapshot and the events after it instead of from
every event. Only what the events recorded is kept (the facts and the open alerts); the
fold and the rules' conditions are derived and rebuilt when first asked for. The state
is plain data (``msgspec.to_builtins``), so any transcoder stores it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from eventsourcing.domain import Snapshot

from domain.case.alerts import Alert
from domain.case.facts import Fact

__all__ = ["CaseImage", "CaseSnapshot"]


class CaseImage(msgspec.Struct, frozen=True, kw_only=True):
    """What a snapshot keeps of a case."""

    person_ref: str
    created_on: datetime
    modified_on: datetime
    facts: tuple[Fact, ...]
    alerts: tuple[Alert, ...]


class CaseSnapshot(Snapshot):
    """eventsourcing's snapshot of a ``Case``, keeping only its recorded state."""

    @classmethod
    def take(cls, aggregate: Any) -> CaseSnapshot:
        image = CaseImage(
            person_ref=aggregate.person_ref,
            created_on=aggregate.created_on,
            modified_on=aggregate.modified_on,
            facts=tuple(aggregate.recorded_facts()),
            alerts=aggregate.open_alerts,
        )
        return cls(
            originator_id=aggregate.id,
            originator_version=aggregate.version,
            timestamp=cls.create_timestamp(),
            topic=f"{type(aggregate).__module__}:{type(aggregate).__qualname__}",
            state={"case": msgspec.to_builtins(image)},
        )

    def mutate(self, _: Any) -> Any:
        """The case as its ``Opened`` event made it, then what the snapshot kept.

        Only eventsourcing's public API: the created event's ``mutate``, and the
        ``version`` and ``modified_on`` setters.
        """
        from domain.case.aggregate import Case  # here: aggregate.py imports this module

        image = msgspec.convert(self.state["case"], CaseImage)
        opened_class: Any = vars(Case)["Opened"]  # made by @event("Opened"): untyped
        opened = opened_class(
            originator_id=self.originator_id,
            originator_version=1,
            timestamp=image.created_on,
            originator_topic=self.topic,
            person_ref=image.person_ref,
        )
        case = opened.mutate(None)
        case.restore(image.facts, image.alerts)
        case.version = self.originator_version
        case.modified_on = image.modified_on
        return case
