"""One new fact on a case of 10, 100, 1,000 and 10,000 facts, beside a full fold.

The case is built of a realistic mix (enrolment, registrations, interventions started
and ended at two agencies, benefits, hand-offs and their answers, notes), folded and
reviewed once. Then each measured step records one more fact, reviews the case and asks
its next deadline, as ``CoordinationApplication.ingest`` does for each case it touches:

- ``latest``: the fact is the newest in business time (the common case);
- ``late``: the fact belongs 50 facts back (an agency's clock or a late registration);
- ``far back``: the fact belongs before everything (beyond the undo journal: a full fold).

The baseline is a full fold of the same case plus every rule over it, what each new
fact cost before the fold was kept. ``python -m bench fold [--repeat 30]``. Prints;
asserts nothing. Target: ``latest`` on 10,000 facts ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from domain.agencies import Agency, Gender, InterventionType
from domain.case import Case, RulePolicy, evaluate, fold
from domain.case import facts as f

SIZES = (10, 100, 1_000, 10_000)
START = datetime(2020, 1, 1, tzinfo=UTC)
POLICY = RulePolicy()
TARGET_MS = 5.0


def case_facts(count: int, ref: str = "pbench") -> Iterator[f.Fact]:
    """``count`` facts, one an hour, cycling through what a long case holds."""
    yield f.PersonEnrolled(event_id=f"{ref}:0", agency=Agency.KOMMUN, effective_at=START,
                           recorded_at=START, summary="Inskriven", kommun="Lund",
                           gender=Gender.WOMAN, birth_year=1985)  # fmt: skip
    for n in range(1, count):
        yield fact_at(ref, n, START + timedelta(hours=n))


class _Common(TypedDict):
    """The fields of ``f.FactBase`` that every fact of the bench case sets."""

    event_id: str
    agency: Agency
    effective_at: datetime
    recorded_at: datetime
    summary: str


def fact_at(ref: str, n: int, at: datetime) -> f.Fact:
    agency = (Agency.AF, Agency.KOMMUN)[n // 8 % 2]
    common: _Common = {"event_id": f"{ref}:{n}", "agency": agency, "effective_at": at,
                       "recorded_at": at, "summary": "steg"}  # fmt: skip
    step = n % 8
    if step in (1, 5):
        return f.InterventionStarted(**common, intervention_id=f"i{n}",
                                     intervention_type=InterventionType.WORK_TRAINING)  # fmt: skip
    if step in (2, 6):
        return f.InterventionEnded(**common, intervention_id=f"i{n - 1}",
                                   further_support_needed=step == 6)  # fmt: skip
    if step == 3:
        return f.Registered(**common)
    if step == 4:
        return f.HandOffRequested(**common, hand_off_id=f"h{n}",
                                  to_agency=Agency.FK)  # fmt: skip
    if step == 7:
        accepting: _Common = {**common, "agency": Agency.FK}
        return f.HandOffAccepted(**accepting, hand_off_id=f"h{n - 3}")
    return f.Noted(**common, topic="mote")


def built(count: int) -> Case:
    case = Case(person_ref="pbench")
    for fact in case_facts(count):
        case.record(fact)
    case.review(START + timedelta(hours=count), POLICY)
    case.next_deadline(POLICY)
    case.collect_events()
    return case


CPU: list[float] = []
"""CPU milliseconds of the last ``timed`` run (median): the machine is shared, so wall
time includes waiting for a core."""


def timed(step: Callable[[], object], repeat: int) -> float:
    """Median wall milliseconds of ``repeat`` calls (median CPU ms into ``CPU``)."""
    timings, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        step()
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(timings)


def one_fact(count: int, repeat: int, back: int | None) -> float:
    """Median ms to record, review and ask the deadline for one new fact."""
    case = built(count)
    serial = iter(range(count, count + 10 * repeat))

    def step() -> None:
        n = next(serial)
        hours = count + n if back is None else (max(count - back, 0) if back else -1)
        at = START + timedelta(hours=hours, minutes=n % 60)
        case.record(fact_at("pnew", n, at))
        now = START + timedelta(hours=count + n)
        case.review(now, POLICY)
        case.next_deadline(POLICY)
        case.collect_events()

    return timed(step, repeat)


def full_fold(count: int, repeat: int) -> float:
    facts = list(case_facts(count))
    now = START + timedelta(hours=count)
    return timed(lambda: evaluate(fold(facts), now, POLICY), max(3, repeat // 10))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.fold", description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    print(f"one new fact (record + review + next deadline), median of {args.repeat}; "
          f"target latest on 10,000 facts <= {TARGET_MS:.0f} ms")  # fmt: skip
    print(f"  {'facts':>7} {'latest ms':>10} {'(cpu ms)':>9} {'late ms':>9} {'far back ms':>12} "
          f"{'full fold ms':>13} {'full/latest':>12}")  # fmt: skip
    for count in SIZES:
        latest = one_fact(count, args.repeat, None)
        latest_cpu = CPU[0]
        late = one_fact(count, args.repeat, 50)
        far = one_fact(count, max(3, args.repeat // 10), 0)
        baseline = full_fold(count, args.repeat)
        print(f"  {count:>7,} {latest:>10.3f} {latest_cpu:>9.3f} {late:>9.3f} {far:>12.3f} "
              f"{baseline:>13.3f} {baseline / latest:>11.0f}x", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
