"""``Story`` — one person's path as the HTTP commands the agencies would receive.

Each step is one agency API call at a business date (days from the person's start);
steps are kept in business-time order, and each agency that has not seen the person
identifies them first (POST /persons), as a case worker would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

Body = dict[str, Any]


class Step(msgspec.Struct, frozen=True, kw_only=True):
    """One command: ``path`` holds ``{ref}``; ``await_hand_off`` waits for the bus first."""

    agency: str
    path: str
    body: Body
    await_hand_off: str | None = None


class Story:
    """Collects one person's steps; ``day`` 0 is the person's start (inskrivning)."""

    def __init__(self, *, personnummer: str, start: datetime, now: datetime, key: str) -> None:
        self.personnummer = personnummer
        self.start = start
        self.now = now
        self.key = key  # prefix of this person's ids, unique in the caseload
        self._steps: list[tuple[float, int, Step]] = []
        self._ids = 0

    def new_id(self, kind: str) -> str:
        self._ids += 1
        return f"{self.key}-{kind}-{self._ids}"

    def at(self, day: float) -> str:
        """The business time of ``day``, never later than now (no facts from the future)."""
        when = min(self.start + timedelta(days=day), self.now - timedelta(minutes=5))
        return when.isoformat()

    def days_until_now(self) -> float:
        return (self.now - self.start) / timedelta(days=1)

    def post(
        self, agency: str, day: float, path: str, await_hand_off: str | None = None,
        **body: Any,
    ) -> None:
        body = {"effective_at": self.at(day)} | body
        step = Step(agency=agency, path=f"/persons/{{ref}}{path}", body=body,
                    await_hand_off=await_hand_off)
        self._steps.append((day, len(self._steps), step))

    def enrol(self, day: float, **enrolment: Any) -> None:
        """Inskrivning at the kommun's AME: the kommun's way of identifying the person."""
        body = {"personnummer": self.personnummer, "effective_at": self.at(day)} | enrolment
        self._steps.append((day, len(self._steps), Step(agency="kommun", path="/persons",
                                                        body=body)))

    def steps(self) -> list[Step]:
        """In business-time order, each agency identifying the person before its first use."""
        ordered = [step for _, _, step in sorted(self._steps, key=lambda s: (s[0], s[1]))]
        known: set[str] = set()
        result: list[Step] = []
        for step in ordered:
            if step.agency not in known:
                known.add(step.agency)
                if step.path != "/persons":
                    result.append(Step(agency=step.agency, path="/persons",
                                       body={"personnummer": self.personnummer}))
            result.append(step)
        return result
