"""Indicators from the projection equal an independent count from the raw events."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from services.coordination.application import CoordinationApplication
from services.coordination.indicators import get_indicators, to_csv

from .caseload import ingest_caseload

PERSONS = 60


def raw_facts(app: CoordinationApplication) -> dict[Any, list[Any]]:
    """Every fact recorded per case, read straight from the notification log."""
    facts: dict[Any, list[Any]] = defaultdict(list)
    start = 1
    while notifications := app.recorder.select_notifications(start, 1000):
        for notification in notifications:
            if notification.topic.endswith("Case.FactRecorded"):
                # Case.FactRecorded is made by @event: typed only by what it carries.
                event: Any = app.mapper.to_domain_event(notification)
                facts[event.originator_id].append(event.fact)
        start = notifications[-1].id + 1
    return facts


def independent_counts(app: CoordinationApplication) -> dict[str, Any]:
    by_gender: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    exits_by_kommun: Counter[tuple[str, str]] = Counter()
    waits = []
    for facts in raw_facts(app).values():
        kinds = {type(f).__name__: f for f in facts}
        enrolled = kinds["PersonEnrolled"]
        by_gender[str(enrolled.gender)] += 1
        if "Exited" in kinds:
            exits[str(kinds["Exited"].outcome)] += 1
            exits_by_kommun[(enrolled.kommun, str(kinds["Exited"].outcome))] += 1
        starts = [f.effective_at for f in facts if type(f).__name__ == "InterventionStarted"]
        if starts:
            # The first intervention in business time, whichever agency ran it.
            delta = min(starts) - enrolled.effective_at
            waits.append(delta.total_seconds() / 86400)
    return {"by_gender": by_gender, "exits": exits, "exits_by_kommun": exits_by_kommun,
            "median_wait": round(statistics.median(waits), 2)}


def assert_indicators_match(indicators: Any, expected: dict[str, Any], persons: int) -> None:
    """The projection's figures, each against the independent count."""
    assert indicators.value("participants") == persons
    for gender, count in expected["by_gender"].items():
        assert indicators.value("participants", "gender", gender) == count
    exited = sum(expected["exits"].values())
    assert indicators.value("exited") == exited
    for outcome, count in expected["exits"].items():
        assert indicators.value(f"exits.{outcome}") == count
    for (kommun, outcome), count in expected["exits_by_kommun"].items():
        assert indicators.value(f"exits.{outcome}", "kommun", kommun) == count
    share = (expected["exits"]["arbete"] + expected["exits"]["studier"]) / exited
    assert indicators.value("share_work_or_studies") == round(share, 4)
    assert indicators.value("days_to_first_intervention.median") == expected["median_wait"]



def test_indicators_equal_an_independent_count_from_the_raw_events(
    coordination: CoordinationApplication,
) -> None:
    ingest_caseload(coordination, PERSONS)
    indicators = get_indicators(coordination.process_recorder)
    expected = independent_counts(coordination)

    assert_indicators_match(indicators, expected, PERSONS)

def test_indicators_export_as_csv_with_one_figure_per_line(
    coordination: CoordinationApplication,
) -> None:
    ingest_caseload(coordination, 10)
    lines = to_csv(get_indicators(coordination.process_recorder)).splitlines()
    assert lines[0] == "indicator,dimension,group,value"
    assert "participants,total,alla,10" in lines
