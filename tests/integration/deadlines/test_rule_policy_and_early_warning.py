"""The rule policy as events (GET /rules, the board's change, its history) and the early
warning learned from the stored hand-offs, on a real nats-server and store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from adapters.auth.testing import auth_headers
from adapters.nats.testing import new_person_ref, running_nats
from contracts.common import HandOffAccepted, HandOffRequested
from services.coordination.service import create_app
from services.settings import Settings
from tests.waiting import eventually

from .test_deadlines_and_alerts import START, _case_facts, _open_alerts, _publish


def _hand_off(person_ref: str, hand_off_id: str, days: float) -> HandOffRequested:
    at = START + timedelta(days=days)
    return HandOffRequested(
        person_ref=person_ref,
        effective_at=at,
        recorded_at=at,
        hand_off_id=hand_off_id,
        to_agency="af",
        reason="matchning",
    )


def _accepted(person_ref: str, hand_off_id: str, days: float) -> HandOffAccepted:
    at = START + timedelta(days=days)
    return HandOffAccepted(
        person_ref=person_ref,
        effective_at=at,
        recorded_at=at,
        hand_off_id=hand_off_id,
        from_agency="kommun",
    )


async def test_the_board_changes_the_policy_and_the_history_shows_what_was_in_force(
    tmp_path: Path,
) -> None:
    clock = [START + timedelta(days=4)]
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        auditor = auth_headers(settings, None, "auditor")
        board = auth_headers(settings, None, "styrelse", subject="styrelsen-ordf")
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as client:
            before = (await client.get("/rules", headers=auditor)).json()
            assert before["version"] == 0
            rules = {rule["name"]: rule for rule in before["rules"]}
            assert rules["hand_off_answer_days"]["threshold"] == 5
            assert rules["hand_off_answer_days"]["unit"] == "days"
            assert "överlämning" in rules["hand_off_answer_days"]["meaning"]["sv"]

            person_ref = new_person_ref()
            await _publish(nats.settings, "kommun", _hand_off(person_ref, "h-1", 0))
            assert await eventually(lambda: _case_facts(client, auditor, person_ref), within=5)
            assert await _open_alerts(client, auditor)() == []  # day 4 of 5

            refused = await client.post(
                "/rules", headers=auditor, json={"thresholds": {"hand_off_answer_days": 3}}
            )
            assert refused.status_code == 403
            invalid = await client.post(
                "/rules", headers=board, json={"thresholds": {"hand_off_answer_days": 0}}
            )
            assert invalid.status_code == 422
            assert invalid.headers["content-type"].startswith("application/problem+json")

            changed = await client.post(
                "/rules",
                headers=board,
                json={"thresholds": {"hand_off_answer_days": 3}, "reason": "beslut 2026-03-06"},
            )
            assert changed.status_code == 201
            assert changed.json()["version"] == 1
            # The reviewer looks at every open case again under the new thresholds.
            alerts = await eventually(_open_alerts(client, auditor), within=5)
            assert [a["rule"] for a in alerts] == ["hand_off_unanswered"]

        # Another process on the same store: the change is an event there.
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as client:
            history = (await client.get("/rules/history", headers=auditor)).json()
            then = (
                await client.get("/rules", headers=auditor, params={"at": START.isoformat()})
            ).json()
            now = (await client.get("/rules", headers=auditor)).json()

    assert [(v["version"], v["changed_by"]) for v in history] == [(0, ""), (1, "styrelsen-ordf")]
    assert history[1]["reason"] == "beslut 2026-03-06"
    assert then["version"] == 0
    assert {r["name"]: r["threshold"] for r in now["rules"]}["hand_off_answer_days"] == 3


async def test_a_hand_off_waiting_longer_than_its_pair_usually_takes_gets_an_early_warning(
    tmp_path: Path,
) -> None:
    clock = [START + timedelta(days=11.5)]  # the waiting hand-off is 1.5 days old
    async with running_nats(tmp_path) as nats:
        settings = Settings(
            data_dir=tmp_path, nats_url=nats.url, log_json=False, early_warning_seconds=0.1
        )
        kommun = auth_headers(settings, "kommun")
        async with AsyncTestClient(create_app(settings, clock=lambda: clock[0])) as client:
            # Five answered kommun→AF hand-offs, each within a day: the pair's norm.
            for n in range(5):
                person_ref = new_person_ref()
                await _publish(nats.settings, "kommun", _hand_off(person_ref, f"h-{n}", n))
                await _publish(nats.settings, "af", _accepted(person_ref, f"h-{n}", n + 1))
            waiting = new_person_ref()
            await _publish(nats.settings, "kommun", _hand_off(waiting, "h-w", 10))
            assert await eventually(lambda: _case_facts(client, kommun, waiting), within=5)

            async def warnings() -> list[dict[str, Any]]:
                found = (await client.get("/early-warnings", headers=kommun)).json()
                return found  # type: ignore[no-any-return]

            found = await eventually(warnings, within=10)
            norms = (await client.get("/rules/norms", headers=kommun)).json()
            alerts = await _open_alerts(client, kommun)()

    assert [(w["person_ref"], w["group"], w["samples"]) for w in found] == [
        (waiting, "kommun>af", 5)
    ]
    assert found[0]["norm_days"] == 1.0
    assert [(n["group"], n["samples"], n["days"]) for n in norms] == [("kommun>af", 5, 1.0)]
    assert alerts == []  # softer: the alert itself falls due on day 15
