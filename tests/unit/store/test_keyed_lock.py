"""Per-key write locks: writers on different keys never wait for each other."""

from __future__ import annotations

import threading
from uuid import UUID, uuid4

from adapters.store.keyed_lock import KeyedLock


def test_a_writer_on_other_cases_proceeds_while_one_case_is_held() -> None:
    locks: KeyedLock[UUID] = KeyedLock()
    held, release = threading.Event(), threading.Event()
    busy, free = uuid4(), uuid4()

    def hold_busy() -> None:
        with locks.hold([busy]):
            held.set()
            release.wait()

    holder = threading.Thread(target=hold_busy)
    holder.start()
    held.wait()
    with locks.hold([free]):  # would never return if the lock were global
        assert len(locks) == 2
    release.set()
    holder.join()
    assert len(locks) == 0  # no lock outlives its writers


def test_a_writer_on_the_same_case_waits_for_the_holder() -> None:
    locks: KeyedLock[UUID] = KeyedLock()
    case = uuid4()
    order: list[str] = []
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with locks.hold([case]):
            held.set()
            release.wait()
            order.append("first")

    def second() -> None:
        with locks.hold([case, uuid4()]):
            order.append("second")

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    held.wait()
    two.start()
    release.set()
    one.join()
    two.join()
    assert order == ["first", "second"]
