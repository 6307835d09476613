"""The AsyncAPI document and the broker's permission table say the same (issue 15).

For each party, the channels it sends on are exactly what it may publish, the channels
it receives are exactly what it may subscribe to, and the durable consumers it binds
are exactly those it holds grants for. Neither document nor table can drift alone.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.nats.names import AGENCIES, COORDINATION, inbox_prefix
from adapters.nats.permissions import permissions_for
from adapters.nats.settings import DEFAULT_PARTITIONS, NatsSettings
from adapters.nats.streams import consumer_configs
from contracts.schema import PUBLISHED_DIR

_PARAMETER = re.compile(r"\{([a-z_]+)\}")
_CONSUMER_GRANT = re.compile(r"^\$JS\.API\.CONSUMER\.MSG\.NEXT\.([A-Z_]+)\.(.+)$")


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (PUBLISHED_DIR / "asyncapi.json").read_text(encoding="utf-8")
    )
    return document


def _covers(pattern: str, subject: str) -> bool:
    """Whether every subject ``subject`` (itself possibly with ``*``) matches ``pattern``."""
    wanted, given = pattern.split("."), subject.split(".")
    for index, token in enumerate(wanted):
        if token == ">":
            return len(given) > index
        if index >= len(given) or (token != "*" and token != given[index]):
            return False
    return len(wanted) == len(given)


def _subjects(channel: dict[str, Any]) -> set[str]:
    """The channel's address with each enumerated parameter expanded, others as ``*``."""
    parameters = channel.get("parameters", {})
    names = _PARAMETER.findall(channel["address"])
    choices = [parameters.get(name, {}).get("enum", ["*"]) for name in names]
    expanded = set()
    for values in itertools.product(*choices):
        subject = channel["address"]
        for name, value in zip(names, values, strict=True):
            subject = subject.replace(f"{{{name}}}", value)
        expanded.add(subject)
    return expanded


def _operations_of(party: str, action: str) -> list[dict[str, Any]]:
    return [operation for operation in _document()["operations"].values()
            if operation["action"] == action and operation["tags"] == [{"name": party}]]


def _channel(operation: dict[str, Any]) -> dict[str, Any]:
    channel: dict[str, Any] = _document()["channels"][operation["channel"]["$ref"].split("/")[-1]]
    return channel


def _channel_subjects(party: str, action: str, *, live_only: bool = False) -> set[str]:
    return {
        subject
        for operation in _operations_of(party, action)
        if not live_only or operation.get("x-samlad-live-subscription", True)
        for subject in _subjects(_channel(operation))
    }


def _stored_subjects(operation: dict[str, Any]) -> set[str]:
    channel = _channel(operation)
    stored = channel.get("x-samlad-stored-address", channel["address"])
    return _subjects({**channel, "address": stored})


def _agree(grants: tuple[str, ...], subjects: set[str]) -> None:
    uncovered = sorted(s for s in subjects if not any(_covers(g, s) for g in grants))
    unused = sorted(g for g in grants if not any(_covers(g, s) for s in subjects))
    assert uncovered == [], f"documented but not allowed: {uncovered[:5]}"
    assert unused == [], f"allowed but not documented: {unused}"


@pytest.mark.parametrize("party", [*AGENCIES, COORDINATION])
def test_the_channels_a_party_sends_on_are_what_it_may_publish(party: str) -> None:
    grants = permissions_for(party, partitions=DEFAULT_PARTITIONS).publish
    # JetStream and KV API grants (consumers, leases) are the broker's own, not channels.
    api = ("$JS.", "$KV.")
    _agree(tuple(g for g in grants if not g.startswith(api)), _channel_subjects(party, "send"))


@pytest.mark.parametrize("agency", AGENCIES)
def test_the_channels_an_agency_receives_are_what_it_may_subscribe_to(agency: str) -> None:
    grants = permissions_for(agency, partitions=DEFAULT_PARTITIONS).subscribe
    own = tuple(g for g in grants if g != f"{inbox_prefix(agency)}.>")
    _agree(own, _channel_subjects(agency, "receive", live_only=True))


@pytest.mark.parametrize("agency", AGENCIES)
def test_each_consumer_an_agency_binds_filters_exactly_its_documented_channels(
    agency: str,
) -> None:
    configs = consumer_configs(NatsSettings(data_dir=Path("unused")))
    for stream, config in configs:
        operations = [
            operation for operation in _operations_of(agency, "receive")
            if operation.get("x-samlad-consumer")
            == {"stream": stream, "durable": config.durable_name}
        ]
        if not operations:
            continue
        stored = {s for operation in operations for s in _stored_subjects(operation)}
        _agree(tuple(config.filter_subjects or []), stored)


@pytest.mark.parametrize("agency", AGENCIES)
def test_the_consumers_an_agency_binds_are_those_it_holds_grants_for(agency: str) -> None:
    grants = permissions_for(agency, partitions=DEFAULT_PARTITIONS).publish
    granted = {match.groups() for g in grants if (match := _CONSUMER_GRANT.match(g))}
    documented = {
        (operation["x-samlad-consumer"]["stream"], operation["x-samlad-consumer"]["durable"])
        for operation in _operations_of(agency, "receive")
        if "x-samlad-consumer" in operation  # core NATS only (the republish requests)
    }
    assert documented == granted


def test_coordination_binds_its_partition_consumers() -> None:
    grants = permissions_for(COORDINATION, partitions=DEFAULT_PARTITIONS).publish
    granted = {match.groups() for g in grants if (match := _CONSUMER_GRANT.match(g))}
    documented = {
        (operation["x-samlad-consumer"]["stream"], operation["x-samlad-consumer"]["durable"])
        for operation in _operations_of(COORDINATION, "receive")
    }
    assert documented == {("SAMLAD_EVENTS", "coordination-p{partition}")}
    assert granted == {("SAMLAD_EVENTS", f"coordination-p{n}")
                       for n in range(DEFAULT_PARTITIONS)}


def test_no_agency_is_documented_or_allowed_to_read_another_agencys_alerts() -> None:
    for agency in AGENCIES:
        for subject in _channel_subjects(agency, "receive"):
            if subject.startswith("samlad.coordination."):
                assert agency in subject.rsplit(".", 1)[1].split("-"), subject
            else:
                assert subject.startswith(f"samlad.deadletter.{agency}.") or (
                    # hand-offs: requests (to take its own) and answers (to its own)
                    subject.split(".")[2]
                    in ("hand-off-requested", "hand-off-accepted", "hand-off-rejected")
                ) or subject == f"samlad.control.republish.{agency}", subject
