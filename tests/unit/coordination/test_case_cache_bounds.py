"""The writers' case cache is bounded by cases and by facts, least recently used first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.agencies import Agency
from domain.case import Case, Noted
from services.coordination.case_cache import CaseCache

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def case_of(ref: str, facts: int) -> Case:
    case = Case(person_ref=ref)
    for n in range(facts):
        case.record(Noted(event_id=f"{ref}:{n}", agency=Agency.AF, effective_at=day(n),
                          recorded_at=day(n), summary="möte", topic="mote"))  # fmt: skip
    return case


def test_the_least_recently_used_case_goes_when_the_facts_overflow() -> None:
    cache = CaseCache(size=10, facts=10)
    old, used, new = case_of("pold", 4), case_of("pused", 4), case_of("pnew", 4)
    cache.put([old, used])
    assert cache.get(old.id) is old  # used again: now the latest
    cache.put([new])
    assert (cache.get(used.id), cache.get(old.id), cache.get(new.id)) == (None, old, new)


def test_a_case_put_again_counts_its_facts_once() -> None:
    cache = CaseCache(size=10, facts=10)
    case = case_of("pagain", 6)
    cache.put([case])
    cache.put([case])
    assert cache.get(case.id) is case
    cache.evict([case.id])
    assert len(cache) == 0
