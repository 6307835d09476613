"""Generated artefacts: a JSON Schema per event type and one AsyncAPI 3.0 document.

``export(dir)`` writes ``schemas/<type>.json`` (draft 2020-12, the whole structured-mode
message: envelope with data), ``asyncapi.json`` and ``examples/<type>.json``. The copies
committed in ``contracts/published/`` are what the compatibility test compares against.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from contracts.base import AGENCIES, COORDINATION, PERSON_REF_PATTERN
from contracts.envelope import (
    STRUCTURED_CONTENT_TYPE,
    TRACEPARENT_PATTERN,
    CloudEventAttributes,
)
from contracts.examples import EXAMPLE_PERSON_REF, example_message
from contracts.registry import REGISTRY, EventSpec, Registry

CONTRACTS_VERSION = "1.0.0"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PUBLISHED_DIR = Path(__file__).parent / "published"

_ATTRIBUTE_DOCS = {
    "id": "Unique id of the message; also its Nats-Msg-Id. Re-publishing keeps the id.",
    "source": "urn:samlad:<agency> or urn:samlad:<agency>:<system>.",
    "specversion": "CloudEvents version.",
    "type": "se.samlad.<agency>.<event-name>.v<N>.",
    "subject": "The person reference (person_ref); equals data.person_ref.",
    "time": "When the message was produced (RFC 3339).",
    "datacontenttype": "Content type of data.",
    "dataschema": "URI of this JSON Schema.",
    "samladposition": "The producer's position (notification id in its store).",
    "samladprevposition": (
        "Position of the producer's previous published message; a consumer that has not "
        "seen it has missed a message."
    ),
    "traceparent": "W3C trace context (CloudEvents distributed tracing extension).",
    "data": "The event.",
}


def _envelope_properties(spec: EventSpec, data_ref: str) -> dict[str, Any]:
    """Envelope attribute schemas from msgspec, narrowed to one event type."""
    schema = msgspec.json.schema(CloudEventAttributes)
    name = next(iter(schema["$defs"]))
    properties: dict[str, Any] = schema["$defs"][name]["properties"]
    properties["type"] = {"const": spec.type}
    properties["specversion"] = {"const": "1.0"}
    properties["source"] = {
        "type": "string",
        "pattern": f"^urn:samlad:{spec.agency}(:[A-Za-z0-9._-]+)?$",
    }
    properties["datacontenttype"] = {"type": "string", "pattern": "^application/json(;.*)?$"}
    properties["dataschema"] = {"type": "string", "format": "uri"}
    properties["subject"] = {"type": "string", "pattern": PERSON_REF_PATTERN}
    properties["traceparent"] = {"type": "string", "pattern": TRACEPARENT_PATTERN}
    properties["data"] = {"$ref": data_ref}
    # Absent rather than null: encoders omit unset extension attributes.
    for attribute in ("samladposition", "samladprevposition"):
        properties[attribute] = {"type": "integer", "minimum": 0}
    for attribute, description in _ATTRIBUTE_DOCS.items():
        properties[attribute] = {"description": description, **properties[attribute]}
    return properties


def _title(spec: EventSpec) -> str:
    return f"{spec.struct.__name__} ({spec.type})"


def _summary(spec: EventSpec) -> str:
    return (spec.struct.__doc__ or spec.struct.__name__).strip().splitlines()[0]


def _envelope_schema(spec: EventSpec, data_ref: str, registry: Registry) -> dict[str, Any]:
    description = (spec.struct.__doc__ or "").strip()
    if not registry.is_latest(spec):
        description += f"\n\nSuperseded by {registry.latest(spec).type}; still accepted."
    return {
        "title": _title(spec),
        "description": description,
        "type": "object",
        "properties": _envelope_properties(spec, data_ref),
        "required": ["id", "source", "specversion", "type", "subject", "time", "data"],
    }


def json_schema(spec: EventSpec, registry: Registry = REGISTRY) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one structured-mode message of ``spec``."""
    (data_ref,), defs = msgspec.json.schema_components([spec.struct], ref_template="#/$defs/{name}")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": spec.dataschema,
        **_envelope_schema(spec, data_ref["$ref"], registry),
        "$defs": defs,
    }


def _channel_key(spec: EventSpec) -> str:
    return f"{spec.agency}.{spec.name}.v{spec.version}"


def _operation(action: str, spec: EventSpec, party: str) -> dict[str, Any]:
    channel = _channel_key(spec)
    verb = "publishes" if action == "send" else "consumes"
    return {
        "action": action,
        "title": f"{party} {verb} {spec.type}",
        "channel": {"$ref": f"#/channels/{channel}"},
        "messages": [{"$ref": f"#/channels/{channel}/messages/{spec.type}"}],
        "tags": [{"name": party}],
    }


def _operations(spec: EventSpec) -> dict[str, dict[str, Any]]:
    key = f"{spec.name}.v{spec.version}"
    if spec.agency == COORDINATION:
        operations = {f"{COORDINATION}.send.{key}": _operation("send", spec, COORDINATION)}
        for agency in AGENCIES:
            operations[f"{agency}.receive.{key}"] = _operation("receive", spec, agency)
        return operations
    return {
        f"{spec.agency}.send.{key}": _operation("send", spec, spec.agency),
        f"{COORDINATION}.receive.{spec.agency}.{key}": _operation("receive", spec, COORDINATION),
    }


def asyncapi(registry: Registry = REGISTRY) -> dict[str, Any]:
    """The AsyncAPI 3.0 document: channels are NATS subjects with a person_ref parameter."""
    specs = registry.specs()
    _, schemas = msgspec.json.schema_components(
        [spec.struct for spec in specs], ref_template="#/components/schemas/{name}"
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in specs:
        data_ref = f"#/components/schemas/{spec.struct.__name__}"
        schemas[spec.type] = _envelope_schema(spec, data_ref, registry)
        messages[spec.type] = {
            "name": spec.struct.__name__,
            "title": _title(spec),
            "summary": _summary(spec),
            "contentType": STRUCTURED_CONTENT_TYPE,
            "payload": {"$ref": f"#/components/schemas/{spec.type}"},
            "examples": [{"name": "example", "payload": example_message(spec)}],
        }
        channels[_channel_key(spec)] = {
            "address": f"samlad.{spec.agency}.{spec.name}.v{spec.version}.{{person_ref}}",
            "title": spec.type,
            "messages": {spec.type: {"$ref": f"#/components/messages/{spec.type}"}},
            "parameters": {"person_ref": {"$ref": "#/components/parameters/person_ref"}},
        }
        operations.update(_operations(spec))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Samlad integration events",
            "version": CONTRACTS_VERSION,
            "description": (
                "Facts the four agencies (kommun, af, fk, region) publish about a person, "
                "and the alerts the coordination service publishes, as CloudEvents 1.0 on "
                "NATS JetStream. See docs/integrating.md."
            ),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "servers": {
            "nats": {
                "host": "localhost:4222",
                "protocol": "nats",
                "description": "NATS with JetStream (stream SAMLAD_EVENTS); nkey per agency.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": {
                "person_ref": {
                    "description": f"Pseudonymous person reference, {PERSON_REF_PATTERN}.",
                    "examples": [EXAMPLE_PERSON_REF],
                }
            },
        },
    }


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def artefacts(registry: Registry = REGISTRY) -> dict[str, str]:
    """Every generated file as relative path → text (deterministic)."""
    files = {"asyncapi.json": _dump(asyncapi(registry))}
    for spec in registry.specs():
        files[f"schemas/{spec.type}.json"] = _dump(json_schema(spec, registry))
        files[f"examples/{spec.type}.json"] = _dump(example_message(spec))
    return files


def export(dir: Path) -> list[Path]:
    """Write schemas/<type>.json, examples/<type>.json and asyncapi.json under ``dir``."""
    written: list[Path] = []
    for relative, text in sorted(artefacts().items()):
        path = dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def examples_markdown(registry: Registry = REGISTRY) -> str:
    """The examples section of docs/integrating.md, one block per event type."""
    parts: list[str] = []
    for agency in registry.agencies():
        parts.append(f"### Published by `{agency}`\n")
        for spec in (s for s in registry.specs() if s.agency == agency):
            superseded = "" if registry.is_latest(spec) else " (superseded, still accepted)"
            parts.append(f"#### `{spec.type}`{superseded}\n\n{_summary(spec)}\n")
            parts.append(f"```json\n{_dump(example_message(spec))}```\n")
    return "\n".join(parts)


def current_schemas(registry: Registry = REGISTRY) -> dict[str, dict[str, Any]]:
    """The JSON Schema of every registered type, by type."""
    return {spec.type: json_schema(spec, registry) for spec in registry.specs()}


def published_schemas(dir: Path = PUBLISHED_DIR) -> dict[str, dict[str, Any]]:
    """The committed JSON Schemas under ``dir``/schemas, by type."""
    return {
        path.name.removesuffix(".json"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((dir / "schemas").glob("*.json"))
    }


EXAMPLES_BEGIN = "<!-- BEGIN GENERATED EXAMPLES (python -m contracts.schema) -->"
EXAMPLES_END = "<!-- END GENERATED EXAMPLES -->"


def with_examples_section(doc: str, registry: Registry = REGISTRY) -> str:
    """``doc`` with the text between the example markers regenerated."""
    head, _, rest = doc.partition(EXAMPLES_BEGIN)
    _, _, tail = rest.partition(EXAMPLES_END)
    return f"{head}{EXAMPLES_BEGIN}\n\n{examples_markdown(registry)}\n{EXAMPLES_END}{tail}"


if __name__ == "__main__":  # maintainers: regenerate contracts/published and the guide
    export(PUBLISHED_DIR)
    guide = Path(__file__).parent.parent / "docs" / "integrating.md"
    if guide.exists():
        guide.write_text(with_examples_section(guide.read_text(encoding="utf-8")), "utf-8")
