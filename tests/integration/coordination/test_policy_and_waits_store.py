"""The policy log, the early warning's read models and the what-if replay on both stores."""

from __future__ import annotations

from domain.agencies import Agency
from domain.case import Fact
from services.audit.what_if import what_if
from services.coordination.application import CoordinationApplication
from services.coordination.early_warning import get_early_warnings, get_norms, refresh
from services.coordination.service import open_coordination
from services.settings import Settings
from tests.unit.case.builders import accepted, day, enrolled, hand_off, registered


def _ingest(app: CoordinationApplication, ref: str, *facts: Fact) -> None:
    app.ingest([(ref, fact) for fact in facts], now=day(0))


def test_a_policy_change_is_stored_and_puts_every_open_case_due_at_once(
    settings: Settings,
    coordination: CoordinationApplication,
) -> None:
    _ingest(
        coordination,
        "ppolicyopen000000000000000a",
        enrolled(0),
        hand_off("h", Agency.KOMMUN, Agency.AF, 1),
    )
    coordination.change_policy(
        {"hand_off_answer_days": 2}, changed_by="styrelsen", reason="", now=day(1)
    )
    due = coordination.read_models.query(
        "SELECT due_at FROM {deadline_index}", []
    )
    assert [row["due_at"] for row in due] == ["2024-03-05T09:00:00.000000Z"]

    again = open_coordination(settings)
    try:
        assert again.policy_in_force().version == 1
        assert again.policy_in_force(day(0)).version == 0
        assert again.refresh_policy().hand_off_answer_days == 2
    finally:
        again.close()


def test_early_warnings_are_learned_from_the_stored_waits(
    coordination: CoordinationApplication,
) -> None:
    for n in range(5):
        ref = f"pwaits{n:021d}"
        _ingest(
            coordination,
            ref,
            enrolled(0),
            hand_off("h", Agency.KOMMUN, Agency.AF, n),
            accepted("h", Agency.AF, n + 1),
            registered(Agency.AF, n + 1),
        )
    _ingest(
        coordination,
        "pwaitsopen000000000000000a",
        enrolled(0),
        hand_off("h", Agency.KOMMUN, Agency.AF, 10),
    )

    assert refresh(coordination, day(12)) == 1
    norms = get_norms(coordination)
    assert [(n["wait_group"], n["samples"], n["days"]) for n in norms] == [("kommun>af", 5, 1.0)]
    assert [w["person_ref"] for w in get_early_warnings(coordination, day(12))] == [
        "pwaitsopen000000000000000a"
    ]
    assert get_early_warnings(coordination, day(10.5)) == []  # not past the norm yet
    assert get_early_warnings(coordination, day(15)) == []  # the alert's turn


def test_the_what_if_replay_reads_the_store(coordination: CoordinationApplication) -> None:
    _ingest(
        coordination,
        "pwhatifstore00000000000000a",
        enrolled(0),
        registered(Agency.KOMMUN, 0),
        hand_off("h", Agency.KOMMUN, Agency.AF, 1),
        accepted("h", Agency.AF, 5),
    )
    report = what_if(coordination, {"hand_off_answer_days": 3}, day(30))
    row = next(r for r in report.rules if r.rule == "hand_off_unanswered")
    assert (report.cases, row.current_alerts, row.proposed_alerts) == (1, 0, 1)
