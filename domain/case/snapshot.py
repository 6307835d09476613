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
        image = msgspec.convert(self.state["case"], CaseImage)
        case = super().mutate(None)
        vars(case).clear()
        vars(case).update(
            _id=self.originator_id,
            _version=self.originator_version,
            _created_on=image.created_on,
            _modified_on=image.modified_on,
            _pending_events=[],
            person_ref=image.person_ref,
            _facts={fact.event_id: fact for fact in image.facts},
            _alerts={alert.alert_id: alert for alert in image.alerts},
            _fold=None,
            _conditions=None,
        )
        return case
