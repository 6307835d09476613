"""The one registry: CloudEvents type ↔ struct ↔ NATS subject, and the upcasters.

Types read ``se.samlad.<agency>.<event-name>.v<N>``; ``event-name`` is the kebab case of
the struct's class name without a ``V<N>`` suffix (``SicknessBenefitEndedV1`` →
``sickness-benefit-ended``). Events in ``contracts.common`` are registered once per agency.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from contracts import af, catalogue, common, coordination, fk, kommun, region
from contracts.base import AGENCIES, COORDINATION, ContractEvent
from contracts.errors import ContractError, UnknownEventType

TYPE_PREFIX = "se.samlad"
SCHEMA_BASE_URI = "https://samlad.se/contracts/schemas/"
_TYPE_RE = re.compile(r"^se\.samlad\.([a-z]+)\.([a-z0-9]+(?:-[a-z0-9]+)*)\.v([1-9][0-9]*)$")

EventStruct = type[ContractEvent]
"""A struct class of an integration event (the field ``EventSpec.type`` shadows ``type``)."""

Upcaster = Callable[[Any], ContractEvent]
"""Turns an event of version N into the event of version N + 1."""


def event_name(struct: EventStruct) -> str:
    """Kebab case of the class name without a ``V<N>`` suffix.

    ``SipInitiated`` → ``sip-initiated``, ``SicknessBenefitEndedV1`` → ``sickness-benefit-ended``.
    """
    name = re.sub(r"V[0-9]+$", "", struct.__name__)
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class EventSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One registered event type: who publishes it, under which name and version."""

    type: str
    agency: str
    name: str
    version: int
    struct: EventStruct

    @property
    def dataschema(self) -> str:
        """URI of the JSON Schema of the whole message (envelope with data)."""
        return f"{SCHEMA_BASE_URI}{self.type}.json"

    @property
    def subject_filter(self) -> str:
        """NATS subject filter for all persons (or offerings): ``samlad.<agency>.<name>.v<N>.*``."""
        return f"samlad.{self.agency}.{self.name}.v{self.version}.*"


def make_type(agency: str, name: str, version: int) -> str:
    return f"{TYPE_PREFIX}.{agency}.{name}.v{version}"


class Registry:
    """All event types with their structs, and the upcasters between versions."""

    def __init__(self) -> None:
        self._by_type: dict[str, EventSpec] = {}
        self._by_struct: dict[tuple[str, EventStruct], EventSpec] = {}
        self._latest: dict[tuple[str, str], EventSpec] = {}
        self._upcasters: dict[str, Upcaster] = {}

    def register(
        self, agency: str, struct: EventStruct, *, version: int = 1
    ) -> EventSpec:
        name = event_name(struct)
        spec = EventSpec(
            type=make_type(agency, name, version),
            agency=agency,
            name=name,
            version=version,
            struct=struct,
        )
        if spec.type in self._by_type:
            raise ContractError(f"event type {spec.type} is registered twice")
        self._by_type[spec.type] = spec
        self._by_struct[(agency, struct)] = spec
        latest = self._latest.get((agency, name))
        if latest is None or latest.version < version:
            self._latest[(agency, name)] = spec
        return spec

    def register_upcaster(
        self, agency: str, struct: EventStruct, version: int, upcaster: Upcaster
    ) -> None:
        """Register ``upcaster`` from ``version`` of ``struct``'s event to ``version + 1``."""
        self._upcasters[make_type(agency, event_name(struct), version)] = upcaster

    def spec(self, agency: str, struct: EventStruct) -> EventSpec:
        """The spec of ``struct`` as published by ``agency``."""
        try:
            return self._by_struct[(agency, struct)]
        except KeyError:
            raise UnknownEventType(
                f"{struct.__name__} is not registered for agency {agency!r}"
            ) from None

    def spec_for_type(self, ce_type: str) -> EventSpec:
        """The spec of a CloudEvents ``type``; ``UnknownEventType`` when not registered."""
        try:
            return self._by_type[ce_type]
        except KeyError:
            if not _TYPE_RE.match(ce_type):
                raise UnknownEventType(
                    f"type {ce_type!r} does not follow se.samlad.<agency>.<event-name>.v<N>"
                ) from None
            raise UnknownEventType(f"type {ce_type!r} is not a registered event type") from None

    def specs(self) -> list[EventSpec]:
        """Every registered version of every event type, sorted by type."""
        return sorted(self._by_type.values(), key=lambda s: s.type)

    def latest(self, spec: EventSpec) -> EventSpec:
        """The newest version of the event ``spec`` is a version of."""
        return self._latest[(spec.agency, spec.name)]

    def is_latest(self, spec: EventSpec) -> bool:
        return self.latest(spec) is spec

    def upcast(
        self, spec: EventSpec, event: ContractEvent
    ) -> tuple[EventSpec, ContractEvent]:
        """Upcast ``event`` of version ``spec`` step by step to the latest version."""
        while not self.is_latest(spec):
            upcaster = self._upcasters.get(spec.type)
            if upcaster is None:
                raise ContractError(f"no upcaster from {spec.type} to version {spec.version + 1}")
            event = upcaster(event)
            spec = self._by_type[make_type(spec.agency, spec.name, spec.version + 1)]
        return spec, event

    def agencies(self) -> list[str]:
        return sorted({spec.agency for spec in self._by_type.values()})


def _register_all(
    registry: Registry, agency: str, structs: Iterable[EventStruct]
) -> None:
    for struct in structs:
        registry.register(agency, struct)


def build_registry() -> Registry:
    """The registry of every Samlad event type (pure; builds nothing outside itself)."""
    registry = Registry()
    for agency in AGENCIES:
        _register_all(registry, agency, common.COMMON_EVENTS)
        _register_all(registry, agency, catalogue.CATALOGUE_EVENTS)
    _register_all(registry, "kommun", kommun.KOMMUN_EVENTS)
    _register_all(registry, "af", af.AF_EVENTS)
    _register_all(registry, "region", region.REGION_EVENTS)
    _register_all(registry, COORDINATION, coordination.COORDINATION_EVENTS)
    fk_latest = [s for s in fk.FK_EVENTS if s is not fk.SicknessBenefitEnded]
    _register_all(registry, "fk", fk_latest)
    registry.register("fk", fk.SicknessBenefitEndedV1, version=1)
    registry.register("fk", fk.SicknessBenefitEnded, version=2)
    registry.register_upcaster(
        "fk", fk.SicknessBenefitEndedV1, 1, fk.upcast_sickness_benefit_ended_v1
    )
    return registry


REGISTRY = build_registry()
