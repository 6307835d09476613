"""The demo caseload is deterministic, well-formed and shaped like the FSLA report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from adapters.pseudonym import normalise_personnummer
from services.demo.caseload import caseload
from services.demo.story import Story

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
STORIES = caseload(500, seed=7, now=NOW)


def _exits(stories: Sequence[Story] = STORIES) -> list[str]:
    return [step.body["outcome"] for story in stories for step in story.steps()
            if step.agency == "kommun" and step.path.endswith("/exit")]


def test_the_same_seed_gives_the_same_caseload() -> None:
    again = caseload(500, seed=7, now=NOW)
    assert [s.steps() for s in again[:50]] == [s.steps() for s in STORIES[:50]]


def test_every_person_has_a_unique_valid_personnummer_and_is_enrolled_first() -> None:
    numbers = [story.personnummer for story in STORIES]
    assert len(set(numbers)) == len(numbers)
    for story in STORIES:
        normalise_personnummer(story.personnummer)
        kommun = [step for step in story.steps() if step.agency == "kommun"]
        assert kommun[0].path == "/persons"
        assert "kommun" in kommun[0].body


def test_nine_kommuner_and_about_half_women() -> None:
    enrolments = [step.body for s in STORIES for step in s.steps()
                  if step.agency == "kommun" and step.path == "/persons"]
    assert len({e["kommun"] for e in enrolments}) == 9
    women = sum(e["gender"] == "kvinna" for e in enrolments) / len(enrolments)
    assert 0.45 < women < 0.60


def test_outcomes_of_those_exited_are_close_to_the_fsla_report() -> None:
    shares = Counter(_exits())
    total = sum(shares.values())
    assert 0.33 < shares["arbete"] / total < 0.48
    assert 0.05 < shares["studier"] / total < 0.14
    assert 0.07 < shares["praktik"] / total < 0.17


def test_no_fact_is_dated_in_the_future() -> None:
    for story in STORIES:
        for step in story.steps():
            if "effective_at" in step.body:
                assert datetime.fromisoformat(step.body["effective_at"]) < NOW
