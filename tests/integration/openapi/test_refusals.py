"""What the issue found accepted or failing, now refused with 400 problem+json."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from adapters.auth.testing import auth_headers

from .served import Served

PROBLEM_JSON = "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/alerts?raised_before=0.5",  # a number read as Unix time
        "/alerts?raised_before=1700000000",
        "/audit/access-log?offset=1814757674329160057672472352260096",  # beyond 64 bits
        "/audit/access-log?from=0",
        "/cases?offset=99999999999999999999",
    ],
)
def test_a_query_the_document_refuses_is_a_400_problem(system: Served, path: str) -> None:
    response = requests.get(
        system.urls["coordination"] + path,
        timeout=10,
        headers=auth_headers(system.settings, None, "auditor"),
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"effective_at": 0.0}, "effective_at"),  # a number read as Unix time
        ({"effective_at": "0"}, "effective_at"),
        ({"further_support_needed": 1}, "further_support_needed"),  # an int read as a bool
        ({"summary": 5}, "summary"),
    ],
)
def test_a_body_the_document_refuses_is_a_400_problem(
    system: Served, body: dict[str, Any], field: str
) -> None:
    command: dict[str, Any] = {"further_support_needed": True, "summary": "klar"} | body
    response = requests.post(
        f"{system.urls['kommun']}/persons/pzzzzzzzzzzzzzzzzzzzzzzzzzz/needs-assessments",
        json=command,
        timeout=10,
        headers=auth_headers(system.settings, "kommun"),
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert field in response.text
