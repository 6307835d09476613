"""Producer gaps: positions published that never reached the shared case, and their refill.

A gap is a run of a producer's positions, ``from``..``to``, between the last position
seen here and the ``previous`` a later message names. After ``GAP_GRACE`` it is
reported (``GET /ops/gaps``) and, by ``GapRefill``, asked of the producing agency again
until it closes (adapters/outbox/refill.py); ``samlad outbox republish`` does the same
by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

import msgspec
import structlog
from nats.aio.client import Client

from adapters.nats.names import AGENCIES
from adapters.outbox.refill import ask_republish
from services.coordination.application import CoordinationApplication
from services.runtime.clock import Clock

log = structlog.get_logger(__name__)

GAP_GRACE = timedelta(seconds=30)
"""A moment of disorder (a refill, a redelivery) is no gap yet."""
ASK_AGAIN_AFTER = timedelta(minutes=1)
"""A request is fire and forget: an agency that was down is asked again."""
REFILL_POLL_SECONDS = 5.0


class Gap(msgspec.Struct, frozen=True, kw_only=True):
    producer: str
    first: int = msgspec.field(name="from")
    last: int = msgspec.field(name="to")
    seen_after: int


def open_gaps(
    application: CoordinationApplication, now: datetime, grace: timedelta = GAP_GRACE
) -> list[Gap]:
    """Every run of positions missing for longer than ``grace``, per producer."""
    return [Gap(**row) for row in application.find_gaps(now - grace)]


def producing_agency(producer: str) -> str | None:
    """``urn:samlad:kommun`` → ``kommun``; None for a producer that is no agency."""
    agency = producer.rpartition(":")[2]
    return agency if agency in AGENCIES else None


class GapRefill:
    """Asks each producing agency for its open gaps until they close.

    Runs in exactly one coordination process (a worker of its own, so job ownership
    can give it one owner); a second copy would only ask twice, which is harmless.
    """

    def __init__(
        self,
        application: CoordinationApplication,
        clock: Clock,
        *,
        poll_seconds: float = REFILL_POLL_SECONDS,
        ask_again_after: timedelta = ASK_AGAIN_AFTER,
        grace: timedelta = GAP_GRACE,
    ) -> None:
        self._application = application
        self._grace = grace
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._ask_again_after = ask_again_after
        self._asked: dict[tuple[str, int, int], datetime] = {}

    async def run(self, nc: Client, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.ask_once(nc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._poll_seconds)

    async def ask_once(self, nc: Client) -> int:
        """Ask for every open gap not asked for lately; how many requests were sent."""
        now = self._clock()
        gaps = await asyncio.to_thread(open_gaps, self._application, now, self._grace)
        still_open = {(gap.producer, gap.first, gap.last) for gap in gaps}
        self._asked = {key: at for key, at in self._asked.items() if key in still_open}
        asked = 0
        for gap in gaps:
            agency = producing_agency(gap.producer)
            key = (gap.producer, gap.first, gap.last)
            last_asked = self._asked.get(key)
            if agency is None or (last_asked and now - last_asked < self._ask_again_after):
                continue
            await ask_republish(nc, agency, gap.first, gap.last)
            self._asked[key] = now
            asked += 1
            log.info(
                "gap_refill_requested",
                agency=agency,
                start=gap.first,
                end=gap.last,
                seen_after=gap.seen_after,
            )
        return asked
