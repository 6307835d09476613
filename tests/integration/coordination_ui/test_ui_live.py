"""The live streams: a commit in a worker thread reaches an open page at once."""

from __future__ import annotations

import asyncio
import json
import threading

import httpx

from services.coordination.live import Broadcaster

from .conftest import UI, enrolled, handed_off


async def test_a_notification_from_another_thread_wakes_every_listener() -> None:
    broadcaster = Broadcaster()
    await broadcaster.start()
    listeners = [broadcaster.changes(heartbeat=5) for _ in range(2)]
    for changes in listeners:
        assert await anext(changes) is True  # listening: look once for what came before
    threading.Thread(target=broadcaster.notify).start()
    woken = await asyncio.wait_for(asyncio.gather(*(anext(c) for c in listeners)), 5)
    assert woken == [True, True]
    for changes in listeners:
        await changes.aclose()
    assert broadcaster.listeners == 0


def _events(lines: httpx.Response) -> tuple[str, str] | None:
    """The next (event, data) of a server-sent event stream."""
    name, data = "", ""
    for line in lines.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data += line.split(":", 1)[1].strip()
        elif line == "" and name:
            return name, data
    return None


def test_a_new_fact_is_pushed_to_the_open_case_page(ui: UI) -> None:
    ref = ui.person("19660606-0009")
    ui.record(ref, enrolled(9))
    with ui.client("kommun") as client, client.stream(
        "GET", f"/ui/cases/{ref}/live", timeout=10
    ) as stream:
        assert stream.status_code == 200
        # The commit runs in a thread of its own, as the partition consumer's does.
        threading.Thread(
            target=ui.record, args=(ref, handed_off(1, "behöver matchning"))
        ).start()
        event = _events(stream)
    assert event is not None
    name, data = event
    update = json.loads(data)
    assert name == "update"
    assert "Överlämning Kommun → AF" in update["html"]
    assert "Kommunen: Överlämning begärd till af" in update["announce"]
