"""The fold as it was before it became incremental: the oracle of the property tests.

Every fact folded in order by one builder that scans all records after each fact
(quadratic, and simple). The incremental fold (domain/case/incremental.py) must give
exactly this state for any set of facts, whatever order they arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from domain.agencies import Agency
from domain.case.facts import (
    BenefitEnded,
    BenefitStarted,
    ConsentGiven,
    ConsentWithdrawn,
    ContactLost,
    ContactResumed,
    Deregistered,
    Exited,
    Fact,
    HandOffAccepted,
    HandOffRejected,
    HandOffRequested,
    InterventionEnded,
    InterventionStarted,
    LeadAssumed,
    LeadReleased,
    Noted,
    PersonEnrolled,
    Registered,
)
from domain.case.pairs import BenefitRecord, ConsentRecord, HandOffRecord, InterventionRecord
from domain.case.state import (
    HOLDING_STATUSES,
    Anomaly,
    CaseState,
    Exit,
    Lane,
    LaneStatus,
    Period,
)

__all__ = ["reference_fold"]


def fact_order(fact: Fact) -> tuple[datetime, datetime, str]:
    """The fold's total order: business time, registration time, event id."""
    return (fact.effective_at, fact.recorded_at, fact.event_id)


def reference_fold(facts: Iterable[Fact]) -> CaseState:
    """The state of a case holding ``facts``; the first fact per event id counts."""
    unique: dict[str, Fact] = {}
    for fact in facts:
        unique.setdefault(fact.event_id, fact)
    builder = _Builder()
    for fact in sorted(unique.values(), key=fact_order):
        builder.apply(fact)
    return builder.result()


@dataclass
class _LaneBuild:
    agency: Agency
    since: datetime
    status: LaneStatus = LaneStatus.FINISHED
    registrations: list[Period] = field(default_factory=list)
    # An accepted hand-off makes the receiver hold the person until it starts, registers
    # or deregisters: acceptance alone must not keep a lane open forever.
    accepted_waiting: bool = False
    contact_lost_since: datetime | None = None

    @property
    def registered(self) -> bool:
        return bool(self.registrations) and self.registrations[-1].end is None

    def result(self) -> Lane:
        return Lane(
            agency=self.agency,
            status=self.status,
            since=self.since,
            registrations=tuple(self.registrations),
            contact_lost_since=self.contact_lost_since,
        )


@dataclass
class _Builder:
    lanes: dict[Agency, _LaneBuild] = field(default_factory=dict)
    interventions: dict[str, InterventionRecord] = field(default_factory=dict)
    benefits: dict[str, BenefitRecord] = field(default_factory=dict)
    hand_offs: dict[str, HandOffRecord] = field(default_factory=dict)
    consents: dict[str, ConsentRecord] = field(default_factory=dict)
    enrolment: PersonEnrolled | None = None
    lead: Agency | None = None
    lead_since: datetime | None = None
    exit: Exit | None = None
    unheld_since: datetime | None = None
    unled_since: datetime | None = None
    anomalies: list[Anomaly] = field(default_factory=list)

    def apply(self, fact: Fact) -> None:
        self._apply(fact)
        self._settle(fact.effective_at)

    def _apply(self, fact: Fact) -> None:  # noqa: PLR0912 - one branch per kind of fact
        match fact:
            case PersonEnrolled():
                self.enrolment = fact
                self.exit = None  # re-enrolment after an exit opens the case again
                self._registered(fact)  # the enrolling agency holds the person
            case Registered():
                self._registered(fact)
            case Deregistered():
                self._deregistered(fact)
            case InterventionStarted():
                self._intervention_started(fact)
            case InterventionEnded():
                self._intervention_ended(fact)
            case BenefitStarted():
                self._benefit_started(fact)
            case BenefitEnded():
                self._benefit_ended(fact)
            case HandOffRequested():
                self._hand_off_requested(fact)
            case HandOffAccepted() | HandOffRejected():
                self._hand_off_answered(fact)
            case ConsentGiven():
                self._consent(fact.consent_id).given = fact
            case ConsentWithdrawn():
                record = self._consent(fact.consent_id)
                record.withdrawal = record.withdrawal or fact
            case ContactLost():
                lane = self._lane(fact.agency, fact.effective_at)
                lane.contact_lost_since = lane.contact_lost_since or fact.effective_at
            case ContactResumed():
                self._contact_resumed(fact)
            case LeadAssumed():
                self.lead, self.lead_since = fact.agency, fact.effective_at
            case LeadReleased():
                self._lead_released(fact)
            case Exited():
                self._exited(fact)
            case Noted():
                pass  # timeline only

    # -- lanes, registration, contact, lead, exit -----------------------------------

    def _lane(self, agency: Agency, at: datetime) -> _LaneBuild:
        if agency not in self.lanes:
            self.lanes[agency] = _LaneBuild(agency=agency, since=at)
        return self.lanes[agency]

    def _registered(self, fact: Registered | PersonEnrolled) -> None:
        lane = self._lane(fact.agency, fact.effective_at)
        lane.accepted_waiting = False
        if not lane.registered:
            lane.registrations.append(Period(start=fact.effective_at))

    def _deregistered(self, fact: Deregistered) -> None:
        lane = self._lane(fact.agency, fact.effective_at)
        lane.accepted_waiting = False
        if not lane.registered:
            self._flag(fact, "deregistered_while_not_registered",
                       f"{fact.agency} skrev ut personen utan att hen var inskriven.")  # fmt: skip
            return
        last = lane.registrations[-1]
        lane.registrations[-1] = Period(start=last.start, end=fact.effective_at)

    def _contact_resumed(self, fact: ContactResumed) -> None:
        lane = self._lane(fact.agency, fact.effective_at)
        if lane.contact_lost_since is None:
            self._flag(fact, "contact_resumed_without_loss",
                       f"{fact.agency} återfick en kontakt som aldrig var förlorad.")  # fmt: skip
        lane.contact_lost_since = None

    def _lead_released(self, fact: LeadReleased) -> None:
        if self.lead is not fact.agency:
            self._flag(fact, "lead_released_by_non_lead",
                       f"{fact.agency} lämnade ett samordningsansvar den inte hade.")  # fmt: skip
            return
        self.lead, self.lead_since = None, None

    def _exited(self, fact: Exited) -> None:
        if self.exit is not None:
            self._flag(fact, "exited_twice", "Personen avslutades två gånger.")
            return
        self.exit = Exit(outcome=fact.outcome, exited_at=fact.effective_at, agency=fact.agency)

    # -- pairs ------------------------------------------------------------------------

    def _intervention(self, intervention_id: str, agency: Agency) -> InterventionRecord:
        return self.interventions.setdefault(
            intervention_id, InterventionRecord(intervention_id=intervention_id, agency=agency)
        )

    def _intervention_started(self, fact: InterventionStarted) -> None:
        record = self._intervention(fact.intervention_id, fact.agency)
        if record.started_at is not None:
            self._flag(fact, "intervention_started_twice",
                       f"Insatsen {fact.intervention_id} startades två gånger.")  # fmt: skip
            return
        record.agency, record.intervention_type = fact.agency, fact.intervention_type
        record.started_at = fact.effective_at
        self._lane(fact.agency, fact.effective_at).accepted_waiting = False

    def _intervention_ended(self, fact: InterventionEnded) -> None:
        record = self._intervention(fact.intervention_id, fact.agency)
        self._lane(record.agency, fact.effective_at)
        if record.ended_at is not None:
            self._flag(fact, "intervention_ended_twice",
                       f"Insatsen {fact.intervention_id} avslutades två gånger.")  # fmt: skip
            return
        record.ended_at, record.end_event_id = fact.effective_at, fact.event_id
        record.further_support_needed = fact.further_support_needed

    def _benefit(self, fact: BenefitStarted | BenefitEnded) -> BenefitRecord:
        return self.benefits.setdefault(
            fact.benefit_id,
            BenefitRecord(
                benefit_id=fact.benefit_id, agency=fact.agency, benefit_kind=fact.benefit_kind
            ),
        )

    def _benefit_started(self, fact: BenefitStarted) -> None:
        record = self._benefit(fact)
        if record.started_at is not None:
            self._flag(fact, "benefit_started_twice",
                       f"Ersättningen {fact.benefit_id} beviljades två gånger.")  # fmt: skip
            return
        record.started_at = fact.effective_at
        self._lane(fact.agency, fact.effective_at).accepted_waiting = False

    def _benefit_ended(self, fact: BenefitEnded) -> None:
        record = self._benefit(fact)
        self._lane(record.agency, fact.effective_at)
        if record.ended_at is not None:
            self._flag(fact, "benefit_ended_twice",
                       f"Ersättningen {fact.benefit_id} upphörde två gånger.")  # fmt: skip
            return
        record.ended_at, record.end_event_id = fact.effective_at, fact.event_id
        record.rehab_chain_day = fact.rehab_chain_day

    def _hand_off(self, hand_off_id: str) -> HandOffRecord:
        return self.hand_offs.setdefault(hand_off_id, HandOffRecord(hand_off_id=hand_off_id))

    def _hand_off_requested(self, fact: HandOffRequested) -> None:
        record = self._hand_off(fact.hand_off_id)
        if record.request is not None:
            self._flag(fact, "hand_off_requested_twice",
                       f"Överlämningen {fact.hand_off_id} begärdes två gånger.")  # fmt: skip
            return
        record.request = fact
        self._lane(fact.to_agency, fact.effective_at)

    def _hand_off_answered(self, fact: HandOffAccepted | HandOffRejected) -> None:
        record = self._hand_off(fact.hand_off_id)
        if record.answer is not None:
            self._flag(fact, "hand_off_answered_twice",
                       f"Överlämningen {fact.hand_off_id} besvarades två gånger.")  # fmt: skip
            return
        record.answer = fact
        lane = self._lane(fact.agency, fact.effective_at)
        if isinstance(fact, HandOffAccepted):
            lane.accepted_waiting = True

    def _consent(self, consent_id: str) -> ConsentRecord:
        return self.consents.setdefault(consent_id, ConsentRecord(consent_id=consent_id))

    def _flag(self, fact: Fact, kind: str, message: str) -> None:
        self.anomalies.append(Anomaly(event_id=fact.event_id, kind=kind, message=message))

    # -- settled after every fact ---------------------------------------------------

    def _settle(self, at: datetime) -> None:
        """Recompute lane statuses and the since-times of the case-wide gaps at ``at``."""
        pending_to = {r.pending_to for r in self.hand_offs.values()} - {None}
        for lane in self.lanes.values():
            status = self._status(lane, lane.agency in pending_to)
            if status is not lane.status:
                lane.status, lane.since = status, at
        holding = [lane for lane in self.lanes.values() if lane.status in HOLDING_STATUSES]
        open_case = self.exit is None
        held = bool(holding) or bool(pending_to)
        self.unheld_since = _since(open_case and not held, self.unheld_since, at)
        unled = open_case and len(holding) >= 2 and self.lead is None
        self.unled_since = _since(unled, self.unled_since, at)

    def _status(self, lane: _LaneBuild, hand_off_pending: bool) -> LaneStatus:
        if self.exit is not None:
            return LaneStatus.FINISHED
        running = any(r.running_at() is lane.agency for r in self.interventions.values()) or any(
            r.running_at() is lane.agency for r in self.benefits.values()
        )
        if running or lane.registered or lane.accepted_waiting:
            if lane.contact_lost_since is not None:
                return LaneStatus.ON_HOLD
            return LaneStatus.ACTIVE if running else LaneStatus.WAITING
        return LaneStatus.PLANNED if hand_off_pending else LaneStatus.FINISHED

    # -- the result -----------------------------------------------------------------

    def result(self) -> CaseState:
        anomalies = list(self.anomalies)
        # Listed in business-time order, ties by id, for the views.
        interventions = sorted(
            _results(self.interventions, anomalies),
            key=lambda i: (_earliest(i.started_at, i.ended_at), i.intervention_id),
        )
        benefits = sorted(
            _results(self.benefits, anomalies),
            key=lambda b: (_earliest(b.started_at, b.ended_at), b.benefit_id),
        )
        hand_offs = sorted(
            _results(self.hand_offs, anomalies), key=lambda h: (h.requested_at, h.hand_off_id)
        )
        consents = _results(self.consents, anomalies)
        enrolment = self.enrolment
        return CaseState(
            kommun=enrolment.kommun if enrolment else None,
            gender=enrolment.gender if enrolment else None,
            birth_year=enrolment.birth_year if enrolment else None,
            target_groups=enrolment.target_groups if enrolment else (),
            enrolled_at=enrolment.effective_at if enrolment else None,
            enrolled_by=enrolment.agency if enrolment else None,
            lanes=tuple(self.lanes[agency].result() for agency in Agency if agency in self.lanes),
            interventions=tuple(interventions),
            benefits=tuple(benefits),
            hand_offs=tuple(hand_offs),
            lead=self.lead,
            lead_since=self.lead_since,
            consents=consents,
            exit=self.exit,
            unheld_since=self.unheld_since,
            unled_since=self.unled_since,
            anomalies=tuple(anomalies),
        )


T_co = TypeVar("T_co", covariant=True)


class _Pair(Protocol[T_co]):
    def result(self) -> tuple[T_co | None, Anomaly | None]: ...


def _results(records: Mapping[str, _Pair[T_co]], anomalies: list[Anomaly]) -> tuple[T_co, ...]:
    """The records' results in id order (stable, whatever the fold order); collects anomalies."""
    found = []
    for _, record in sorted(records.items()):
        item, anomaly = record.result()
        if anomaly is not None:
            anomalies.append(anomaly)
        if item is not None:
            found.append(item)
    return tuple(found)


def _since(holds: bool, since: datetime | None, at: datetime) -> datetime | None:
    """Keep the start of a condition while it holds; forget it when it ends."""
    if not holds:
        return None
    return since if since is not None else at


def _earliest(*instants: datetime | None) -> datetime:
    return min(instant for instant in instants if instant is not None)
