"""``Patient`` — a person in the region's records (patient i hälso- och sjukvården)."""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.domain import event

from domain.agencies import Agency
from domain.agency.errors import Conflict, Invalid, NotFound
from domain.agency.involvement import Involvement

SICK_LEAVE_EXTENTS = (25, 50, 75, 100)
"""Omfattning of sjukskrivning: quarter, half, three quarters or full time."""


class Patient(Involvement):
    """The region's record: sjukskrivningar (läkarintyg), rehabilitering, SIP participation."""

    agency = Agency.REGION

    @event("Opened")
    def __init__(self, *, person_ref: str, effective_at: datetime, recorded_at: datetime) -> None:
        self._open(person_ref)

    def _init_agency(self) -> None:
        self.sick_leave_certificates: set[str] = set()
        self.rehabilitations: dict[str, str] = {}
        self.sips: set[str] = set()

    # Sjukskrivning
    def certify_sick_leave(
        self, *, certificate_id: str, period_from: date, period_to: date, extent_percent: int,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if certificate_id in self.sick_leave_certificates:
            raise Conflict(f"certificate {certificate_id} already issued", field="certificate_id")
        if period_to < period_from:
            raise Invalid("period_to is before period_from", field="period_to")
        if extent_percent not in SICK_LEAVE_EXTENTS:
            raise Invalid("sick leave is 25, 50, 75 or 100 percent", field="extent_percent")
        self._sick_leave_certified(
            certificate_id, period_from, period_to, extent_percent, effective_at, recorded_at
        )

    @event("SickLeaveCertified")
    def _sick_leave_certified(
        self, certificate_id: str, period_from: date, period_to: date, extent_percent: int,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.sick_leave_certificates.add(certificate_id)

    # Rehabilitering
    def start_rehabilitation(
        self, *, rehabilitation_id: str, rehabilitation_kind: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if rehabilitation_id in self.rehabilitations:
            raise Conflict(f"rehabilitation {rehabilitation_id} already exists",
                           field="rehabilitation_id")
        self._rehabilitation_started(
            rehabilitation_id, rehabilitation_kind, effective_at, recorded_at
        )

    @event("RehabilitationStarted")
    def _rehabilitation_started(
        self, rehabilitation_id: str, rehabilitation_kind: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.rehabilitations[rehabilitation_id] = "active"

    def end_rehabilitation(
        self, *, rehabilitation_id: str, further_support_needed: bool,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        status = self.rehabilitations.get(rehabilitation_id)
        if status is None:
            raise NotFound(f"rehabilitation {rehabilitation_id} never started",
                           field="rehabilitation_id")
        if status != "active":
            raise Conflict(f"rehabilitation {rehabilitation_id} already ended",
                           field="rehabilitation_id")
        self._rehabilitation_ended(
            rehabilitation_id, further_support_needed, effective_at, recorded_at
        )

    @event("RehabilitationEnded")
    def _rehabilitation_ended(
        self, rehabilitation_id: str, further_support_needed: bool,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.rehabilitations[rehabilitation_id] = "ended"

    # SIP
    def confirm_sip_participation(
        self, *, sip_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        if sip_id in self.sips:
            raise Conflict(f"participation in SIP {sip_id} already confirmed", field="sip_id")
        self._sip_participation_confirmed(sip_id, effective_at, recorded_at)

    @event("SipParticipationConfirmed")
    def _sip_participation_confirmed(
        self, sip_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.sips.add(sip_id)
