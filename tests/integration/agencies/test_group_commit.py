"""Concurrent agency commands commit together, each caller answered for its own command.

On SQLite and PostgreSQL, with the real chained recorders: many threads, several persons,
some commands breaking their rule, and a commit that fails because the inbound hand-offs
saved one of the persons first.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from adapters.store.application import open_application
from adapters.store.chain import ChainedStore
from adapters.store.chained_postgres import ChainedPostgresProcessRecorder
from adapters.store.chained_sqlite import ChainedSQLiteProcessRecorder
from adapters.store.settings import StoreSettings
from adapters.store.verify import verify_store
from domain.agencies import Gender, InterventionType
from domain.agency.errors import NotFound
from domain.kommun.participant import Participant
from services.kommun.application import KommunApplication

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
THREADS = 12
PERSONS = 4
ROUNDS = 6


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def kommun(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KommunApplication]:
    if request.param == "sqlite":
        settings = StoreSettings(data_dir=tmp_path)
    else:
        settings = StoreSettings(
            data_dir=tmp_path,
            database_url=request.getfixturevalue("postgres_url"),
            namespace=request.getfixturevalue("schema_namespace"),
        )
    app = open_application(KommunApplication, settings, "kommun")
    yield app
    app.close()


def enrol(app: KommunApplication, person_ref: str) -> None:
    app.execute(
        person_ref,
        lambda p: p.enrol(kommun="Lund", gender=Gender.WOMAN, birth_year=1990,
                          target_groups=[], effective_at=NOW, recorded_at=NOW),
        create=lambda: Participant(person_ref=person_ref, effective_at=NOW, recorded_at=NOW),
    )


def start(intervention_id: str) -> Callable[[Any], object]:
    return lambda p: p.start_intervention(
        intervention_id=intervention_id, intervention_type=InterventionType.MATCHING,
        effective_at=NOW, recorded_at=NOW)


def end(intervention_id: str) -> Callable[[Any], object]:
    return lambda p: p.end_intervention(
        intervention_id=intervention_id, further_support_needed=False,
        effective_at=NOW, recorded_at=NOW)


def chained_recorder(app: KommunApplication) -> ChainedStore:
    """The application's process recorder, which is chained on either database."""
    recorder = app.process_recorder
    assert isinstance(recorder, ChainedSQLiteProcessRecorder | ChainedPostgresProcessRecorder)
    return recorder


def stored_topics(app: KommunApplication, person_ref: str) -> list[str]:
    events = app.events.get(Participant.create_id(person_ref))
    return [f"{type(e).__name__}:{getattr(e, 'intervention_id', '')}" for e in events]


def test_concurrent_commands_each_get_their_own_answer_in_person_order(
    kommun: KommunApplication,
) -> None:
    persons = [f"p-{n}" for n in range(PERSONS)]
    for person in persons:
        enrol(kommun, person)

    def client(thread: int) -> list[tuple[str, str, object]]:
        answers: list[tuple[str, str, object]] = []
        for round_ in range(ROUNDS):
            person = persons[(thread + round_) % PERSONS]
            intervention = f"i-{thread}-{round_}"
            # Start, then end what was just started: the end only passes if it sees the start.
            for name, command in (("start", start(intervention)), ("end", end(intervention))):
                involvement = kommun.execute(person, command)
                answers.append((person, f"{name}:{intervention}", involvement.version))
            try:  # breaks its rule: never started
                kommun.execute(person, end(f"never-{thread}-{round_}"))
            except NotFound as error:
                answers.append((person, "refused", str(error)))
        return answers

    with ThreadPoolExecutor(THREADS) as pool:
        results = [a for answers in pool.map(client, range(THREADS)) for a in answers]

    refused = [a for a in results if a[1] == "refused"]
    assert len(refused) == THREADS * ROUNDS
    assert all("never started" in str(detail) for *_, detail in refused)
    versions: dict[str, list[int]] = defaultdict(list)
    for person, _, version in (a for a in results if a[1] != "refused"):
        assert isinstance(version, int)
        versions[person].append(version)
    for person in persons:
        # Every accepted command on a person saw the one before: versions are all distinct
        # and the history holds exactly the accepted commands, each once.
        assert len(set(versions[person])) == len(versions[person])
        topics = stored_topics(kommun, person)
        assert len(topics) == 2 + len(versions[person])
        assert max(versions[person]) == len(topics)
        counts = Counter(topics[2:])
        assert set(counts.values()) == {1}
    started = sum(1 for a in results if a[1].startswith("start"))
    assert started == THREADS * ROUNDS
    assert verify_store(chained_recorder(kommun)).ok


def test_saves_of_concurrent_commands_share_one_transaction_and_a_lost_race_is_rerun(
    kommun: KommunApplication,
) -> None:
    persons = [f"q-{n}" for n in range(6)]
    for person in persons:
        enrol(kommun, person)
    committer = kommun._committer
    save_group = committer._save_group
    gate, holding = threading.Event(), threading.Event()
    groups: list[tuple[int, str]] = []

    def gated(items: Sequence[Any]) -> Sequence[Any]:
        if not holding.is_set():
            holding.set()
            assert gate.wait(30)
        try:
            result = save_group(items)
        except IntegrityError:
            groups.append((len(items), "failed"))
            raise
        groups.append((len(items), "committed"))
        return result

    committer._save_group = gated
    with ThreadPoolExecutor(len(persons) + 1) as pool:
        plug = pool.submit(kommun.execute, "q-0", start("plug"))
        assert holding.wait(30)  # the committer is stuck in the plug's transaction
        queued = [pool.submit(kommun.execute, person, start(f"queued-{person}"))
                  for person in persons[1:]]
        while committer._queue.qsize() < len(queued):
            threading.Event().wait(0.005)
        # The inbound hand-offs save q-1 meanwhile: its queued command is now stale.
        involvement = kommun.get_involvement("q-1")
        assert isinstance(involvement, Participant)
        involvement.start_intervention(intervention_id="inbound", effective_at=NOW,
                                       intervention_type=InterventionType.VALIDATION,
                                       recorded_at=NOW)
        kommun.save_processed(None, involvement)
        gate.set()
        assert plug.result().version == 3
        answers = [future.result() for future in queued]

    # The queued commands went in one transaction, which failed on q-1; the others were
    # committed without it, and q-1's command was run again on top of the inbound save.
    assert groups[0] == (1, "committed")
    assert groups[1] == (len(queued), "failed")
    assert [a.version for a in answers] == [4, 3, 3, 3, 3]
    assert stored_topics(kommun, "q-1")[2:] == [
        "InterventionStarted:inbound", "InterventionStarted:queued-q-1"]
    for person in persons[2:]:
        assert stored_topics(kommun, person)[2:] == [f"InterventionStarted:queued-{person}"]
    assert verify_store(chained_recorder(kommun)).ok
