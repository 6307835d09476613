"""Schemathesis' stateful phase along the documents' links: enrol or identify a person, then
call the operations on that person with the ``person_ref`` the answer gave."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from adapters.auth.testing import auth_headers

from .rules import taught
from .served import Served

STEPS = 5
SCENARIOS = 5


@pytest.mark.parametrize("service", ["kommun", "af"])
def test_calls_chained_by_the_links_answer_as_documented(system: Served, service: str) -> None:
    headers = auth_headers(system.settings, service)
    schema = taught(
        schemathesis.openapi.from_url(
            f"{system.urls[service]}/schema/openapi.json",
            config=SchemathesisConfig.from_dict({"headers": headers, "checks": {"enabled": True}}),
        )
    )
    machine: Any = schema.as_state_machine()
    machine.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
