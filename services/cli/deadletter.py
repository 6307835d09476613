"""``samlad deadletter list|replay``: see what was parked and why, and put it back.

A consumer parks a message it can never take on ``samlad.deadletter.<agency>`` with its
reason (invariant 9). Once the cause is fixed (a contract, a bug, a store that was
wrongly judged broken), ``replay`` publishes the letter again on its original subject
under the ``admin`` identity; the consumers apply it by event id, so a letter whose
event did arrive meanwhile changes nothing. A replay is recorded, and a letter already
replayed is skipped unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import msgspec

from adapters.nats.connection import connect
from adapters.nats.deadletters import DeadLetters, DeadLetterView
from adapters.nats.names import ADMIN, AGENCIES, COORDINATION
from services.settings import Settings

PROGRESS_EVERY = 200


def add_parser(commands: Any) -> None:
    deadletter = commands.add_parser("deadletter", help="dead letters: list and replay")
    sub = deadletter.add_subparsers(dest="deadletter_command", required=True)
    agencies = sorted((*AGENCIES, COORDINATION))
    listing = sub.add_parser("list", help="dead letters with their reason and origin")
    listing.add_argument("--agency", choices=agencies)
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.add_argument("--data-dir")
    replay = sub.add_parser("replay", help="publish dead letters again on their subject")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", type=int, default=[],
                       help="dead letter ids (as `list` shows them)")
    which.add_argument("--all", action="store_true",
                       help="every replayable letter not replayed yet")
    replay.add_argument("--agency", choices=agencies)
    replay.add_argument("--force", action="store_true",
                        help="replay letters that were replayed before")
    replay.add_argument("--data-dir")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.nats_url is None:
        raise SystemExit("samlad deadletter: set SAMLAD_NATS_URL (samlad up prints it)")
    if args.deadletter_command == "list":
        return asyncio.run(_list(settings, args.agency, as_json=args.json))
    if not args.all and not args.ids:
        raise SystemExit("samlad deadletter replay: name dead letter ids or --all")
    return asyncio.run(_replay(settings, args.ids, every=args.all, agency=args.agency,
                               force=args.force))


def _progress(done: int, total: int) -> None:
    if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
        print(f"\rreading dead letters {done}/{total}", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


async def _list(settings: Settings, agency: str | None, *, as_json: bool) -> int:
    client = await connect(settings.nats, ADMIN)
    try:
        letters = await DeadLetters(client.jetstream(timeout=10)).list(
            agency=agency, progress=_progress)
    finally:
        await client.close()
    if as_json:
        print(msgspec.json.encode(letters).decode())
        return 0
    for letter in letters:
        print(_line(letter))
    print(f"{len(letters)} dead letter(s)", file=sys.stderr)
    return 0


def _line(letter: DeadLetterView) -> str:
    state = "replayed" if letter.replayed else ("parked" if letter.replayable else "in-store")
    origin = (f"{letter.original_subject}#{letter.original_sequence}"
              if letter.original_subject else "(outbox: fix and republish from the store)")
    return f"{letter.id:>6}  {letter.agency:<12} {state:<8} {origin}  {letter.reason}"


async def _replay(
    settings: Settings, ids: list[int], *, every: bool, agency: str | None, force: bool
) -> int:
    client = await connect(settings.nats, ADMIN)
    refused = 0
    try:
        letters = DeadLetters(client.jetstream(timeout=10))
        known = {letter.id: letter
                 for letter in await letters.list(agency=agency, progress=_progress)}
        if every:
            chosen = [letter for letter in known.values()
                      if letter.replayable and (force or not letter.replayed)]
        else:
            chosen = []
            for letter_id in ids:
                letter = known.get(letter_id)
                reason = _refusal(letter, letter_id, force)
                if reason:
                    print(f"{letter_id}: not replayed: {reason}", file=sys.stderr)
                    refused += 1
                elif letter is not None:
                    chosen.append(letter)
        for done, letter in enumerate(chosen, start=1):
            await letters.replay(letter)
            print(f"{letter.id}: replayed on {letter.original_subject} "
                  f"({done}/{len(chosen)})")
    finally:
        await client.close()
    print(f"{len(chosen)} replayed, {refused} refused", file=sys.stderr)
    return 1 if refused else 0


def _refusal(letter: DeadLetterView | None, letter_id: int, force: bool) -> str | None:
    if letter is None:
        return f"no dead letter {letter_id} (of that agency)"
    if not letter.replayable:
        return "not taken from the bus: fix the event in its store and republish it"
    if letter.replayed and not force:
        return "already replayed (use --force to replay it again)"
    return None
