"""The msgspec transcoder gives back exactly what an event carried."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from adapters.store.transcoder import MsgspecTranscoder
from domain.agencies import Agency
from domain.case.facts import HandOffRequested


def _fact(n: int) -> HandOffRequested:
    at = datetime(2026, 1, 2, 3, 4, 5, 600_000, tzinfo=UTC)
    return HandOffRequested(
        event_id=f"e{n}", agency=Agency.KOMMUN, effective_at=at, recorded_at=at,
        summary="Överlämning", details={"orsak": "matchning"}, hand_off_id=f"h{n}",
        to_agency=Agency.AF,
    )


def test_uuids_datetimes_dates_and_structs_come_back_as_their_types() -> None:
    state = {
        "originator_topic": "x", "id": uuid4(), "at": datetime.now(UTC),
        "on": date(2026, 5, 1), "fact": _fact(1), "n": 3, "flag": True, "none": None,
        "names": ["a", "b"],
    }
    transcoder = MsgspecTranscoder()

    assert transcoder.decode(transcoder.encode(state)) == state


def test_a_list_of_structs_comes_back_as_a_tuple_of_structs() -> None:
    transcoder = MsgspecTranscoder()

    decoded = transcoder.decode(transcoder.encode({"facts": [_fact(1), _fact(2)]}))

    assert decoded["facts"] == (_fact(1), _fact(2))
