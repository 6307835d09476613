"""An integrator's system, no Samlad code on its side: hand-written JSON over plain nats-py.

Every message here is written the way docs/integrating.md tells a Java or .NET team to
write it (step 2 connecting; step 4 subjects, envelope, de-duplication, versions;
step 6 dead letters), published with ``nats.connect(url, nkeys_seed=..., inbox_prefix=...)``
and ``jetstream().publish``, and must show in the shared case on the coordination API.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1.http import from_http as v1_from_http

if TYPE_CHECKING:  # the fixture's class
    from tests.integration.contracts.conftest import Wire

SCHEMAS = "https://samlad.se/contracts/schemas/"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _data(event: Any) -> dict[str, Any]:
    """The SDK types data as any JSON value; these events carry an object."""
    data = event.get_data()
    assert isinstance(data, dict)
    return data


def structured(
    ce_type: str, person_ref: str, data: dict[str, Any], *, event_id: str | None = None,
    source: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """A structured-mode message (step 4), its id, by hand: a dict and json.dumps."""
    agency = ce_type.split(".")[2]
    event_id = event_id or str(uuid.uuid4())
    return event_id, {
        "id": event_id,
        "source": source or f"urn:samlad:{agency}:handwritten",
        "specversion": "1.0",
        "type": ce_type,
        "subject": person_ref,
        "time": "2025-03-03T09:15:00+01:00",
        "datacontenttype": "application/json",
        "dataschema": f"{SCHEMAS}{ce_type}.json",
        "data": {
            "person_ref": person_ref,
            "effective_at": "2025-03-03T08:00:00Z",
            "recorded_at": "2025-03-03T09:15:00Z",
            **data,
        },
    }


def subject_of(ce_type: str, person_ref: str) -> str:
    """Step 4: samlad.<agency>.<event-name>.v<N>.<person_ref>, read off the type."""
    _, _, agency, name, version = ce_type.split(".")
    return f"samlad.{agency}.{name}.{version}.{person_ref}"


async def publish(wire: Wire, agency: str, ce_type: str, person_ref: str,
                  message: dict[str, Any]) -> Any:
    client = await wire.connect(agency)
    return await client.jetstream().publish(
        subject_of(ce_type, person_ref), json.dumps(message).encode(),
        headers={"Nats-Msg-Id": message["id"], "Content-Type": "application/cloudevents+json"},
    )


async def test_structured_mode_lands_in_the_shared_case(wire: Wire, person_ref: str) -> None:
    benefit_id = str(uuid.uuid4())
    # Copied from the guide's example of this type, with our own ids.
    text = f"""
    {{
      "id": "{uuid.uuid5(uuid.NAMESPACE_URL, f"fk-system:{person_ref}:1")}",
      "source": "urn:samlad:fk",
      "specversion": "1.0",
      "type": "se.samlad.fk.sickness-benefit-granted.v1",
      "subject": "{person_ref}",
      "time": "2025-03-03T09:15:00Z",
      "datacontenttype": "application/json",
      "dataschema": "https://samlad.se/contracts/schemas/se.samlad.fk.sickness-benefit-granted.v1.json",
      "traceparent": "{TRACEPARENT}",
      "data": {{
        "person_ref": "{person_ref}",
        "effective_at": "2025-03-03T08:00:00Z",
        "recorded_at": "2025-03-03T09:15:00Z",
        "benefit_id": "{benefit_id}",
        "rehab_chain_day": 180,
        "a_field_samlad_does_not_know": "is ignored"
      }}
    }}
    """
    event_id = json.loads(text)["id"]
    fk = await wire.connect("fk")
    ack = await fk.jetstream().publish(
        f"samlad.fk.sickness-benefit-granted.v1.{person_ref}", text.encode(),
        headers={"Nats-Msg-Id": event_id},
    )
    assert ack.stream == "SAMLAD_EVENTS"

    entry = await wire.applied(person_ref, event_id)
    assert entry["agency"] == "fk"
    assert entry["kind"] == "BenefitStarted"
    assert entry["details"] == {"dag_i_rehabkedjan": "180"}
    case = await wire.case(person_ref)
    assert case is not None and case["facts"] == 1
    [benefit] = case["state"]["benefits"]
    assert benefit["benefit_id"] == benefit_id
    assert benefit["agency"] == "fk"
    assert benefit["benefit_kind"] == "sjukpenning"
    assert benefit["started_at"] == "2025-03-03T08:00:00Z"


async def test_binary_mode_lands_in_the_shared_case(wire: Wire, person_ref: str) -> None:
    event_id = str(uuid.uuid4())
    headers = {
        "Nats-Msg-Id": event_id,
        "ce-id": event_id,
        "ce-source": "urn:samlad:af:ais",
        "ce-specversion": "1.0",
        "ce-type": "se.samlad.af.job-seeker-registered.v1",
        "ce-subject": person_ref,
        "ce-time": "2025-03-03T09:15:00Z",
        "ce-dataschema": f"{SCHEMAS}se.samlad.af.job-seeker-registered.v1.json",
        "traceparent": TRACEPARENT,
        "content-type": "application/json",
    }
    body = json.dumps({
        "person_ref": person_ref,
        "effective_at": "2025-03-03T08:00:00+01:00",
        "recorded_at": "2025-03-03T09:15:00+01:00",
    }).encode()
    af = await wire.connect("af")
    await af.jetstream().publish(
        f"samlad.af.job-seeker-registered.v1.{person_ref}", body, headers=headers
    )

    entry = await wire.applied(person_ref, event_id)
    assert (entry["agency"], entry["kind"]) == ("af", "Registered")
    assert datetime.fromisoformat(entry["effective_at"]) == datetime(2025, 3, 3, 7, tzinfo=UTC)
    case = await wire.case(person_ref)
    assert case is not None
    assert [lane["agency"] for lane in case["state"]["lanes"]] == ["af"]


async def test_a_message_failing_its_schema_is_dead_lettered_and_the_consumer_carries_on(
    wire: Wire, person_ref: str
) -> None:
    ce_type = "se.samlad.fk.sickness-benefit-ended.v2"
    bad_id, bad = structured(ce_type, person_ref, {
        "benefit_id": str(uuid.uuid4()), "rehab_chain_day": "ninety",
        "end_reason": "atergang_i_arbete",
    })
    await publish(wire, "fk", ce_type, person_ref, bad)
    # Binary mode without a required attribute: the reason names the header.
    fk = await wire.connect("fk")
    await fk.jetstream().publish(
        subject_of(ce_type, person_ref),
        json.dumps(bad["data"] | {"rehab_chain_day": 90}).encode(),
        headers={"Nats-Msg-Id": str(uuid.uuid4()), "ce-id": str(uuid.uuid4()),
                 "ce-source": "urn:samlad:fk", "ce-specversion": "1.0", "ce-type": ce_type,
                 "ce-time": "2025-03-03T09:15:00Z", "content-type": "application/json"},
    )
    good_id, good = structured(ce_type, person_ref, {
        "benefit_id": str(uuid.uuid4()), "rehab_chain_day": 90, "end_reason": "annat",
    })
    await publish(wire, "fk", ce_type, person_ref, good)

    entry = await wire.applied(person_ref, good_id)  # the one after the poison applies
    assert entry["details"] == {"dag_i_rehabkedjan": "90", "orsak": "annat"}
    schema_failure, missing_header = await wire.dead_lettered("fk", person_ref, count=2)
    failure_headers = schema_failure.headers or {}
    reason = failure_headers["Samlad-Reason"]
    assert f"data does not match {ce_type}" in reason
    assert "`data.rehab_chain_day`" in reason
    # The subject as stored: the published one plus the stream's partition token.
    original = failure_headers["Samlad-Original-Subject"]
    assert original.startswith(subject_of(ce_type, person_ref) + ".")
    assert json.loads(schema_failure.data or b"") == bad  # kept as published, to fix
    assert "`ce-subject`" in (missing_header.headers or {})["Samlad-Reason"]
    case = await wire.case(person_ref)
    assert case is not None and case["facts"] == 1
    assert bad_id not in {e["event_id"] for e in await wire.timeline(person_ref)}


async def test_a_source_of_another_agency_is_dead_lettered(wire: Wire, person_ref: str) -> None:
    ce_type = "se.samlad.fk.sickness-benefit-granted.v1"
    data = {"benefit_id": str(uuid.uuid4()), "rehab_chain_day": 1}
    forged_id, forged = structured(ce_type, person_ref, data, source="urn:samlad:af")
    await publish(wire, "fk", ce_type, person_ref, forged)
    good_id, good = structured(ce_type, person_ref, data)
    await publish(wire, "fk", ce_type, person_ref, good)

    await wire.applied(person_ref, good_id)
    [letter] = await wire.dead_lettered("fk", person_ref)
    reason = (letter.headers or {})["Samlad-Reason"]
    assert reason.startswith("SourceMismatch: ")  # the reason word, for programs
    assert "source 'urn:samlad:af' does not belong to agency 'fk'" in reason
    assert json.loads(letter.data or b"")["id"] == forged_id
    assert forged_id not in {e["event_id"] for e in await wire.timeline(person_ref)}


async def test_the_same_id_published_twice_is_applied_once(wire: Wire, person_ref: str) -> None:
    ce_type = "se.samlad.af.contact-lost.v1"
    event_id, message = structured(ce_type, person_ref, {})
    first = await publish(wire, "af", ce_type, person_ref, message)
    retry = await publish(wire, "af", ce_type, person_ref, message)  # step 4: same id on retry
    assert not first.duplicate and retry.duplicate  # JetStream's duplicate window
    # Past that window (no Nats-Msg-Id reaches JetStream): stored again, Samlad drops it.
    af = await wire.connect("af")
    late = await af.jetstream().publish(
        subject_of(ce_type, person_ref), json.dumps(message).encode()
    )
    assert not late.duplicate and late.seq > first.seq
    marker_id, marker = structured("se.samlad.af.contact-resumed.v1", person_ref, {})
    await publish(wire, "af", "se.samlad.af.contact-resumed.v1", person_ref, marker)

    await wire.applied(person_ref, marker_id)  # same person, same partition: after `late`
    entries = await wire.timeline(person_ref)
    assert [e["event_id"] for e in entries].count(event_id) == 1
    case = await wire.case(person_ref)
    assert case is not None and case["facts"] == 2
    assert await wire.dead_letters("af", person_ref) == []


async def test_a_v1_sickness_benefit_ended_is_upcast_and_applied(
    wire: Wire, person_ref: str
) -> None:
    benefit_id = str(uuid.uuid4())
    granted = "se.samlad.fk.sickness-benefit-granted.v1"
    _, start = structured(granted, person_ref, {"benefit_id": benefit_id, "rehab_chain_day": 1})
    await publish(wire, "fk", granted, person_ref, start)
    ended = "se.samlad.fk.sickness-benefit-ended.v1"  # step 4, versions: no end_reason in v1
    end_id, end = structured(ended, person_ref, {"benefit_id": benefit_id, "rehab_chain_day": 90})
    end["data"]["effective_at"] = "2025-06-01T00:00:00Z"
    await publish(wire, "fk", ended, person_ref, end)

    entry = await wire.applied(person_ref, end_id)
    assert entry["kind"] == "BenefitEnded"
    assert entry["details"] == {"dag_i_rehabkedjan": "90", "orsak": "okand"}
    case = await wire.case(person_ref)
    assert case is not None
    [benefit] = case["state"]["benefits"]
    assert benefit["benefit_id"] == benefit_id
    assert benefit["ended_at"] == "2025-06-01T00:00:00Z"


async def test_a_benefit_ending_before_it_was_granted_is_dead_lettered_with_why(
    wire: Wire, person_ref: str
) -> None:
    """Finding 7: the case never takes it, so it raises no benefit-gap alert."""
    benefit_id = str(uuid.uuid4())
    granted = "se.samlad.fk.sickness-benefit-granted.v1"
    start_id, start = structured(granted, person_ref,
                                 {"benefit_id": benefit_id, "rehab_chain_day": 1})
    await publish(wire, "fk", granted, person_ref, start)
    await wire.applied(person_ref, start_id)
    ended = "se.samlad.fk.sickness-benefit-ended.v2"
    _, end = structured(ended, person_ref, {"benefit_id": benefit_id, "rehab_chain_day": 90,
                                            "end_reason": "annat"})
    end["data"]["effective_at"] = "2025-01-01T00:00:00Z"  # before the grant (2025-03-03)
    await publish(wire, "fk", ended, person_ref, end)

    [letter] = await wire.dead_lettered("fk", person_ref)
    reason = (letter.headers or {})["Samlad-Reason"]
    assert f"benefit {benefit_id} ends at 2025-01-01, before it began (2025-03-03)" in reason
    case = await wire.case(person_ref)
    assert case is not None and case["facts"] == 1


async def test_the_cloudevents_sdk_reads_messages_taken_off_the_stream(
    wire: Wire, person_ref: str
) -> None:
    ce_type = "se.samlad.region.rehabilitation-started.v1"
    data = {"rehabilitation_id": str(uuid.uuid4()), "rehabilitation_kind": "fysioterapi"}
    structured_id, message = structured(ce_type, person_ref, data)
    message["traceparent"] = TRACEPARENT
    message["samladposition"] = 7
    structured_ack = await publish(wire, "region", ce_type, person_ref, message)
    binary_id = str(uuid.uuid4())
    region = await wire.connect("region")
    binary_ack = await region.jetstream().publish(
        subject_of(ce_type, person_ref), json.dumps(message["data"]).encode(),
        headers={"Nats-Msg-Id": binary_id, "ce-id": binary_id, "ce-source": "urn:samlad:region",
                 "ce-specversion": "1.0", "ce-type": ce_type, "ce-subject": person_ref,
                 "ce-time": "2025-03-03T09:15:00Z", "ce-traceparent": TRACEPARENT,
                 "content-type": "application/json"},
    )

    stored = await wire.stored(structured_ack.stream, structured_ack.seq)
    assert (stored.subject or "").startswith(subject_of(ce_type, person_ref) + ".")  # + partition
    event = JSONFormat().read(None, stored.data or b"")
    attributes = event.get_attributes()
    assert (attributes["id"], attributes["type"]) == (structured_id, ce_type)
    assert attributes["subject"] == person_ref
    assert attributes["traceparent"] == TRACEPARENT
    assert attributes["samladposition"] == 7
    assert _data(event)["rehabilitation_kind"] == "fysioterapi"
    strict = v1_from_http({"content-type": "application/cloudevents+json"}, stored.data)
    assert strict["id"] == structured_id

    stored = await wire.stored(binary_ack.stream, binary_ack.seq)
    headers = dict(stored.headers or {})
    event = from_http(HTTPMessage(headers, stored.data or b""), JSONFormat())
    attributes = event.get_attributes()
    assert (attributes["id"], attributes["source"]) == (binary_id, "urn:samlad:region")
    assert attributes["traceparent"] == TRACEPARENT
    assert _data(event)["person_ref"] == person_ref
    strict = v1_from_http(headers, stored.data)
    assert strict["type"] == ce_type

    # And Samlad took both: the ids differ, so they are two facts.
    await wire.applied(person_ref, structured_id)
    await wire.applied(person_ref, binary_id)
