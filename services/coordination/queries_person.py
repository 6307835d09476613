"""The person's own view (min sida): their case as they may read it, in lättläst Swedish.

One question, asked with the person reference of a ``person`` token and nothing else:
who works with me, what is planned, what each agency waits for, whom to call, and
which consents are in force (and where each is kept, so it can be withdrawn there).
It is the person's own data, so no agency's secrecy hides one part from them; what it
leaves out are the case workers' free-text notes (reasons, details), which are the
agencies' records, asked for from each agency (registerutdrag), not shown here.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.agencies import Agency, RecordedBy
from domain.case.aggregate import Case
from domain.case.facts import ConsentGiven, Noted
from domain.case.state import CaseState, HandOffStatus, LaneStatus
from services.coordination import plain_swedish as words
from services.coordination.contacts import AgencyContact, Contacts
from services.coordination.reading import CaseReader

MAX_STEPS = 10


class OwnAgency(msgspec.Struct, frozen=True, kw_only=True):
    """One agency the person has to do with: how, since when, and how to reach it."""

    agency: str
    name: str
    status: str
    since: datetime | None
    lead: bool
    text: str
    contact: AgencyContact | None = None


class PlanItem(msgspec.Struct, frozen=True, kw_only=True):
    """An intervention (insats) or a benefit (ersättning), running or ended."""

    agency: str
    kind: str  # "insats" or "ersattning"
    what: str
    running: bool
    started_at: datetime | None
    ended_at: datetime | None
    text: str


class Waiting(msgspec.Struct, frozen=True, kw_only=True):
    """Something an agency has still to do, or waits for from the person."""

    agency: str
    since: datetime
    text: str


class Step(msgspec.Struct, frozen=True, kw_only=True):
    """Something that has happened on the way: a kartläggning, a SIP, a meeting, a job."""

    agency: str
    at: datetime
    text: str


class OwnConsent(msgspec.Struct, frozen=True, kw_only=True):
    """A consent in force; ``kept_by`` is the agency that recorded it (withdraw there)."""

    consent_id: str
    scope: str
    to_agencies: list[str]
    given_at: datetime
    kept_by: str | None
    recorded_by: str
    text: str
    given_text: str


class OwnView(msgspec.Struct, frozen=True, kw_only=True):
    """``GET /me``: the person's own case, every sentence in plain Swedish."""

    person_ref: str
    lead: str | None
    lead_text: str
    agencies: list[OwnAgency]
    plan: list[PlanItem]
    waiting: list[Waiting]
    steps: list[Step]
    """Newest first, at most ``MAX_STEPS``."""
    consents: list[OwnConsent]
    consent_kept_by: str | None
    """Where a consent given on the page is recorded (the lead, else the enrolling or
    first involved agency); None while no agency knows the person."""
    scopes: dict[str, str]
    exited: bool


def get_own_view(reader: CaseReader, contacts: Contacts, person_ref: str) -> OwnView | None:
    """The person's own view, or None while no agency has told the shared case of them."""
    case = reader.find(person_ref)
    return None if case is None else own_view(case, contacts)


def own_view(case: Case, contacts: Contacts) -> OwnView:
    state = case.state
    return OwnView(
        person_ref=case.person_ref,
        lead=str(state.lead) if state.lead else None,
        lead_text=words.LEAD.format(name=words.agency(state.lead)) if state.lead else words.NO_LEAD,
        agencies=_agencies(state, contacts),
        plan=_plan(state),
        waiting=_waiting(state),
        steps=_steps(case),
        consents=_consents(case),
        consent_kept_by=_keeper(state),
        scopes=dict(words.SCOPE),
        exited=state.exited,
    )


def _agencies(state: CaseState, contacts: Contacts) -> list[OwnAgency]:
    found = []
    for agency in Agency:
        lane = state.lane(agency)
        if lane is None and state.enrolled_by is not agency:
            continue
        name = words.agency(agency)
        text = (words.LANE[lane.status] if lane else words.ENROLLED).format(name=name)
        found.append(
            OwnAgency(
                agency=str(agency),
                name=name,
                status=str(lane.status) if lane else "enrolled",
                since=lane.since if lane else state.enrolled_at,
                lead=state.lead is agency,
                text=text,
                contact=contacts.get(agency),
            )
        )
    return found


def _plan(state: CaseState) -> list[PlanItem]:
    items = [
        PlanItem(
            agency=str(i.agency),
            kind="insats",
            what=words.INTERVENTION.get(i.intervention_type, words.SOME_INTERVENTION)
            if i.intervention_type
            else words.SOME_INTERVENTION,
            running=i.running,
            started_at=i.started_at,
            ended_at=i.ended_at,
            text=_when(i.started_at, i.ended_at),
        )
        for i in state.interventions
    ] + [
        PlanItem(
            agency=str(b.agency),
            kind="ersattning",
            what=words.BENEFIT.get(b.benefit_kind, b.benefit_kind),
            running=b.running,
            started_at=b.started_at,
            ended_at=b.ended_at,
            text=_when(b.started_at, b.ended_at),
        )
        for b in state.benefits
    ]
    return sorted(items, key=_newest_running_first)


def _newest_running_first(item: PlanItem) -> tuple[bool, float]:
    """What runs now first, then the most recent."""
    at = item.started_at or item.ended_at
    return (not item.running, -at.timestamp() if at else 0.0)


def _when(started: datetime | None, ended: datetime | None) -> str:
    if ended is not None:
        return words.ENDED.format(day=words.day(ended))
    return words.RUNNING.format(day=words.day(started)) if started else ""


def _waiting(state: CaseState) -> list[Waiting]:
    found = [
        Waiting(
            agency=str(h.to_agency),
            since=h.requested_at,
            text=words.WAITING_FOR_ANSWER.format(
                to=words.agency(h.to_agency),
                sender=words.agency(h.from_agency),
                day=words.day(h.requested_at),
            ),
        )
        for h in state.hand_offs
        if h.status is HandOffStatus.REQUESTED
    ]
    for lane in state.lanes:
        name = words.agency(lane.agency)
        if lane.status is LaneStatus.WAITING:
            found.append(
                Waiting(
                    agency=str(lane.agency),
                    since=lane.since,
                    text=words.WAITING_FOR_START.format(name=name),
                )
            )
        elif lane.status is LaneStatus.ON_HOLD:
            found.append(
                Waiting(
                    agency=str(lane.agency),
                    since=lane.contact_lost_since or lane.since,
                    text=words.WAITING_FOR_YOU.format(name=name),
                )
            )
    return sorted(found, key=lambda w: w.since)


def _steps(case: Case) -> list[Step]:
    found = [
        Step(
            agency=str(fact.agency),
            at=fact.effective_at,
            text=words.STEP[fact.topic].format(name=words.agency(fact.agency)),
        )
        for fact in case.facts
        if isinstance(fact, Noted) and fact.topic in words.STEP
    ]
    return sorted(found, key=lambda step: step.at, reverse=True)[:MAX_STEPS]


def _consents(case: Case) -> list[OwnConsent]:
    given = {f.consent_id: f for f in case.facts if isinstance(f, ConsentGiven)}
    found = []
    for consent in case.state.consents:
        fact = given.get(consent.consent_id)
        by_person = fact is not None and fact.recorded_by is RecordedBy.PERSON
        keeper = fact.agency if fact is not None else None
        found.append(
            OwnConsent(
                consent_id=consent.consent_id,
                scope=consent.consent_scope,
                to_agencies=[str(a) for a in consent.to_agencies],
                given_at=consent.given_at,
                kept_by=str(keeper) if keeper else None,
                recorded_by=str(RecordedBy.PERSON if by_person else RecordedBy.AGENCY),
                text=words.CONSENT.format(
                    names=words.agencies(list(consent.to_agencies)),
                    what=words.scope(consent.consent_scope),
                ),
                given_text=words.GIVEN_BY_YOU.format(day=words.day(consent.given_at))
                if by_person or keeper is None
                else words.GIVEN_AT_AGENCY.format(
                    name=words.agency(keeper), day=words.day(consent.given_at)
                ),
            )
        )
    return found


def _keeper(state: CaseState) -> str | None:
    """The agency that records a consent the person gives on their page.

    One that knows the person already (it must hold their record): the lead, else the
    agency that enrolled them, else the first involved.
    """
    if state.lead is not None:
        return str(state.lead)
    if state.enrolled_by is not None:
        return str(state.enrolled_by)
    return str(state.lanes[0].agency) if state.lanes else None
