"""What-if replay (tänk-om): the real history run again under other thresholds.

Each case's facts are folded in business-time order, as if each were known when it took
effect. After every fact the rules' conditions are read (whenever due); a condition that
stays with the same rule, subject and ``since`` is one *episode* of a gap, from when it
was first seen until the fact that ended it (or ``until``). Whether a gap exists does not
depend on the thresholds, only when it becomes an alert does; so one fold serves every
policy compared. Under a policy an episode is raised at ``max(since + threshold, first
seen)`` if the gap still lasted then and that is not after ``until``.

A gap is *reached* when it lasted at least the strictest threshold among the policies
compared; a policy that raised nothing for a reached gap let that person through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

import msgspec

from domain.case.alerts import Rule
from domain.case.conditions import Conditions
from domain.case.facts import Fact
from domain.case.fold import fact_order
from domain.case.incremental import CaseFold
from domain.case.policy import THRESHOLDS, RulePolicy

__all__ = ["Episode", "RuleComparison", "WhatIf", "compare", "episodes_of"]

THRESHOLD_OF_RULE = {t.rule: t.name for t in THRESHOLDS if t.rule in set(Rule)}
"""The threshold that delays each rule; a rule without one is due at once."""

SECONDS_PER_DAY = 86_400


class Episode(msgspec.Struct, frozen=True, kw_only=True):
    """One gap of one case: present from ``first_seen`` until ``ended`` (exclusive)."""

    case: int
    rule: Rule
    subject: str
    since: datetime
    first_seen: datetime
    ended: datetime


def threshold_days(rule: Rule, policy: RulePolicy) -> int:
    name = THRESHOLD_OF_RULE.get(str(rule))
    return 0 if name is None else int(getattr(policy, name))


def episodes_of(case: int, facts: Sequence[Fact], until: datetime) -> list[Episode]:
    """Every gap episode of one case's history up to ``until``."""
    ordered = sorted(facts, key=fact_order)
    folded = CaseFold(journal_facts=0)
    conditions = Conditions(RulePolicy())  # the thresholds do not change what is present
    open_: dict[tuple[Rule, str, datetime], datetime] = {}
    found: list[Episode] = []
    for index, fact in enumerate(ordered):
        folded.add(fact)
        if index + 1 < len(ordered) and fact_order(ordered[index + 1])[0] == fact.effective_at:
            continue  # facts of one instant count together
        at = min(fact.effective_at, until)
        present = {(c.rule, c.subject, c.since) for c in conditions.of(folded.state)}
        for key in [key for key in open_ if key not in present]:
            found.append(_episode(case, key, open_.pop(key), at))
        for key in present:
            open_.setdefault(key, at)
        if fact.effective_at >= until:
            break
    found.extend(_episode(case, key, seen, until) for key, seen in open_.items())
    return found


def _episode(
    case: int, key: tuple[Rule, str, datetime], first_seen: datetime, ended: datetime
) -> Episode:
    rule, subject, since = key
    return Episode(
        case=case, rule=rule, subject=subject, since=since, first_seen=first_seen, ended=ended
    )


def raised_at(episode: Episode, policy: RulePolicy, until: datetime) -> datetime | None:
    """When ``policy`` would have raised the episode's alert, or None."""
    due = episode.since + timedelta(days=threshold_days(episode.rule, policy))
    at = max(due, episode.first_seen)
    if at >= episode.ended and episode.ended < until:
        return None  # the gap closed before the alert fell due
    return at if at <= until else None


class RuleComparison(msgspec.Struct, frozen=True, kw_only=True):
    """One rule under the policy in force and the proposal.

    ``days_earlier``: mean over the gaps both raised of how many days earlier the
    proposal raised them (negative: later). ``*_unalerted``: persons who reached the gap
    and got no alert for it.
    """

    rule: Rule
    threshold: str | None
    current_days: int
    proposed_days: int
    current_alerts: int
    proposed_alerts: int
    both_alerts: int
    days_earlier: float | None
    current_unalerted: int
    proposed_unalerted: int


class WhatIf(msgspec.Struct, frozen=True, kw_only=True):
    """The comparison over the whole history."""

    until: datetime
    cases: int
    facts: int
    gaps: int
    current: dict[str, int]
    proposed: dict[str, int]
    rules: list[RuleComparison]


def compare(
    histories: Iterable[Sequence[Fact]],
    current: RulePolicy,
    proposed: RulePolicy,
    until: datetime,
    *,
    on_case: Callable[[int], None] | None = None,
) -> WhatIf:
    """Replay every case's facts under both policies; ``on_case(n)`` after each case."""
    episodes: list[Episode] = []
    cases = facts = 0
    for facts_of_case in histories:
        episodes.extend(episodes_of(cases, facts_of_case, until))
        cases += 1
        facts += len(facts_of_case)
        if on_case is not None:
            on_case(cases)
    rules = [
        _compare_rule(rule, [e for e in episodes if e.rule is rule], current, proposed, until)
        for rule in Rule
    ]
    return WhatIf(
        until=until,
        cases=cases,
        facts=facts,
        gaps=len(episodes),
        current=current.thresholds(),
        proposed=proposed.thresholds(),
        rules=rules,
    )


def _compare_rule(
    rule: Rule,
    episodes: list[Episode],
    current: RulePolicy,
    proposed: RulePolicy,
    until: datetime,
) -> RuleComparison:
    strictest = timedelta(days=min(threshold_days(rule, current), threshold_days(rule, proposed)))
    now_raised = [raised_at(e, current, until) for e in episodes]
    then_raised = [raised_at(e, proposed, until) for e in episodes]
    earlier = [
        (a - b).total_seconds() / SECONDS_PER_DAY
        for a, b in zip(now_raised, then_raised, strict=True)
        if a is not None and b is not None
    ]
    reached = [e.ended - e.since >= strictest for e in episodes]

    def unalerted(raised: list[datetime | None]) -> int:
        return len(
            {
                e.case
                for e, r, hit in zip(episodes, raised, reached, strict=True)
                if hit and r is None
            }
        )

    return RuleComparison(
        rule=rule,
        threshold=THRESHOLD_OF_RULE.get(str(rule)),
        current_days=threshold_days(rule, current),
        proposed_days=threshold_days(rule, proposed),
        current_alerts=sum(r is not None for r in now_raised),
        proposed_alerts=sum(r is not None for r in then_raised),
        both_alerts=len(earlier),
        days_earlier=round(sum(earlier) / len(earlier), 2) if earlier else None,
        current_unalerted=unalerted(now_raised),
        proposed_unalerted=unalerted(then_raised),
    )
