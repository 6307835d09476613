"""A generated caseload of facts, fed through the coordination application as live."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.nats.testing import new_person_ref
from domain.agencies import Agency, Gender, InterventionType, Outcome
from domain.case.facts import (
    ConsentGiven,
    Exited,
    Fact,
    HandOffAccepted,
    HandOffRequested,
    InterventionStarted,
    LeadAssumed,
    PersonEnrolled,
)
from services.coordination.application import CoordinationApplication

START = datetime(2024, 1, 8, 9, tzinfo=UTC)
KOMMUNER = ("Lund", "Eslöv", "Höör")
GROUPS = ("langtidsarbetslos", "nyanland", "ung", "funktionsnedsattning", "sjukskriven")


def person_facts(rng: random.Random, index: int) -> list[Fact]:
    """One person's facts: enrolment, maybe interventions, a hand-off, a lead, an exit."""
    day = START + timedelta(days=index % 40)
    n = iter(range(100))

    def common(agency: Agency, days: float) -> dict[str, Any]:
        at = day + timedelta(days=days)
        return {"event_id": f"e{index}-{next(n)}", "agency": agency, "effective_at": at,
                "recorded_at": at, "summary": "händelse"}

    facts: list[Fact] = [PersonEnrolled(
        **common(Agency.KOMMUN, 0), kommun=rng.choice(KOMMUNER), gender=rng.choice(list(Gender)),
        birth_year=rng.randint(1960, 2006),
        target_groups=tuple(sorted(rng.sample(GROUPS, rng.randint(0, 2)))),
    )]
    if rng.random() < 0.8:
        facts.append(InterventionStarted(
            **common(Agency.KOMMUN, rng.randint(1, 60)), intervention_id="i1",
            intervention_type=rng.choice(list(InterventionType)),
        ))
    if rng.random() < 0.6:
        facts.append(HandOffRequested(**common(Agency.KOMMUN, 2), hand_off_id="h1",
                                      to_agency=Agency.AF))
        if rng.random() < 0.7:
            facts.append(HandOffAccepted(**common(Agency.AF, 2 + rng.randint(1, 20)),
                                         hand_off_id="h1"))
    if rng.random() < 0.5:
        facts.append(ConsentGiven(**common(Agency.KOMMUN, 1), consent_id="c1",
                                  consent_scope="alla", to_agencies=(Agency.AF,)))
        facts.append(LeadAssumed(**common(Agency.KOMMUN, 3)))
    if rng.random() < 0.7:
        facts.append(Exited(**common(Agency.KOMMUN, 90), outcome=rng.choice(list(Outcome))))
    return facts


def caseload(persons: int, seed: int = 7) -> Iterator[tuple[str, list[Fact]]]:
    rng = random.Random(seed)
    for index in range(persons):
        yield new_person_ref(), person_facts(rng, index)


def ingest_caseload(
    app: CoordinationApplication, persons: int, *, seed: int = 7, per_commit: int = 3
) -> list[str]:
    """Ingest each person's facts in a few commits, with the clock moving on."""
    refs = []
    now = START + timedelta(days=200)
    for person_ref, facts in caseload(persons, seed):
        refs.append(person_ref)
        for offset in range(0, len(facts), per_commit):
            now += timedelta(minutes=1)
            app.ingest([(person_ref, f) for f in facts[offset:offset + per_commit]], now=now)
    return refs
