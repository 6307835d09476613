"""The rules page (regler och tänk-om): the board tries and decides, auditors only try,
case workers never reach it, and the board reads no case."""

from __future__ import annotations

from .conftest import UI, enrolled, handed_off

PNR = "19811218-9876"


def test_the_board_lands_on_the_rules_page_and_reads_no_case(ui: UI) -> None:
    ref = ui.person(PNR)
    ui.record(ref, enrolled(30), handed_off(4, "matchning"))
    with ui.client(None, "styrelse") as board:
        assert board.get("/ui").headers["location"] == "/ui/regler"
        assert board.get(f"/ui/cases/{ref}").status_code == 403
        assert board.get("/ui/live").status_code == 403


def test_the_board_compares_then_puts_the_tried_thresholds_in_force(ui: UI) -> None:
    ui.record(ui.person(PNR), enrolled(30), handed_off(4, "matchning"))
    with ui.client(None, "styrelse") as board:
        page = board.get("/ui/regler", params={"hand_off_answer_days": "3"})
        assert page.status_code == 200
        assert "Jämförelse" in page.text
        assert "0 → 1" in page.text  # the hand-off waiting four days
        decided = board.post(
            "/ui/regler/beslut", data={"hand_off_answer_days": "3", "reason": "beslut § 4"}
        )
        assert decided.headers["location"] == "/ui/regler?beslut=1"
        after = board.get("/ui/regler?beslut=1").text
    assert "Regelverket som gäller (version 1)" in after
    version = ui.app.policy_in_force()
    assert (version.version, version.policy.hand_off_answer_days) == (1, 3)
    assert version.reason == "beslut § 4"
    assert version.changed_by.startswith("test-forbund-")


def test_an_auditor_compares_but_cannot_decide(ui: UI) -> None:
    with ui.client(None) as auditor:
        page = auditor.get("/ui/regler", params={"hand_off_answer_days": "2"})
        refused = auditor.post("/ui/regler/beslut", data={"hand_off_answer_days": "2"})
    assert page.status_code == 200
    assert "Jämförelse" in page.text
    assert "Besluta de prövade gränserna" not in page.text
    assert refused.status_code == 403


def test_a_case_worker_does_not_reach_the_rules_page(ui: UI) -> None:
    with ui.client("kommun") as worker:
        assert worker.get("/ui/regler").status_code == 403
        assert "Regler och tänk-om" not in worker.get("/ui").text
