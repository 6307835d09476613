"""The versioning guard: a breaking change of a published event type needs a new version."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contracts.compatibility import breaking_changes, breaking_changes_between
from contracts.schema import current_schemas, published_schemas


def test_current_schemas_are_compatible_with_the_published_ones() -> None:
    problems = breaking_changes_between(published_schemas(), current_schemas())
    assert not problems, (
        "breaking changes to published event types; bump the version (register a new "
        "struct version with an upcaster) instead:\n" + "\n".join(problems)
    )


def _schema() -> dict[str, Any]:
    """A small published schema shaped like ours (envelope, data by $ref)."""
    return {
        "type": "object",
        "properties": {
            "type": {"const": "se.samlad.fk.x.v1"},
            "data": {"$ref": "#/$defs/X"},
        },
        "required": ["type", "data"],
        "$defs": {
            "X": {
                "title": "X",
                "type": "object",
                "properties": {
                    "benefit_id": {"type": "string", "description": "id"},
                    "day": {"type": "integer", "minimum": 1},
                    "reason": {"enum": ["a", "b"]},
                },
                "required": ["benefit_id", "day"],
            }
        },
    }


def _data(schema: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = schema["$defs"]["X"]
    return data


def test_an_identical_schema_is_compatible() -> None:
    assert breaking_changes(_schema(), _schema()) == []


def test_a_new_optional_field_and_new_docs_are_compatible() -> None:
    new = _schema()
    _data(new)["properties"]["note"] = {"type": "string"}
    _data(new)["properties"]["day"]["description"] = "day in the rehab chain"
    assert breaking_changes(_schema(), new) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["properties"].pop("day"), "data.day: field removed"),
        (lambda d: d["properties"].update(day={"type": "string"}), "data.day: changed"),
        (lambda d: d["properties"]["day"].update(minimum=90), "data.day: changed"),
        (lambda d: d["properties"].update(reason={"enum": ["a"]}), "data.reason: changed"),
        (
            lambda d: (d["properties"].update(x={"type": "string"}), d["required"].append("x")),
            "data.x: new required field",
        ),
        (lambda d: d["required"].remove("day"), "data.day: field is no longer required"),
    ],
)
def test_a_breaking_change_is_reported(change: Any, expected: str) -> None:
    new = _schema()
    change(_data(new))
    problems = breaking_changes(_schema(), new)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_changed_envelope_constant_is_breaking() -> None:
    new = _schema()
    new["properties"]["type"] = {"const": "se.samlad.fk.x.v2"}
    assert breaking_changes(_schema(), new)


def test_a_removed_type_is_breaking_and_a_new_type_is_not() -> None:
    old = {"se.samlad.fk.x.v1": _schema()}
    assert breaking_changes_between(old, {}) == ["se.samlad.fk.x.v1: published type removed"]
    bumped = copy.deepcopy(old)
    bumped["se.samlad.fk.x.v2"] = _schema()
    _data(bumped["se.samlad.fk.x.v2"])["required"].append("reason")
    assert breaking_changes_between(old, bumped) == []


def test_the_guard_catches_a_breaking_change_to_a_real_published_schema() -> None:
    published = published_schemas()
    current = copy.deepcopy(published)
    schema = current["se.samlad.fk.sickness-benefit-ended.v2"]
    del schema["$defs"]["SicknessBenefitEnded"]["properties"]["end_reason"]
    problems = breaking_changes_between(published, current)
    assert problems == [
        "se.samlad.fk.sickness-benefit-ended.v2: data.end_reason: field removed",
    ]
