"""``samlad outbox republish SERVICE --from N``: publish again what a gap report names.

The coordination service reports a position a producer published that never arrived
(``GET /ops/gaps``); the producer's store still holds it, so its outbox publishes that
stretch again under the same ids. Copies that did arrive are dropped as duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from adapters.nats.connection import connect
from adapters.store.application import open_application
from services.agency.applications import AGENCY_APPLICATIONS
from services.settings import Settings


def add_parser(commands: Any) -> None:
    outbox = commands.add_parser("outbox", help="an agency's outbox relay")
    sub = outbox.add_subparsers(dest="outbox_command", required=True)
    republish = sub.add_parser("republish", help="publish a stretch of the store again")
    republish.add_argument("service", choices=sorted(AGENCY_APPLICATIONS))
    republish.add_argument("--from", dest="start", type=int, required=True,
                           help="the first position (notification id), e.g. a gap's missing")
    republish.add_argument("--to", dest="end", type=int, default=None)
    republish.add_argument("--data-dir")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.nats_url is None:
        raise SystemExit("samlad outbox republish: set SAMLAD_NATS_URL (samlad up prints it)")
    application = open_application(
        AGENCY_APPLICATIONS[args.service], settings.store, args.service
    )
    try:
        published = asyncio.run(_republish(settings, application, args.start, args.end))
    finally:
        application.close()
    print(f"{args.service}: republished {published} events from position {args.start}")
    return 0


async def _republish(settings: Settings, application: Any, start: int, end: int | None) -> int:
    from services.agency.service import agency_outbox

    client = await connect(settings.nats, str(application.agency))
    try:
        return await agency_outbox(application, client.jetstream()).republish(start, end)
    finally:
        await client.close()
