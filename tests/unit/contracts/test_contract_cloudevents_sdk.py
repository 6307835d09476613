"""The CloudEvents SDK (cloudevents 2.2) reads Samlad's messages in both modes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1.http import from_http as v1_from_http

from contracts.base import is_person_bound, subject_ref
from contracts.envelope import STRUCTURED_CONTENT_TYPE, encode_binary, encode_structured
from contracts.examples import example_event
from contracts.registry import REGISTRY, EventSpec

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _data(event: Any) -> dict[str, Any]:
    """The SDK types data as any JSON value; these events carry an object."""
    data = event.get_data()
    assert isinstance(data, dict)
    return data


@pytest.fixture(params=REGISTRY.specs(), ids=lambda spec: spec.type)
def spec(request: pytest.FixtureRequest) -> EventSpec:
    return request.param  # type: ignore[no-any-return]


def _kwargs(spec: EventSpec) -> dict[str, Any]:
    return {
        "spec": spec,
        "id": "msg-1",
        "source": f"urn:samlad:{spec.agency}:system",
        "time": T0,
        "position": 3,
        "previous_position": 2,
        "traceparent": TRACEPARENT,
    }


def test_the_sdk_reads_a_structured_nats_payload(spec: EventSpec) -> None:
    event = JSONFormat().read(None, encode_structured(example_event(spec), **_kwargs(spec)))
    attributes = event.get_attributes()
    assert attributes["id"] == "msg-1"
    assert attributes["type"] == spec.type
    ref = subject_ref(example_event(spec))
    assert attributes["subject"] == ref
    assert attributes["samladposition"] == 3
    assert attributes["traceparent"] == TRACEPARENT
    assert _data(event)["person_ref" if is_person_bound(spec.struct) else "offering_id"] == ref


def test_the_sdk_reads_binary_mode_headers(spec: EventSpec) -> None:
    body, headers = encode_binary(example_event(spec), **_kwargs(spec))
    event = from_http(HTTPMessage(headers, body), JSONFormat())
    attributes = event.get_attributes()
    assert attributes["type"] == spec.type
    assert attributes["source"] == f"urn:samlad:{spec.agency}:system"
    assert attributes["samladprevposition"] == "2"
    assert attributes["traceparent"] == TRACEPARENT


def test_the_strict_v1_reader_accepts_both_modes() -> None:
    spec = REGISTRY.specs()[0]
    structured = encode_structured(example_event(spec), **_kwargs(spec))
    event = v1_from_http({"content-type": STRUCTURED_CONTENT_TYPE}, structured)
    assert event["id"] == "msg-1"
    body, headers = encode_binary(example_event(spec), **_kwargs(spec))
    event = v1_from_http(headers, body)
    assert event["type"] == spec.type
    assert event["time"] == "2025-03-03T09:00:00Z"
