"""A dead letter is listed with its reason and, replayed after the fix, applied once.

The letter is one the coordination consumer parked before its fix (a transient store
error taken for poison): a good event, parked with its reason and original subject.
``samlad deadletter replay`` puts it back on its subject; the consumer applies it; the
replay is recorded, so a second replay is refused unless forced.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from adapters.nats.connection import connect
from adapters.nats.deadletters import DeadLetters
from adapters.nats.names import ADMIN, deadletter_subject
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import running_nats
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from services.cli.main import main
from services.coordination.application import CoordinationApplication
from services.coordination.recorders import recorder_env
from tests.waiting import eventually

from .support import assert_applied_exactly_once, consuming, coordination_idle, kommun_messages


async def test_a_parked_event_replayed_after_the_fix_is_applied_once_and_not_replayed_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    messages, event_ids = kommun_messages(persons=1, per_person=3)
    parked, *applied = messages
    app = open_application(CoordinationApplication, StoreSettings(data_dir=tmp_path / "stores"),
                           "coordination", init=None, **recorder_env(postgres=False))
    try:
        async with running_nats(tmp_path) as nats:
            monkeypatch.setenv("SAMLAD_NATS_URL", nats.url)
            monkeypatch.setenv("SAMLAD_DATA_DIR", str(tmp_path))
            admin = await connect(nats.settings, ADMIN)
            js = admin.jetstream(timeout=10)
            await BatchPublisher(js).publish([
                *applied,
                OutgoingMessage(deadletter_subject("kommun"), parked.payload, {
                    "Nats-Msg-Id": "deadletter:coordination-p0:1",
                    "Samlad-Reason": "could not apply: OperationalError('database is locked')",
                    "Samlad-Original-Subject": f"{parked.subject}.0",
                    "Samlad-Original-Sequence": "1",
                }),
            ])
            async with consuming(nats.settings, app):

                async def idle() -> bool:
                    return await coordination_idle(js, nats.settings.partitions)

                await eventually(idle, within=30, what="the consumers idle")
                capsys.readouterr()
                assert await asyncio.to_thread(
                    main, ["deadletter", "list", "--agency", "kommun", "--json"]) == 0
                [listed] = json.loads(capsys.readouterr().out)
                assert listed["reason"].endswith("database is locked')")
                assert listed["original_subject"] == f"{parked.subject}.0"
                assert listed["original_sequence"] == 1
                assert listed["replayed"] is False

                assert await asyncio.to_thread(
                    main, ["deadletter", "replay", str(listed["id"])]) == 0
                await eventually(idle, within=30, what="the replay applied")
                again = await asyncio.to_thread(main, ["deadletter", "replay", "--all"])
                refused = await asyncio.to_thread(
                    main, ["deadletter", "replay", str(listed["id"])])
            [letter] = await DeadLetters(js).list()
            assert letter.replayed
            assert again == 0 and "0 replayed" in capsys.readouterr().err
            assert refused == 1
            await admin.close()
        assert_applied_exactly_once(app, event_ids)
    finally:
        app.close()
