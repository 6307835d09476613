"""``samlad person forget REF``: erasure (GDPR art. 17) by deleting the person's key."""

from __future__ import annotations

import argparse
import re
from typing import Any

from adapters.crypto.keystore import PersonKeyStore
from services.settings import Settings

PERSON_REF = re.compile(r"^p[a-z2-7]{26}$")


def add_parser(commands: Any) -> None:
    person = commands.add_parser("person", help="a person's personal data")
    sub = person.add_subparsers(dest="person_command", required=True)
    forget = sub.add_parser(
        "forget", help="delete the person's key: their personal fields become unreadable")
    forget.add_argument("person_ref")
    forget.add_argument("--data-dir")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not PERSON_REF.match(args.person_ref):
        raise SystemExit(f"samlad person forget: not a person_ref: {args.person_ref!r}")
    keys = PersonKeyStore.in_data_dir(settings.data_dir)
    had_key = keys.forget(args.person_ref)
    # Facts, hash chains and the stream stay; what was sealed with the key is now noise.
    print(f"forgotten {args.person_ref}" + ("" if had_key else " (no key was stored)"))
    return 0
