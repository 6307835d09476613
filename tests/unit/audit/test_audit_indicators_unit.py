"""The figures from projection rows: splits, shares and waiting times."""

from __future__ import annotations

from services.coordination.indicators import compute_indicators

ENROLLED = "2024-01-01T00:00:00.000000Z"


def case(gender: str, kommun: str, outcome: str | None, first: str | None = None,
         groups: str = ",") -> dict[str, str | None]:
    return {"case_id": f"{gender}{kommun}{outcome}", "person_ref": "p", "kommun": kommun,
            "gender": gender, "age_band": "25-29", "target_groups": groups,
            "enrolled_at": ENROLLED, "first_intervention_at": first,
            "exit_outcome": outcome, "exited_at": ENROLLED if outcome else None}


def test_exits_and_share_to_work_or_studies_are_split_by_gender_and_kommun() -> None:
    figures = compute_indicators([
        case("kvinna", "Lund", "arbete"), case("kvinna", "Eslöv", "studier"),
        case("man", "Lund", "annat"), case("man", "Lund", None),
    ], [], [])
    assert figures.value("participants") == 4
    assert figures.value("exited") == 3
    assert figures.value("share_work_or_studies") == round(2 / 3, 4)
    assert figures.value("share_work_or_studies", "gender", "kvinna") == 1.0
    assert figures.value("exits.arbete", "kommun", "Lund") == 1
    assert figures.value("participants", "target_group", "ingen") == 4


def test_waiting_times_are_reckoned_in_days() -> None:
    figures = compute_indicators(
        [case("man", "Lund", None, first="2024-01-11T00:00:00.000000Z")],
        [{"to_agency": "af", "requested_at": ENROLLED,
          "answered_at": "2024-01-04T00:00:00.000000Z"},
         {"to_agency": "af", "requested_at": ENROLLED, "answered_at": None}],
        [{"rule": "hand_off_unanswered", "resolved_at": None}],
    )
    assert figures.value("days_to_first_intervention.median") == 10.0
    assert figures.value("hand_off_wait_days.median", "to_agency", "af") == 3.0
    assert figures.value("hand_offs_pending") == 1
    assert figures.value("alerts_open", "rule", "hand_off_unanswered") == 1
