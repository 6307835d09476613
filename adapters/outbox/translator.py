"""The outbox mapping: stored domain event → CloudEvents message on its subject.

Each store declares which of its domain events it publishes, as which contract: a table
from the domain event's name to the contract struct (``AgencyApplication.outbox_contracts``).
Domain events carry their contract's fields under the same names, so one generic copy
serves every store; tests/unit/agency/test_command_declarations.py checks every table
against the aggregates and the registry. Events outside the table (``Opened``,
``HandOffReceived``) stay inside their store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Any
from uuid import UUID, uuid5

import msgspec
from eventsourcing.persistence import Mapper, ProcessRecorder

from adapters.nats.publisher import OutgoingMessage
from contracts.base import ContractEvent, is_person_bound
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY, EventSpec
from contracts.subjects import subject_of

EVENT_ID_NS = UUID("0b6f1f8e-3a52-4c1e-8f0e-6f2b9d7c5a10")


def integration_event_id(store: str, position: int) -> str:
    """Deterministic: a re-publish after a crash is the same message (invariant 2)."""
    return str(uuid5(EVENT_ID_NS, f"{store}:{position}"))


DataBuilder = Callable[[EventSpec, Any, str | None], ContractEvent]


class ContractTranslator:
    """Translates one store's events; resolves each aggregate's person_ref once.

    Catalogue events are about an offering, not a person: they carry their subject
    (``offering_id``) themselves, and no person_ref is looked up for them.

    ``contracts`` maps the name of each published domain event to its contract struct;
    ``build`` makes the contract event from the domain event; by default it copies
    the contract's fields by name.
    """

    def __init__(
        self, *, agency: str, store: str, recorder: ProcessRecorder, mapper: Mapper[Any],
        contracts: Mapping[str, type[ContractEvent]], build: DataBuilder | None = None,
    ) -> None:
        self._build = build or contract_data
        self._agency = agency
        self._store = store
        self._source = f"urn:samlad:{agency}"
        self._recorder = recorder
        self._mapper = mapper
        self._specs = {
            name: REGISTRY.spec(agency, contract) for name, contract in contracts.items()
        }
        self._person_ref = lru_cache(maxsize=100_000)(self._load_person_ref)

    def __call__(
        self, event: Any, position: int, previous_position: int | None
    ) -> OutgoingMessage | None:
        spec = self._specs.get(type(event).__name__)
        if spec is None:
            return None
        person_ref = (
            self._person_ref(event.originator_id) if is_person_bound(spec.struct) else None
        )
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
        # Every published aggregate is created with its person_ref (``Opened``).
        return str(getattr(created, "person_ref"))  # noqa: B009


@cache
def _field_names(struct: type[ContractEvent]) -> tuple[str, ...]:
    # msgspec resolves the annotations on every call: most of the relay's time uncached.
    return tuple(field.name for field in msgspec.structs.fields(struct))


def contract_data(spec: EventSpec, event: Any, person_ref: str | None) -> ContractEvent:
    """The contract event whose fields the domain event carries under the same names."""
    values = {"person_ref": person_ref} if person_ref is not None else {}
    for name in _field_names(spec.struct):
        if name != "person_ref" and hasattr(event, name):
            values[name] = getattr(event, name)
    return msgspec.convert(values, spec.struct, from_attributes=False, strict=False)
