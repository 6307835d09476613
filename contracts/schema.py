"""Generated artefacts: a JSON Schema per event type and one AsyncAPI 3.0 document.

``export(dir)`` writes ``schemas/<type>.json`` (draft 2020-12, the whole structured-mode
message: envelope with data), ``asyncapi.json`` and ``examples/<type>.json``. The copies
committed in ``contracts/published/`` are what the compatibility test compares against.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from contracts.base import (
    AGENCIES,
    COORDINATION,
    OFFERING_ID_PATTERN,
    PERSON_REF_PATTERN,
    is_person_bound,
)
from contracts.envelope import (
    STRUCTURED_CONTENT_TYPE,
    TRACEPARENT_PATTERN,
    CloudEventAttributes,
)
from contracts.errors import NOT_APPLIED, NOT_PUBLISHED, NOT_TRANSLATED, REASON_WORDS
from contracts.examples import EXAMPLE_OFFERING_ID, EXAMPLE_PERSON_REF, example_message
from contracts.registry import REGISTRY, EventSpec, Registry
from contracts.subjects import (
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    PARKED_BY_COORDINATION,
    PARKED_BY_OUTBOX,
    alerts_consumer,
    coordination_consumer,
    deadletter_subject,
    deadletters_consumer,
    handoffs_consumer,
    recipient_tokens,
    republish_subject,
)

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
    if not is_person_bound(spec.struct):
        properties["subject"] = {"type": "string", "pattern": OFFERING_ID_PATTERN}
    properties["traceparent"] = {"type": "string", "pattern": TRACEPARENT_PATTERN}
    properties["data"] = {"$ref": data_ref}
    # Absent rather than null: encoders omit unset extension attributes.
    for attribute in ("samladposition", "samladprevposition"):
        properties[attribute] = {"type": "integer", "minimum": 0}
    for attribute, description in _ATTRIBUTE_DOCS.items():
        properties[attribute] = {"description": description, **properties[attribute]}
    if not is_person_bound(spec.struct):
        properties["subject"]["description"] = (
            "The offering's id (offering_id); equals data.offering_id. Not a person."
        )
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


DEFAULT_NATS_URL = "nats://localhost:4222"


def _channel_key(spec: EventSpec) -> str:
    return f"{spec.agency}.{spec.name}.v{spec.version}"


def _consumer(stream: str, durable: str) -> dict[str, str]:
    """Which durable consumer (created by the operator) a receiving party binds."""
    return {"stream": stream, "durable": durable}


def _operation(
    action: str, channel: str, message: str, party: str, consumer: dict[str, str] | None = None,
    *, live: bool = True,
) -> dict[str, Any]:
    verb = "publishes" if action == "send" else "consumes"
    operation: dict[str, Any] = {
        "action": action,
        "title": f"{party} {verb} {message}",
        "channel": {"$ref": f"#/channels/{channel}"},
        "messages": [{"$ref": f"#/channels/{channel}/messages/{message}"}],
        "tags": [{"name": party}],
    }
    if consumer is not None:
        operation["x-samlad-consumer"] = consumer
        # Whether the party may also subscribe to the channel on core NATS (live).
        operation["x-samlad-live-subscription"] = live
    return operation


def _person_ref_parameter() -> dict[str, Any]:
    return {"$ref": "#/components/parameters/person_ref"}


def _event_channels(spec: EventSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """An agency's event: the channel it publishes on and who consumes it, through what."""
    key = _channel_key(spec)
    ref = "person_ref" if is_person_bound(spec.struct) else "offering_id"
    address = f"samlad.{spec.agency}.{spec.name}.v{spec.version}.{{{ref}}}"
    channels = {key: {
        "address": address,
        "title": spec.type,
        "description": (
            f"Publish on this address (five tokens), as `{spec.agency}` only. The stream "
            "stores and delivers the message as `<address>.<partition>`: the partition of "
            f"the {ref} (0 to the deployment's partitions - 1), appended by the stream."
        ),
        "x-samlad-stored-address": f"{address}.{{partition}}",
        "messages": {spec.type: {"$ref": f"#/components/messages/{spec.type}"}},
        "parameters": {ref: {"$ref": f"#/components/parameters/{ref}"}},
    }}
    name = f"{spec.name}.v{spec.version}"
    operations = {
        f"{spec.agency}.send.{name}": _operation("send", key, spec.type, spec.agency),
        f"{COORDINATION}.receive.{spec.agency}.{name}": _operation(
            "receive", key, spec.type, COORDINATION,
            _consumer(EVENTS_STREAM, coordination_consumer("{partition}")), live=False,
        ),
    }
    # Every agency follows the hand-off requests (to take those to it) and the answers
    # (to learn what became of its own requests) through its hand-offs consumer.
    if spec.name in ("hand-off-requested", "hand-off-accepted", "hand-off-rejected"):
        for agency in (a for a in AGENCIES if a != spec.agency):
            operations[f"{agency}.receive.{spec.agency}.{name}"] = _operation(
                "receive", key, spec.type, agency,
                _consumer(EVENTS_STREAM, handoffs_consumer(agency)), live=False,
            )
    return channels, operations


def _alert_channel(spec: EventSpec, tokens: tuple[str, ...], about: str) -> dict[str, Any]:
    return {
        "address": f"samlad.coordination.{spec.name}.v{spec.version}.{{person_ref}}.{{recipients}}",
        "title": spec.type,
        "description": about,
        "messages": {spec.type: {"$ref": f"#/components/messages/{spec.type}"}},
        "parameters": {
            "person_ref": _person_ref_parameter(),
            "recipients": {
                "description": (
                    "The agencies the alert names (data.agencies), in the order kommun, "
                    "af, fk, region, joined by '-'. Stored as published (no partition)."
                ),
                "enum": list(tokens),
            },
        },
    }


def _alert_channels(spec: EventSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """One channel coordination sends on, and one per agency: the alerts naming it."""
    name = f"{spec.name}.v{spec.version}"
    every = tuple(sorted({t for agency in AGENCIES for t in recipient_tokens(agency)}))
    key = _channel_key(spec)
    channels = {key: _alert_channel(spec, every, "Coordination publishes each alert once.")}
    operations = {f"{COORDINATION}.send.{name}": _operation("send", key, spec.type, COORDINATION)}
    for agency in AGENCIES:
        own = f"alerts.{agency}.{name}"
        channels[own] = _alert_channel(
            spec, recipient_tokens(agency),
            f"The alerts naming {agency}: all it may subscribe to or consume.",
        )
        operations[f"{agency}.receive.{name}"] = _operation(
            "receive", own, spec.type, agency, _consumer(EVENTS_STREAM, alerts_consumer(agency))
        )
    return channels, operations


def _deadletter_channels() -> tuple[dict[str, Any], dict[str, Any]]:
    """Per agency: its outbox's parked events and coordination's verdicts on its messages."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for publisher in (*AGENCIES, COORDINATION):
        parked = f"deadletters.{publisher}.{PARKED_BY_OUTBOX}"
        channels[parked] = {
            "address": deadletter_subject(publisher, PARKED_BY_OUTBOX),
            "title": f"{publisher}'s outbox: stored events it could not publish by contract",
            "messages": {"Parked": {"$ref": "#/components/messages/Parked"}},
        }
        operations[f"{publisher}.send.deadletter.{PARKED_BY_OUTBOX}"] = _operation(
            "send", parked, "Parked", publisher)
        if publisher == COORDINATION:
            continue
        verdict = f"deadletters.{publisher}.{PARKED_BY_COORDINATION}"
        channels[verdict] = {
            "address": deadletter_subject(publisher, PARKED_BY_COORDINATION),
            "title": f"Coordination's verdicts on {publisher}'s messages",
            "messages": {"Refused": {"$ref": "#/components/messages/Refused"}},
        }
        operations[f"{COORDINATION}.send.deadletter.{publisher}"] = _operation(
            "send", verdict, "Refused", COORDINATION)
        reader = _consumer(DEADLETTER_STREAM, deadletters_consumer(publisher))
        operations[f"{publisher}.receive.deadletter.{PARKED_BY_OUTBOX}"] = _operation(
            "receive", parked, "Parked", publisher, reader)
        operations[f"{publisher}.receive.deadletter.{PARKED_BY_COORDINATION}"] = _operation(
            "receive", verdict, "Refused", publisher, reader)
    return channels, operations


def _control_channels() -> tuple[dict[str, Any], dict[str, Any]]:
    """Gap refill on core NATS: coordination asks an agency to publish a stretch again."""
    channels: dict[str, Any] = {"control.republish": {
        "address": republish_subject("{agency}"),
        "title": "Coordination asks an agency to republish a stretch of its store",
        "parameters": {"agency": {"description": "The producer that left the gap.",
                                  "enum": list(AGENCIES)}},
        "messages": {"RepublishRequest": {"$ref": "#/components/messages/RepublishRequest"}},
    }}
    operations: dict[str, Any] = {f"{COORDINATION}.send.control.republish": _operation(
        "send", "control.republish", "RepublishRequest", COORDINATION)}
    for agency in AGENCIES:
        own = f"control.republish.{agency}"
        channels[own] = {
            "address": republish_subject(agency),
            "title": f"Republish requests for {agency} (core NATS; no stream keeps them)",
            "messages": {"RepublishRequest": {
                "$ref": "#/components/messages/RepublishRequest"}},
        }
        operations[f"{agency}.receive.control.republish"] = _operation(
            "receive", own, "RepublishRequest", agency)
    return channels, operations


def _republish_message() -> dict[str, Any]:
    position = {"type": "integer", "minimum": 1}
    return {"RepublishRequest": {
        "name": "RepublishRequest",
        "title": "Publish positions from..to (inclusive) of your store again",
        "payload": {"type": "object", "required": ["from", "to"],
                    "additionalProperties": False,
                    "properties": {"from": position, "to": position}},
    }}


def _header(description: str, **schema: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **schema}


def _deadletter_messages() -> dict[str, Any]:
    words = "|".join(REASON_WORDS)
    return {
        "Refused": {
            "name": "Refused",
            "title": "A message coordination refused (dead letter)",
            "summary": "The message as published, byte for byte, with why it was refused.",
            "payload": {"description": "The original message, unchanged."},
            "headers": {"type": "object", "required": ["Samlad-Reason"], "properties": {
                "Samlad-Reason": _header(
                    "Why: a reason word, ': ', then a text naming the field. Contract "
                    f"failures start with one of {', '.join(REASON_WORDS)}; "
                    f"'{NOT_APPLIED}: ' marks a fact the case refused and "
                    f"'{NOT_TRANSLATED}: ' a message Samlad could not read (both on "
                    "Samlad's side; its operator replays them once fixed).",
                    pattern=f"^(({words}|{NOT_APPLIED}|{NOT_TRANSLATED}): )",
                ),
                "Samlad-Original-Subject": _header(
                    "The subject as stored: as published plus the partition token."),
                "Samlad-Original-Sequence": _header("Its sequence in SAMLAD_EVENTS."),
            }},
            "x-samlad-reason-words": list(REASON_WORDS),
        },
        "Parked": {
            "name": "Parked",
            "title": "A stored event the producer's outbox could not publish (dead letter)",
            "summary": "The stored event as the store holds it, with why.",
            "payload": {"description": "The stored event's state, unchanged."},
            "headers": {"type": "object", "required": ["Samlad-Reason"], "properties": {
                "Samlad-Reason": _header(f"'{NOT_PUBLISHED}: ' and the error."),
                "Samlad-Original-Topic": _header("The stored event's topic."),
                "Samlad-Original-Position": _header("Its position in the producer's log."),
            }},
        },
    }


def servers_for(nats_url: str) -> dict[str, Any]:
    """AsyncAPI servers of a NATS url (comma-separated for a cluster)."""
    urls = [part.strip() for part in nats_url.split(",") if part.strip()]
    servers: dict[str, Any] = {}
    for number, url in enumerate(urls, start=1):
        parts = urlsplit(url if "://" in url else f"nats://{url}")
        key = "nats" if len(urls) == 1 else f"nats-{number}"
        servers[key] = {
            "host": parts.netloc.rpartition("@")[2],
            "protocol": parts.scheme,
            "description": (
                "NATS with JetStream (streams SAMLAD_EVENTS, SAMLAD_DEADLETTER); one nkey "
                "per agency, inbox prefix _INBOX_<agency>. The seed is handed out by the "
                "operator; on the embedded default it is <data-dir>/credentials/<agency>.nk "
                "(`samlad connection <agency>` prints the URL, seed, inbox prefix and "
                "pseudonym key). See docs/integrating.md."
            ),
        }
    return servers


def with_nats_url(document: dict[str, Any], nats_url: str) -> dict[str, Any]:
    """``document`` naming the running system's NATS server(s)."""
    return {**document, "servers": servers_for(nats_url)}


def asyncapi(registry: Registry = REGISTRY, *, nats_url: str = DEFAULT_NATS_URL) -> dict[str, Any]:
    """The AsyncAPI 3.0 document: channels are the NATS subjects the broker enforces."""
    specs = registry.specs()
    _, schemas = msgspec.json.schema_components(
        [spec.struct for spec in specs], ref_template="#/components/schemas/{name}"
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = _deadletter_messages() | _republish_message()
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
        shape = _alert_channels if spec.agency == COORDINATION else _event_channels
        spec_channels, spec_operations = shape(spec)
        channels.update(spec_channels)
        operations.update(spec_operations)
    deadletter_channels, deadletter_operations = _deadletter_channels()
    channels.update(deadletter_channels)
    operations.update(deadletter_operations)
    control_channels, control_operations = _control_channels()
    channels.update(control_channels)
    operations.update(control_operations)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Samlad integration events",
            "version": CONTRACTS_VERSION,
            "description": (
                "Facts the four agencies (kommun, af, fk, region) publish about a person, "
                "the offerings they publish in the shared catalogue (insatskatalog), "
                "the alerts the coordination service publishes to the agencies they name, "
                "and the dead letters each agency may read, as CloudEvents 1.0 on NATS "
                "JetStream. Every channel and consumer here is what the broker's "
                "permissions allow (checked by tests/unit/contracts). An agency asserts "
                "only its own facts: the subject's agency, the type's agency and the source "
                "must agree. See docs/integrating.md."
            ),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "servers": servers_for(nats_url),
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": {
                "person_ref": {
                    "description": f"Pseudonymous person reference, {PERSON_REF_PATTERN}.",
                    "examples": [EXAMPLE_PERSON_REF],
                },
                "offering_id": {
                    "description": (
                        f"An offering in the publisher's catalogue, {OFFERING_ID_PATTERN} "
                        "(catalogue events are not about a person; ADR 0020)."
                    ),
                    "examples": [EXAMPLE_OFFERING_ID],
                },
            },
        },
    }


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def artefacts(
    registry: Registry = REGISTRY, *, nats_url: str = DEFAULT_NATS_URL
) -> dict[str, str]:
    """Every generated file as relative path → text (deterministic)."""
    files = {"asyncapi.json": _dump(asyncapi(registry, nats_url=nats_url))}
    for spec in registry.specs():
        files[f"schemas/{spec.type}.json"] = _dump(json_schema(spec, registry))
        files[f"examples/{spec.type}.json"] = _dump(example_message(spec))
    return files


def export(dir: Path, *, nats_url: str = DEFAULT_NATS_URL) -> list[Path]:
    """Write schemas/<type>.json, examples/<type>.json and asyncapi.json under ``dir``.

    ``nats_url`` is the server the AsyncAPI document names (the deployment's).
    """
    written: list[Path] = []
    for relative, text in sorted(artefacts(nats_url=nats_url).items()):
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
