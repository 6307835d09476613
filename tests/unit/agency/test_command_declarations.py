"""Each agency command is declared once, and everything derived from it agrees.

A command's body (``services/<agency>/schemas.py``) is its input; the application passes
the body's fields by name to the aggregate method of the same name (its rule), whose
``@event`` records them; the application's outbox table names the contract each domain
event is published as. These tests check those links for every agency, so a field
added to one of them and not to the others fails here, not in production.
"""

from __future__ import annotations

import inspect
from typing import Any, get_type_hints

import msgspec
import pytest
from eventsourcing.domain import Aggregate

from contracts.registry import REGISTRY
from services.agency.application import (
    COMMON_PUBLISHED,
    EDGE_ONLY,
    UNPUBLISHED,
    AgencyApplication,
)
from services.agency.applications import AGENCY_APPLICATIONS
from services.agency.schemas import Command

TIMES = {"effective_at", "recorded_at"}
EVENTSOURCING_BASES = {"Event", "Created", "Snapshot"}
APPS = list(AGENCY_APPLICATIONS.values())


def domain_events(app: type[AgencyApplication]) -> dict[str, type[Any]]:
    return {
        name: value for aggregate in app.aggregate_classes() for name in dir(aggregate)
        if isinstance(value := getattr(aggregate, name), type)
        and issubclass(value, Aggregate.Event) and name not in EVENTSOURCING_BASES
    }


def event_fields(event_class: type[Any]) -> set[str]:
    """The event's own attributes (its method's parameters), without eventsourcing's."""
    own = set(inspect.signature(event_class).parameters)
    return own - {"self", "originator_id", "originator_version", "timestamp"}


def commands(app: type[AgencyApplication]) -> list[tuple[str, type[Command], set[str]]]:
    """(name, body type, ids from the path) of every command method of ``app``."""
    found = []
    for name, method in inspect.getmembers(app, inspect.isfunction):
        parameters = inspect.signature(method).parameters
        if name.startswith("_") or "command" not in parameters or "method" in parameters:
            continue  # not a command, or the generic runner
        body = get_type_hints(method)["command"]
        if not (isinstance(body, type) and issubclass(body, Command)):
            continue
        path = set(parameters) - {"self", "person_ref", "command"}
        found.append((name, body, path))
    return found


COMMANDS = [(app, *command) for app in APPS for command in commands(app)]


@pytest.mark.parametrize("app", APPS, ids=lambda a: a.__name__)
def test_every_domain_event_is_published_as_a_registered_contract_or_kept_inside(
    app: type[AgencyApplication],
) -> None:
    events = domain_events(app)
    table = app.outbox_contracts()
    assert set(table) | UNPUBLISHED == set(events)
    for name, contract in table.items():
        spec = REGISTRY.spec(str(app.agency), contract)
        assert REGISTRY.is_latest(spec), f"{name} publishes an old version of {spec.type}"
        contract_fields = {f.name for f in msgspec.structs.fields(contract)} - {"person_ref"}
        assert event_fields(events[name]) == contract_fields, name


@pytest.mark.parametrize("app", APPS, ids=lambda a: a.__name__)
def test_every_contract_of_the_agency_is_published_by_one_domain_event(
    app: type[AgencyApplication],
) -> None:
    registered = {
        REGISTRY.latest(spec).struct for spec in REGISTRY.specs()
        if spec.agency == app.agency
    }
    published = list(app.outbox_contracts().values())
    assert sorted(c.__name__ for c in published) == sorted(c.__name__ for c in registered)
    assert set(COMMON_PUBLISHED.values()) <= set(published)


@pytest.mark.parametrize(
    ("app", "name", "body", "path"), COMMANDS,
    ids=[f"{app.agency}.{name}" for app, name, _, _ in COMMANDS],
)
def test_a_command_body_declares_the_aggregate_methods_arguments(
    app: type[AgencyApplication], name: str, body: type[Command], path: set[str]
) -> None:
    aggregate = next(a for a in app.aggregate_classes() if hasattr(a, name))
    method = getattr(aggregate, name)
    wanted = {
        parameter.name for parameter in inspect.signature(method).parameters.values()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    } - TIMES
    # An offering's id names the aggregate, as a person_ref names an involvement.
    identity = set() if aggregate is app.involvement_class else {"offering_id"}
    given = (set(body.__struct_fields__) - EDGE_ONLY | path) - identity
    assert given == wanted
