"""A synthetic kommun workload as it appears on the bus, for benchmarks and tests.

Each person is enrolled, then starts and ends interventions in turn. Persons are
interleaved so every partition gets its share; each person's events keep their order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.nats.publisher import OutgoingMessage
from adapters.outbox.translator import integration_event_id
from adapters.pseudonym import new_person_ref
from contracts import kommun
from contracts.base import IntegrationEvent
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for

SOURCE = "urn:samlad:kommun"


def kommun_event(person_ref: str, index: int, at: datetime) -> IntegrationEvent:
    common: dict[str, Any] = {"person_ref": person_ref, "effective_at": at, "recorded_at": at}
    if index == 0:
        return kommun.PersonEnrolled(
            **common, kommun="Lund", gender="kvinna", birth_year=1985, target_groups=[]
        )
    intervention_id = f"i{(index + 1) // 2}"
    if index % 2:
        return kommun.InterventionStarted(
            **common, intervention_id=intervention_id, intervention_type="arbetstraning"
        )
    return kommun.InterventionEnded(
        **common, intervention_id=intervention_id, further_support_needed=True
    )


def kommun_messages(
    persons: int, per_person: int, *, store: str = "bench-kommun", start: datetime | None = None
) -> tuple[list[OutgoingMessage], dict[str, int]]:
    """``persons * per_person`` messages and how many each person_ref got."""
    start = start or datetime.now(UTC) - timedelta(days=1)
    refs = [new_person_ref() for _ in range(persons)]
    messages: list[OutgoingMessage] = []
    position = 0
    for index in range(per_person):
        at = start + timedelta(seconds=index)
        for person_ref in refs:
            position += 1
            event = kommun_event(person_ref, index, at)
            spec = REGISTRY.spec("kommun", type(event))
            event_id = integration_event_id(store, position)
            payload = encode_structured(
                event, spec=spec, id=event_id, source=SOURCE, time=at, position=position,
                previous_position=position - 1 or None,
            )
            headers = {"Nats-Msg-Id": event_id, "content-type": "application/cloudevents+json"}
            messages.append(OutgoingMessage(subject_for(spec, person_ref), payload, headers))
    return messages, dict.fromkeys(refs, per_person)
