"""The outbox mapping: stored domain event → CloudEvents message on its subject.

Domain events are named like their contracts (``InterventionStarted`` is
``se.samlad.kommun.intervention-started``) and carry the contracts' fields, so one
generic mapping serves every store. Events without a contract (``Opened``,
``HandOffReceived``) stay inside their store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any
from uuid import UUID, uuid5

import msgspec
from eventsourcing.persistence import Mapper, ProcessRecorder

from adapters.nats.publisher import OutgoingMessage
from contracts.base import IntegrationEvent
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY, EventSpec, event_name
from contracts.subjects import subject_of

EVENT_ID_NS = UUID("0b6f1f8e-3a52-4c1e-8f0e-6f2b9d7c5a10")


def integration_event_id(store: str, position: int) -> str:
    """Deterministic: a re-publish after a crash is the same message (invariant 2)."""
    return str(uuid5(EVENT_ID_NS, f"{store}:{position}"))


DataBuilder = Callable[[EventSpec, Any, str], IntegrationEvent]


def published_event_id(agency: str, store: str, event: Any, position: int) -> str | None:
    """The integration event id ``event`` at ``position`` is published under, if any."""
    name = event_name(type(event))
    if any(spec.agency == agency and spec.name == name for spec in REGISTRY.specs()):
        return integration_event_id(store, position)
    return None


class ContractTranslator:
    """Translates one store's events; resolves each aggregate's person_ref once.

    ``build`` makes the contract event from the domain event; by default it copies
    the contract's fields by name.
    """

    def __init__(
        self, *, agency: str, store: str, recorder: ProcessRecorder, mapper: Mapper[Any],
        build: DataBuilder | None = None,
    ) -> None:
        self._build = build or contract_data
        self._agency = agency
        self._store = store
        self._source = f"urn:samlad:{agency}"
        self._recorder = recorder
        self._mapper = mapper
        self._specs: dict[str, EventSpec] = {}
        for spec in REGISTRY.specs():
            if spec.agency != agency:
                continue
            known = self._specs.get(spec.name)
            if known is None or known.version < spec.version:
                self._specs[spec.name] = spec
        self._person_ref = lru_cache(maxsize=100_000)(self._load_person_ref)
        # The name is derived with regular expressions: once per class, not per event.
        self._spec_of = cache(lambda cls: self._specs.get(event_name(cls)))

    def __call__(
        self, event: Any, position: int, previous_position: int | None
    ) -> OutgoingMessage | None:
        spec = self._spec_of(type(event))
        if spec is None:
            return None
        person_ref = self._person_ref(event.originator_id)
        event_id = integration_event_id(self._store, position)
        traceparent = getattr(event, "traceparent", None)
        data = self._build(spec, event, person_ref)
        payload = encode_structured(
            data,
            spec=spec,
            id=event_id,
            source=self._source,
            time=data.recorded_at,
            position=position,
            previous_position=previous_position,
            traceparent=traceparent,
        )
        headers = {"Nats-Msg-Id": event_id, "content-type": "application/cloudevents+json"}
        if traceparent:
            headers["traceparent"] = traceparent
        return OutgoingMessage(subject_of(spec, data), payload, headers)

    def _load_person_ref(self, originator_id: UUID) -> str:
        first = self._recorder.select_events(originator_id, lte=1)
        created = self._mapper.to_domain_event(first[0])
        return str(created.person_ref)


@cache
def _field_names(struct: type[IntegrationEvent]) -> tuple[str, ...]:
    # msgspec resolves the annotations on every call: most of the relay's time uncached.
    return tuple(field.name for field in msgspec.structs.fields(struct))


def contract_data(spec: EventSpec, event: Any, person_ref: str) -> IntegrationEvent:
    """The contract event whose fields the domain event carries under the same names."""
    values = {"person_ref": person_ref}
    for name in _field_names(spec.struct):
        if name != "person_ref" and hasattr(event, name):
            values[name] = getattr(event, name)
    return msgspec.convert(values, spec.struct, from_attributes=False, strict=False)
