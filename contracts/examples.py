"""One valid example per event type, built from the structs so none can be missing.

Values come from a table of realistic field values; a field not in the table gets a
value from its type. The examples are published (contracts/published/examples) and
shown in docs/integrating.md.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from contracts.base import AGENCIES, ContractEvent
from contracts.envelope import encode_structured
from contracts.registry import EventSpec

EXAMPLE_PERSON_REF = "pk4x2m7qz3hvn5wjr6tbd2lcy7e"
EXAMPLE_NS = uuid.UUID("6f1c1f2e-4b7a-5d8e-9c3b-2a1d0e9f8c7b")
_EFFECTIVE_AT = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
_RECORDED_AT = datetime(2025, 3, 3, 9, 15, tzinfo=UTC)

_VALUES: dict[str, Any] = {
    "person_ref": EXAMPLE_PERSON_REF,
    "effective_at": _EFFECTIVE_AT,
    "recorded_at": _RECORDED_AT,
    "recorded_by": "agency",
    "consent_scope": "samordning",
    "outcome": "arbete",
    "kommun": "Uppsala",
    "gender": "kvinna",
    "birth_year": 1994,
    "target_groups": ["langtidsarbetslos", "ung"],
    "further_support_needed": True,
    "summary": "Behöver stöd med struktur och arbetsträning innan praktik.",
    "intervention_type": "arbetstraning",
    "period_from": date(2025, 3, 3),
    "period_to": date(2025, 6, 29),
    "lead_agency": "kommun",
    "programme": "Rusta och matcha",
    "provider": "Leverantören AB",
    "subsidy_kind": "lonestod",
    "employer": "Exempelföretaget AB",
    "subsidised": True,
    "rehab_chain_day": 180,
    "end_reason": "arbetsformaga_bedomd",
    "participants": ["fk", "af", "region"],
    "extent_percent": 50,
    "rehabilitation_kind": "fysioterapi",
    "rule": "benefit_gap",
    "agencies": ["fk", "af"],
    "since": datetime(2025, 3, 3, 0, 0, tzinfo=UTC),
    "due_at": datetime(2025, 3, 10, 0, 0, tzinfo=UTC),
    "resolved_at": datetime(2025, 3, 5, 10, 30, tzinfo=UTC),
    "message": "Sjukpenningen upphörde dag 180 och personen är inte inskriven hos AF.",
    "name": "Arbetsträning i kommunens verksamheter",
    "description": "Arbetsträning 50–100 % med handledare, för den som står långt från arbete.",
    "places_total": 12,
    "places_free": 3,
    "valid_from": date(2025, 1, 1),
    "valid_to": date(2025, 12, 31),
    "offering_id": "o-arbetstraning-uppsala",
}
EXAMPLE_OFFERING_ID: str = _VALUES["offering_id"]
_REASONS: dict[str, str] = {
    "HandOffRequested": "Behöver stöd att söka arbete efter avslutad arbetsträning.",
    "HandOffRejected": "Personen är redan inskriven hos oss genom en annan anvisning.",
    "JobSeekerDeregistered": "Har fått arbete.",
}


def _other_agency(agency: str) -> str:
    return "af" if agency != "af" else "kommun"


def _value(spec: EventSpec, field: msgspec.inspect.Field) -> Any:
    name = field.name
    if name == "reason":
        return _REASONS.get(spec.struct.__name__, "Annat skäl.")
    if name in {"to_agency", "from_agency"}:
        return _other_agency(spec.agency)
    if name == "to_agencies":
        return [a for a in AGENCIES if a != spec.agency][:2]
    if name in _VALUES:
        return _VALUES[name]
    if name.endswith("_id"):
        return str(uuid.uuid5(EXAMPLE_NS, f"{spec.type}:{name}"))
    return _from_type(field.type)


_SCALARS: dict[type[msgspec.inspect.Type], Any] = {
    msgspec.inspect.BoolType: True,
    msgspec.inspect.DateType: date(2025, 3, 3),
    msgspec.inspect.DateTimeType: _EFFECTIVE_AT,
}


def _from_type(info: msgspec.inspect.Type) -> Any:
    if isinstance(info, msgspec.inspect.LiteralType):
        return info.values[0]
    if isinstance(info, msgspec.inspect.ListType):
        return [_from_type(info.item_type)]
    if isinstance(info, msgspec.inspect.UnionType):
        return _from_type(info.types[0])
    if isinstance(info, msgspec.inspect.IntType):
        return info.ge if info.ge is not None else 1
    return _SCALARS.get(type(info), "exempel")


def example_event(spec: EventSpec) -> ContractEvent:
    """A valid, realistic event of ``spec``'s struct."""
    info = msgspec.inspect.type_info(spec.struct)
    if not isinstance(info, msgspec.inspect.StructType):
        raise TypeError(f"{spec.struct!r} is not a msgspec Struct")
    values = {field.name: _value(spec, field) for field in info.fields}
    event: ContractEvent = msgspec.convert(values, spec.struct, strict=False)
    return event


def example_message(spec: EventSpec) -> dict[str, Any]:
    """A complete structured-mode message of ``spec`` as a JSON object."""
    body = encode_structured(
        example_event(spec),
        spec=spec,
        id=str(uuid.uuid5(EXAMPLE_NS, f"message:{spec.type}")),
        source=f"urn:samlad:{spec.agency}",
        time=_RECORDED_AT,
        position=42,
        previous_position=41,
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    message: dict[str, Any] = msgspec.json.decode(body)
    return message
