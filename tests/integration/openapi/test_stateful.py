"""Schemathesis' stateful phase along the documents' links: enrol or identify a person, then
call the operations on that person with the ``person_ref`` the answer gave."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
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
            config=SchemathesisConfig.from_dict(
                {
                    "headers": headers,
                    "checks": {"enabled": True},
                    # Only the documents' own links: inferred ones guess that a hand-off this
                    # agency requested can be accepted here, where only incoming ones are.
                    "phases": {"stateful": {"inference": {"algorithms": []}}},
                }
            ),
        )
    )
    machine: Any = schema.as_state_machine()
    machine.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # No shrinking: the services' state moves on, so a replay never draws the same
            # way and Hypothesis would report that instead of the failure itself. The same
            # draws each run (a fresh data dir each session): a pass or fail, never a flake.
            phases=[Phase.generate],
            derandomize=True,
            database=None,
        )
    )
