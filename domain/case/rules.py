"""The seven gap rules: where a person falls between the chairs ("mellan stolarna").

Each rule is a pure function ``(state, now, policy) -> list[AlertCondition]``. A rule
reckons ``since`` and ``due_at`` from the business dates the facts carry; ``now`` only
decides which conditions are due, so a back-dated fact whose deadline has passed raises
at once. Every rule is silent once the person has exited (avslut).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from domain.agencies import Agency
from domain.case.alerts import AlertCondition, Rule
from domain.case.policy import RulePolicy
from domain.case.state import CaseState, HandOff, Intervention, Period

__all__ = [
    "RULES",
    "RuleCheck",
    "benefit_gap",
    "duplicated_intervention",
    "ended_without_next_step",
    "evaluate",
    "hand_off_unanswered",
    "lost_contact",
    "no_lead",
    "no_one_holds_case",
    "upcoming",
]

RuleCheck = Callable[[CaseState, datetime, RulePolicy], list[AlertCondition]]

END_OF_TIME = datetime.max.replace(tzinfo=UTC)
"""A ``now`` at which every condition is due: used to list coming deadlines."""

_NAMES = {
    Agency.KOMMUN: "kommunen",
    Agency.AF: "Arbetsförmedlingen",
    Agency.FK: "Försäkringskassan",
    Agency.REGION: "regionen",
}
"""How an agency is named mid-sentence; ``_cap`` for the start of one."""


def hand_off_unanswered(
    state: CaseState, now: datetime, policy: RulePolicy
) -> list[AlertCondition]:
    """Rule 1: a hand-off (överlämning) nobody has answered; it has "expired"."""
    if state.exited:
        return []
    days = policy.hand_off_answer_days
    return _due(
        now,
        (
            AlertCondition(
                rule=Rule.HAND_OFF_UNANSWERED,
                subject=hand_off.hand_off_id,
                agencies=_ordered((hand_off.from_agency, hand_off.to_agency)),
                since=hand_off.requested_at,
                due_at=hand_off.requested_at + policy.days(days),
                message=_unanswered_message(hand_off),
            )
            for hand_off in state.hand_offs
            if hand_off.pending
        ),
    )


def no_one_holds_case(state: CaseState, now: datetime, policy: RulePolicy) -> list[AlertCondition]:
    """Rule 2: no lane holds the person and no hand-off is pending."""
    since = state.unheld_since
    if state.exited or since is None:
        return []
    involved = tuple(lane.agency for lane in state.lanes)
    agencies = involved or ((state.enrolled_by,) if state.enrolled_by else ())
    return _due(
        now,
        [
            AlertCondition(
                rule=Rule.NO_ONE_HOLDS_CASE,
                subject="",
                agencies=agencies,
                since=since,
                due_at=since + policy.days(policy.unheld_days),
                message=(
                    f"Ingen myndighet håller i personen sedan {_day(since)}: inget spår är "
                    "aktivt och ingen överlämning väntar. Kom överens om vem som tar ansvar, "
                    "eller avsluta personen."
                ),
            )
        ],
    )


def benefit_gap(state: CaseState, now: datetime, policy: RulePolicy) -> list[AlertCondition]:
    """Rule 3: an FK benefit ended and the person has not registered at AF."""
    if state.exited:
        return []
    af = state.lane(Agency.AF)
    registered_after = _registered_after(af.registrations if af else ())
    # A new FK benefit (e.g. aktivitetsersättning after sjukpenning) bridges the gap.
    latest_starts = _latest_two(
        (other.started_at, other.benefit_id)
        for other in state.benefits
        if other.benefit_kind in policy.gap_benefit_kinds and other.started_at is not None
    )
    conditions = []
    for benefit in state.benefits:
        ended = benefit.ended_at
        if ended is None or benefit.benefit_kind not in policy.gap_benefit_kinds:
            continue
        if benefit.started_at is not None and ended < benefit.started_at:
            continue  # impossible (an anomaly of the case): no gap follows from it
        bridge = _latest_other(latest_starts, benefit.benefit_id)
        if registered_after(ended) or (bridge is not None and bridge >= ended):
            continue
        day = benefit.rehab_chain_day
        checkpoint = f" (dag {day} i rehabiliteringskedjan)" if day else ""
        conditions.append(
            AlertCondition(
                rule=Rule.BENEFIT_GAP,
                subject=benefit.benefit_id,
                agencies=_ordered((benefit.agency, Agency.AF)),
                since=ended,
                due_at=ended + policy.days(policy.benefit_gap_days),
                message=(
                    f"{benefit.benefit_kind.capitalize()} upphörde {_day(ended)}{checkpoint} "
                    "och personen är inte inskriven på Arbetsförmedlingen. Personen kan "
                    "stå utan inkomst: Arbetsförmedlingen skriver in, "
                    f"{_NAMES[benefit.agency]} ser till att personen vet om det."
                ),
            )
        )
    return _due(now, conditions)


def duplicated_intervention(
    state: CaseState, now: datetime, policy: RulePolicy
) -> list[AlertCondition]:
    """Rule 4: the same type of intervention runs at two agencies (dubbelarbete)."""
    del policy  # no threshold: duplicated work is reported as soon as it starts
    if state.exited:
        return []
    first_start: dict[str, dict[Agency, datetime]] = {}
    for intervention in state.interventions:
        kind, started = intervention.intervention_type, intervention.started_at
        if not intervention.running or kind is None or started is None:
            continue
        per_agency = first_start.setdefault(str(kind), {})
        per_agency[intervention.agency] = min(started, per_agency.get(intervention.agency, started))
    conditions = []
    for type_name, per_agency in sorted(first_start.items()):
        if len(per_agency) < 2:
            continue
        since = sorted(per_agency.values())[1]  # when the second agency joined
        agencies = _ordered(per_agency)
        names = _cap(" och ".join(_NAMES[agency] for agency in agencies))
        conditions.append(
            AlertCondition(
                rule=Rule.DUPLICATED_INTERVENTION,
                subject=type_name,
                agencies=agencies,
                since=since,
                due_at=since,
                message=(
                    f"{names} driver samma slags insats ({type_name}) samtidigt sedan "
                    f"{_day(since)}. Stäm av vem som fortsätter, så att arbetet inte görs "
                    "dubbelt."
                ),
            )
        )
    return _due(now, conditions)


def no_lead(state: CaseState, now: datetime, policy: RulePolicy) -> list[AlertCondition]:
    """Rule 5: two or more agencies hold the person and nobody has samordningsansvar."""
    since = state.unled_since
    if state.exited or since is None:
        return []
    agencies = state.holding_agencies()
    names = _cap(", ".join(_NAMES[agency] for agency in agencies))
    return _due(
        now,
        [
            AlertCondition(
                rule=Rule.NO_LEAD,
                subject="",
                agencies=agencies,
                since=since,
                due_at=since + policy.days(policy.lead_grace_days),
                message=(
                    f"{names} arbetar med personen sedan {_day(since)} men ingen har "
                    "samordningsansvaret. Kom överens om vem som tar det, t.ex. i en SIP."
                ),
            )
        ],
    )


def lost_contact(state: CaseState, now: datetime, policy: RulePolicy) -> list[AlertCondition]:
    """Rule 6: an agency has lost contact with the person; the others should know."""
    if state.exited:
        return []
    days = policy.lost_contact_days
    conditions = []
    for lane in state.lanes:
        lost = lane.contact_lost_since
        if lost is None:
            continue
        name = _NAMES[lane.agency]
        conditions.append(
            AlertCondition(
                rule=Rule.LOST_CONTACT,
                subject=lane.agency,
                agencies=_ordered((lane.agency, *state.holding_agencies())),
                since=lost,
                due_at=lost + policy.days(days),
                message=(
                    f"{_cap(name)} har inte haft kontakt med personen sedan {_day(lost)}. "
                    f"Den som har kontakt hör av sig till {name}; annars gör ni ett "
                    "gemensamt försök att nå personen."
                ),
            )
        )
    return _due(now, conditions)


def ended_without_next_step(
    state: CaseState, now: datetime, policy: RulePolicy
) -> list[AlertCondition]:
    """Rule 7: an intervention ended needing further support and nothing followed."""
    if state.exited:
        return []
    days = policy.next_step_days
    next_step = _next_steps(state)
    conditions = []
    for intervention in state.interventions:
        ended = intervention.ended_at
        if ended is None or not intervention.further_support_needed:
            continue
        if next_step(intervention, ended):
            continue
        kind = intervention.intervention_type or "okänd typ"
        conditions.append(
            AlertCondition(
                rule=Rule.ENDED_WITHOUT_NEXT_STEP,
                subject=intervention.intervention_id,
                agencies=(intervention.agency,),
                since=ended,
                due_at=ended + policy.days(days),
                message=(
                    f"Insatsen {kind} hos {_NAMES[intervention.agency]} avslutades "
                    f"{_day(ended)} med behov av fortsatt stöd, men inget nästa steg har "
                    "tagits. Planera nästa insats eller lämna över."
                ),
            )
        )
    return _due(now, conditions)


RULES: tuple[RuleCheck, ...] = (
    hand_off_unanswered,
    no_one_holds_case,
    benefit_gap,
    duplicated_intervention,
    no_lead,
    lost_contact,
    ended_without_next_step,
)


def evaluate(state: CaseState, now: datetime, policy: RulePolicy) -> list[AlertCondition]:
    """Every condition of every rule that is due at ``now``, in a stable order."""
    found = [condition for rule in RULES for condition in rule(state, now, policy)]
    return sorted(found, key=lambda c: (c.rule, c.subject))


def upcoming(state: CaseState, policy: RulePolicy) -> list[AlertCondition]:
    """Every condition the current facts lead to, whenever it falls due."""
    return evaluate(state, END_OF_TIME, policy)


def _next_steps(state: CaseState) -> Callable[[Intervention, datetime], bool]:
    """Whether a new intervention, a hand-off or a registration followed an ended
    intervention at or after a time; the latest of each is found once, not per
    intervention."""
    latest_starts = _latest_two(
        (other.started_at, other.intervention_id)
        for other in state.interventions
        if other.started_at is not None
    )
    # Hand-offs are listed by request time and a lane's registrations in business time,
    # so the latest of each is the last one.
    latest_other = max(
        (
            *((state.hand_offs[-1].requested_at,) if state.hand_offs else ()),
            *(lane.registrations[-1].start for lane in state.lanes if lane.registrations),
        ),
        default=None,
    )

    def next_step(ended: Intervention, at: datetime) -> bool:
        if latest_other is not None and latest_other >= at:
            return True
        started = _latest_other(latest_starts, ended.intervention_id)
        return started is not None and started >= at

    return next_step


Dated = tuple[datetime, str]


def _latest_two(dated: Iterable[Dated]) -> list[Dated]:
    """The two latest ``(time, id)`` pairs, latest first."""
    first: Dated | None = None
    second: Dated | None = None
    for item in dated:
        if first is None or item[0] > first[0]:
            first, second = item, first
        elif second is None or item[0] > second[0]:
            second = item
    return [pair for pair in (first, second) if pair is not None]


def _latest_other(top: list[Dated], excluded: str) -> datetime | None:
    """The latest time among the pairs whose id is not ``excluded``."""
    return next((at for at, key in top if key != excluded), None)


def _registered_after(periods: Iterable[Period]) -> Callable[[datetime], bool]:
    """Whether a registration period covers ``at`` or starts at or after it.

    ``covers(at) or start >= at`` is ``end is None or end > at or start >= at``; so the
    latest start and end, and whether one period is open, answer it for every ``at``.
    """
    open_period, latest_start, latest_end = False, None, None
    for period in periods:
        latest_start = period.start if latest_start is None else max(latest_start, period.start)
        if period.end is None:
            open_period = True
        else:
            latest_end = period.end if latest_end is None else max(latest_end, period.end)

    def registered_after(at: datetime) -> bool:
        return (
            open_period
            or (latest_end is not None and latest_end > at)
            or (latest_start is not None and latest_start >= at)
        )

    return registered_after


def _due(now: datetime, conditions: Iterable[AlertCondition]) -> list[AlertCondition]:
    return [condition for condition in conditions if condition.due_at <= now]


def _ordered(agencies: Iterable[Agency]) -> tuple[Agency, ...]:
    """Distinct agencies in the fixed order of ``Agency``, so alerts compare equal."""
    present = set(agencies)
    return tuple(agency for agency in Agency if agency in present)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(instant: datetime) -> str:
    return f"{instant:%Y-%m-%d}"


def _unanswered_message(hand_off: HandOff) -> str:
    sender, receiver = _NAMES[hand_off.from_agency], _NAMES[hand_off.to_agency]
    return (
        f"Överlämningen från {sender} till {receiver} begärdes "
        f"{_day(hand_off.requested_at)} och är obesvarad. "
        f"{_cap(receiver)} bekräftar eller avböjer; {sender} kontaktar mottagaren."
    )
