"""The access table: endpoints fall into classes; roles reach their own agency or any."""

from __future__ import annotations

import pytest

from adapters.auth.policy import Access, Decision, access_of, decide
from adapters.auth.principal import Principal, Role


def principal(role: Role, agency: str | None) -> Principal:
    return Principal(subject="s", agency=agency, role=role)


@pytest.mark.parametrize(("service", "method", "path", "access"), [
    ("kommun", "GET", "/health", Access.OPEN),
    ("kommun", "GET", "/schema/openapi.json", Access.OPEN),
    ("coordination", "GET", "/ui/static/samlad.css", Access.OPEN),
    ("coordination", "GET", "/contracts/asyncapi.json", Access.OPEN),
    ("kommun", "POST", "/persons", Access.COMMAND),
    ("af", "GET", "/persons/{person_ref:str}", Access.RECORD),
    ("coordination", "GET", "/cases/{person_ref:str}/timeline", Access.CASE),
    ("coordination", "GET", "/ops/gaps", Access.OPS),
    ("coordination", "GET", "/audit/access-log", Access.AUDIT),
    ("coordination", "GET", "/cases/{person_ref:str}/as-of", Access.AUDIT),
    ("coordination", "POST", "/cases", Access.NONE),
    ("coordination", "GET", "/ui/cases/{person_ref:str}", Access.UI),
])
def test_routes_fall_into_access_classes(
    service: str, method: str, path: str, access: Access
) -> None:
    assert access_of(service, method, path) is access


def test_no_token_is_unauthenticated_and_a_wrong_agency_forbidden() -> None:
    assert decide(Access.COMMAND, "fk", None) is Decision.UNAUTHENTICATED
    assert decide(Access.COMMAND, "fk", principal(Role.CASE_WORKER, "af")) is Decision.FORBIDDEN
    assert decide(Access.COMMAND, "fk", principal(Role.CASE_WORKER, "fk")) is Decision.ALLOW


def test_an_auditor_reads_the_shared_case_and_runs_no_command() -> None:
    auditor = principal(Role.AUDITOR, None)

    assert decide(Access.CASE, "coordination", auditor) is Decision.ALLOW
    assert decide(Access.COMMAND, "kommun", auditor) is Decision.FORBIDDEN
    assert decide(Access.RECORD, "kommun", auditor) is Decision.FORBIDDEN
