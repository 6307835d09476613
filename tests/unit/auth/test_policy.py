"""The access table: endpoints fall into classes; roles reach their own agency or any."""

from __future__ import annotations

import pytest
from litestar.exceptions import PermissionDeniedException

from adapters.auth.policy import Access, Decision, access_of, decide
from adapters.auth.principal import Principal, Role
from services.coordination.api import viewer_of


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
    ("coordination", "GET", "/me", Access.SELF),
    ("coordination", "POST", "/me", Access.NONE),
    ("kommun", "POST", "/persons/{person_ref:str}/consents", Access.CONSENT),
    ("fk", "POST", "/persons/{person_ref:str}/consents/{consent_id:str}/withdraw",
     Access.CONSENT),
    ("fk", "POST", "/persons/{person_ref:str}/hand-offs", Access.COMMAND),
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


MINE, THEIRS = "p" + "a" * 26, "p" + "b" * 26


def test_a_person_consents_only_about_themself_and_reads_only_their_own_view() -> None:
    person = Principal(subject="s", agency=None, role=Role.PERSON, person_ref=MINE)

    assert decide(Access.CONSENT, "kommun", person,
                  f"/persons/{MINE}/consents") is Decision.ALLOW
    assert decide(Access.CONSENT, "kommun", person,
                  f"/persons/{THEIRS}/consents") is Decision.FORBIDDEN
    assert decide(Access.SELF, "coordination", person, "/me") is Decision.ALLOW
    for access in (Access.COMMAND, Access.RECORD, Access.CASE, Access.OPS, Access.AUDIT):
        assert decide(access, "coordination", person, f"/cases/{MINE}") is Decision.FORBIDDEN


def test_no_one_but_the_person_reads_the_own_view() -> None:
    for role, agency in ((Role.CASE_WORKER, "kommun"), (Role.AUDITOR, None),
                         (Role.SYSTEM, None)):
        assert decide(Access.SELF, "coordination", principal(role, agency),
                      "/me") is Decision.FORBIDDEN


def test_the_case_api_never_takes_a_person_for_a_reader_of_every_detail() -> None:
    with pytest.raises(PermissionDeniedException):
        viewer_of(Principal(subject="s", agency=None, role=Role.PERSON, person_ref=MINE))
