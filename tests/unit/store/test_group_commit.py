"""The group committer answers each caller for its own item, whatever its group did."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from adapters.store.group_commit import CommitterClosed, GroupCommitter


class Refused(Exception):
    pass


class Table:
    """A store in memory: a group commits all its rows, or none when one is negative."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.transactions: list[list[int]] = []
        self.gate = threading.Event()
        self.entered = threading.Event()

    def save_group(self, items: Sequence[int]) -> list[int]:
        self.entered.set()
        self.gate.wait(10)
        if any(item < 0 for item in items):
            raise Refused(f"negative in {list(items)}")
        self.rows += items
        self.transactions.append(list(items))
        return [item * 10 for item in items]


def test_a_failing_item_fails_alone_and_the_rest_of_its_group_commits() -> None:
    table = Table()
    committer = GroupCommitter(table.save_group)
    items = [1, 2, -3, 4, 5, -6, 7, 8]

    def submit(item: int) -> int | str:
        try:
            return committer.submit(item)
        except Refused:
            return "refused"

    with ThreadPoolExecutor(len(items)) as pool:
        table.gate.set()
        answers = list(pool.map(submit, items))
    committer.close()

    assert answers == [10, 20, "refused", 40, 50, "refused", 70, 80]
    assert sorted(table.rows) == [1, 2, 4, 5, 7, 8]


def test_what_is_queued_while_a_transaction_runs_commits_in_the_next_one() -> None:
    table = Table()
    committer = GroupCommitter(table.save_group)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(committer.submit, 0)
        assert table.entered.wait(10)  # the committer is inside the first transaction
        queued = [pool.submit(committer.submit, n) for n in range(1, 6)]
        while committer._queue.qsize() < 5:
            threading.Event().wait(0.005)
        table.gate.set()
        assert first.result() == 0
        assert [f.result() for f in queued] == [10, 20, 30, 40, 50]
    committer.close()
    assert table.transactions[0] == [0]
    assert sorted(table.transactions[1]) == [1, 2, 3, 4, 5]


def test_a_closed_committer_refuses_new_items() -> None:
    committer = GroupCommitter(Table().save_group)
    committer.close()
    with pytest.raises(CommitterClosed):
        committer.submit(1)

