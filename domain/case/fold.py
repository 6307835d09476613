"""Folding facts into a case's state (architecture invariant 5).

Agencies' facts reach the case in any order, so the state is a pure function of the
*set* of facts: they are folded sorted by business time (``effective_at``, then
``recorded_at``, then ``event_id`` to break ties). Pairs (a hand-off and its answer, a
start and an end) are matched per id in domain/case/pairs.py, so either half may also
come first in business time.

After every fact the lanes' statuses and the since-times of the case-wide gaps (nobody
holds the case, nobody leads it) are settled at that fact's business time, so the rules
can reckon from when a gap began without reading any clock.

``FoldBuilder`` applies one fact in time independent of the case's history (counters,
not scans), and makes every change through a ``Journal`` so the newest facts can be
taken back: domain/case/incremental.py keeps the fold between facts and builds the
state from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
from domain.case.journal import Entry, Journal
from domain.case.pairs import BenefitRecord, ConsentRecord, HandOffRecord, InterventionRecord
from domain.case.state import (
    HOLDING_STATUSES,
    Anomaly,
    Exit,
    LaneStatus,
    Period,
)

__all__ = ["RECORD_KINDS", "FoldBuilder", "Record", "fact_order"]

Record = InterventionRecord | BenefitRecord | HandOffRecord | ConsentRecord
RECORD_KINDS = ("interventions", "benefits", "hand_offs", "consents")


def fact_order(fact: Fact) -> tuple[datetime, datetime, str]:
    """The fold's total order: business time, registration time, event id."""
    return (fact.effective_at, fact.recorded_at, fact.event_id)


@dataclass
class LaneBuild:
    """One agency's lane while folding (changed only through the builder's journal)."""

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


@dataclass
class FoldBuilder:
    """The fold's working state. ``dirty`` names the records changed since the state was
    last built (per kind); ``lanes_dirty`` and ``anomalies_dirty`` likewise."""

    journal: Journal
    lanes: dict[Agency, LaneBuild] = field(default_factory=dict)
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
    # Per agency: how many interventions and benefits run there, and how many hand-offs
    # to it await an answer; settling reads these instead of scanning every record.
    running: dict[Agency, int] = field(default_factory=dict)
    pending: dict[Agency, int] = field(default_factory=dict)
    dirty: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in RECORD_KINDS})
    lanes_dirty: bool = True
    anomalies_dirty: bool = True

    def apply(self, fact: Fact, *, undoable: bool = True) -> None:
        """Fold one fact, the latest in business time, recording how to undo it."""
        self.journal.begin(undoable=undoable)
        try:
            self._apply(fact)
            self._settle(fact.effective_at)
        finally:
            self.journal.end()

    def undo_last(self) -> None:
        """Take back the newest fact applied (the journal must reach it)."""
        for entry in self.journal.undo_last():
            self._undone(entry)

    def _undone(self, entry: Entry) -> None:
        """Mark what an undone change touched, so the next state rebuilds it."""
        container, name, _ = entry
        if container is self.anomalies:
            self.anomalies_dirty = True
        elif isinstance(container, LaneBuild | list) or container is self.lanes:
            self.lanes_dirty = True
        elif isinstance(container, Record):
            self.dirty[container.KIND].add(container.key)
        else:
            for kind in RECORD_KINDS:
                if container is getattr(self, kind):
                    self.dirty[kind].add(name)

    # -- changes, all through the journal ----------------------------------------------

    def _set(self, name: str, value: object) -> None:
        self.journal.set(self, name, value)

    def _change(self, record: Record, **changes: object) -> None:
        paired = isinstance(record, InterventionRecord | BenefitRecord)
        before = record.running_at() if paired else None  # type: ignore[union-attr]
        pending_before = record.pending_to if isinstance(record, HandOffRecord) else None
        for name, value in changes.items():
            self.journal.set(record, name, value)
        self.dirty[record.KIND].add(record.key)
        if paired:
            self._count(self.running, before, record.running_at())  # type: ignore[union-attr]
        elif isinstance(record, HandOffRecord):
            self._count(self.pending, pending_before, record.pending_to)

    def _count(
        self, counts: dict[Agency, int], before: Agency | None, after: Agency | None
    ) -> None:
        if before is after:
            return
        if before is not None:
            self.journal.put(counts, before, counts[before] - 1)
        if after is not None:
            self.journal.put(counts, after, counts.get(after, 0) + 1)

    def _change_lane(self, lane: LaneBuild, **changes: object) -> None:
        for name, value in changes.items():
            if getattr(lane, name) != value:
                self.journal.set(lane, name, value)
                self.lanes_dirty = True

    def _record(self, records: dict[str, Record], key: str, new: Record) -> Record:
        record = records.get(key)
        if record is None:
            self.journal.put(records, key, new)
            self.dirty[new.KIND].add(key)
            record = new
        return record

    def _apply(self, fact: Fact) -> None:  # noqa: PLR0912 - one branch per kind of fact
        match fact:
            case PersonEnrolled():
                self._set("enrolment", fact)
                self._set("exit", None)  # re-enrolment after an exit opens the case again
                # The enrolling agency holds the person from its inskrivning until exit
                # (domain.md, "who holds a person"): the enrolment opens its lane.
                self._registered(fact)
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
                self._change(self._consent(fact.consent_id), given=fact)
            case ConsentWithdrawn():
                record = self._consent(fact.consent_id)
                self._change(record, withdrawal=record.withdrawal or fact)
            case ContactLost():
                lane = self._lane(fact.agency, fact.effective_at)
                lost = lane.contact_lost_since or fact.effective_at
                self._change_lane(lane, contact_lost_since=lost)
            case ContactResumed():
                self._contact_resumed(fact)
            case LeadAssumed():
                self._set("lead", fact.agency)
                self._set("lead_since", fact.effective_at)
            case LeadReleased():
                self._lead_released(fact)
            case Exited():
                self._exited(fact)
            case Noted():
                pass  # timeline only

    # -- lanes, registration, contact, lead, exit -----------------------------------

    def _lane(self, agency: Agency, at: datetime) -> LaneBuild:
        lane = self.lanes.get(agency)
        if lane is None:
            lane = LaneBuild(agency=agency, since=at)
            self.journal.put(self.lanes, agency, lane)
            self.lanes_dirty = True
        return lane

    def _registered(self, fact: Registered | PersonEnrolled) -> None:
        lane = self._lane(fact.agency, fact.effective_at)
        self._change_lane(lane, accepted_waiting=False)
        if not lane.registered:
            self.journal.append(lane.registrations, Period(start=fact.effective_at))
            self.lanes_dirty = True

    def _deregistered(self, fact: Deregistered) -> None:
        lane = self._lane(fact.agency, fact.effective_at)
        self._change_lane(lane, accepted_waiting=False)
        if not lane.registered:
            self._flag(fact, "deregistered_while_not_registered",
                       f"{fact.agency} skrev ut personen utan att hen var inskriven.")  # fmt: skip
            return
        last = lane.registrations[-1]
        ended = Period(start=last.start, end=fact.effective_at)
        self.journal.replace_last(lane.registrations, ended)
        self.lanes_dirty = True

    def _contact_resumed(self, fact: ContactResumed) -> None:
        lane = self._lane(fact.agency, fact.effective_at)
        if lane.contact_lost_since is None:
            self._flag(fact, "contact_resumed_without_loss",
                       f"{fact.agency} återfick en kontakt som aldrig var förlorad.")  # fmt: skip
        self._change_lane(lane, contact_lost_since=None)

    def _lead_released(self, fact: LeadReleased) -> None:
        if self.lead is not fact.agency:
            self._flag(fact, "lead_released_by_non_lead",
                       f"{fact.agency} lämnade ett samordningsansvar den inte hade.")  # fmt: skip
            return
        self._set("lead", None)
        self._set("lead_since", None)

    def _exited(self, fact: Exited) -> None:
        if self.exit is not None:
            self._flag(fact, "exited_twice", "Personen avslutades två gånger.")
            return
        left = Exit(outcome=fact.outcome, exited_at=fact.effective_at, agency=fact.agency)
        self._set("exit", left)

    # -- pairs ------------------------------------------------------------------------

    def _intervention(self, intervention_id: str, agency: Agency) -> InterventionRecord:
        new = InterventionRecord(intervention_id=intervention_id, agency=agency)
        record = self._record(self.interventions, intervention_id, new)  # type: ignore[arg-type]
        assert isinstance(record, InterventionRecord)
        return record

    def _intervention_started(self, fact: InterventionStarted) -> None:
        record = self._intervention(fact.intervention_id, fact.agency)
        if record.started_at is not None:
            self._flag(fact, "intervention_started_twice",
                       f"Insatsen {fact.intervention_id} startades två gånger.")  # fmt: skip
            return
        self._change(record, agency=fact.agency, intervention_type=fact.intervention_type,
                     started_at=fact.effective_at)  # fmt: skip
        self._change_lane(self._lane(fact.agency, fact.effective_at), accepted_waiting=False)

    def _intervention_ended(self, fact: InterventionEnded) -> None:
        record = self._intervention(fact.intervention_id, fact.agency)
        self._lane(record.agency, fact.effective_at)
        if record.ended_at is not None:
            self._flag(fact, "intervention_ended_twice",
                       f"Insatsen {fact.intervention_id} avslutades två gånger.")  # fmt: skip
            return
        self._change(record, ended_at=fact.effective_at, end_event_id=fact.event_id,
                     further_support_needed=fact.further_support_needed)  # fmt: skip

    def _benefit(self, fact: BenefitStarted | BenefitEnded) -> BenefitRecord:
        new = BenefitRecord(benefit_id=fact.benefit_id, agency=fact.agency,
                            benefit_kind=fact.benefit_kind)  # fmt: skip
        record = self._record(self.benefits, fact.benefit_id, new)  # type: ignore[arg-type]
        assert isinstance(record, BenefitRecord)
        return record

    def _benefit_started(self, fact: BenefitStarted) -> None:
        record = self._benefit(fact)
        if record.started_at is not None:
            self._flag(fact, "benefit_started_twice",
                       f"Ersättningen {fact.benefit_id} beviljades två gånger.")  # fmt: skip
            return
        self._change(record, started_at=fact.effective_at)
        self._change_lane(self._lane(fact.agency, fact.effective_at), accepted_waiting=False)

    def _benefit_ended(self, fact: BenefitEnded) -> None:
        record = self._benefit(fact)
        self._lane(record.agency, fact.effective_at)
        if record.ended_at is not None:
            self._flag(fact, "benefit_ended_twice",
                       f"Ersättningen {fact.benefit_id} upphörde två gånger.")  # fmt: skip
            return
        self._change(record, ended_at=fact.effective_at, end_event_id=fact.event_id,
                     rehab_chain_day=fact.rehab_chain_day)  # fmt: skip

    def _hand_off(self, hand_off_id: str) -> HandOffRecord:
        new = HandOffRecord(hand_off_id=hand_off_id)
        record = self._record(self.hand_offs, hand_off_id, new)  # type: ignore[arg-type]
        assert isinstance(record, HandOffRecord)
        return record

    def _hand_off_requested(self, fact: HandOffRequested) -> None:
        record = self._hand_off(fact.hand_off_id)
        if record.request is not None:
            self._flag(fact, "hand_off_requested_twice",
                       f"Överlämningen {fact.hand_off_id} begärdes två gånger.")  # fmt: skip
            return
        self._change(record, request=fact)
        self._lane(fact.to_agency, fact.effective_at)

    def _hand_off_answered(self, fact: HandOffAccepted | HandOffRejected) -> None:
        record = self._hand_off(fact.hand_off_id)
        if record.answer is not None:
            self._flag(fact, "hand_off_answered_twice",
                       f"Överlämningen {fact.hand_off_id} besvarades två gånger.")  # fmt: skip
            return
        self._change(record, answer=fact)
        lane = self._lane(fact.agency, fact.effective_at)
        if isinstance(fact, HandOffAccepted):
            self._change_lane(lane, accepted_waiting=True)

    def _consent(self, consent_id: str) -> ConsentRecord:
        new = ConsentRecord(consent_id=consent_id)
        record = self._record(self.consents, consent_id, new)  # type: ignore[arg-type]
        assert isinstance(record, ConsentRecord)
        return record

    def _flag(self, fact: Fact, kind: str, message: str) -> None:
        anomaly = Anomaly(event_id=fact.event_id, kind=kind, message=message)
        self.journal.append(self.anomalies, anomaly)
        self.anomalies_dirty = True

    # -- settled after every fact ---------------------------------------------------

    def _settle(self, at: datetime) -> None:
        """Recompute lane statuses and the since-times of the case-wide gaps at ``at``."""
        holding = 0
        for lane in self.lanes.values():
            status = self._status(lane, self.pending.get(lane.agency, 0) > 0)
            if status is not lane.status:
                self._change_lane(lane, status=status, since=at)
            holding += status in HOLDING_STATUSES
        open_case = self.exit is None
        held = holding > 0 or any(self.pending.values())
        unheld_since = _since(open_case and not held, self.unheld_since, at)
        if unheld_since != self.unheld_since:
            self._set("unheld_since", unheld_since)
        unled = open_case and holding >= 2 and self.lead is None
        unled_since = _since(unled, self.unled_since, at)
        if unled_since != self.unled_since:
            self._set("unled_since", unled_since)

    def _status(self, lane: LaneBuild, hand_off_pending: bool) -> LaneStatus:
        if self.exit is not None:
            return LaneStatus.FINISHED
        running = self.running.get(lane.agency, 0) > 0
        if running or lane.registered or lane.accepted_waiting:
            if lane.contact_lost_since is not None:
                return LaneStatus.ON_HOLD
            return LaneStatus.ACTIVE if running else LaneStatus.WAITING
        return LaneStatus.PLANNED if hand_off_pending else LaneStatus.FINISHED


def _since(holds: bool, since: datetime | None, at: datetime) -> datetime | None:
    """Keep the start of a condition while it holds; forget it when it ends."""
    if not holds:
        return None
    return since if since is not None else at
