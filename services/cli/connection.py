"""``samlad connection <agency>``: what an agency system connects with, as shell exports.

An integrator needs three settings (docs/integrating.md, step 1): the NATS URL, the
agency's nkey seed file and its inbox prefix, and the pseudonymisation key to compute
person references at its edge. On the embedded default they are in the data dir of a
running ``samlad up``; this prints them so ``eval "$(samlad connection af)"`` sets them.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from adapters.nats.credentials import seed_path
from adapters.nats.names import AGENCIES, inbox_prefix
from adapters.nats.server import running_url
from services.settings import Settings


def add_parser(commands: Any) -> None:
    connection = commands.add_parser(
        "connection", help="an agency's NATS URL, seed, inbox prefix and pseudonym key"
    )
    connection.add_argument("agency", choices=AGENCIES)
    connection.add_argument("--data-dir")


def exports(settings: Settings, agency: str, nats_url: str) -> dict[str, str]:
    """The variables the guide's examples (and examples/integrator-node) read."""
    return {
        "SAMLAD_NATS_URL": nats_url,
        "SAMLAD_NATS_SEED": str(seed_path(settings.nats.credentials_dir, agency).resolve()),
        "SAMLAD_NATS_INBOX_PREFIX": inbox_prefix(agency),
        "SAMLAD_PSEUDONYM_KEY": str(settings.pseudonym_key_file.resolve()),
        "SAMLAD_AGENCY": agency,
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.nats_url or running_url(settings.nats)
    if url is None:
        raise SystemExit(
            f"samlad connection: no running samlad up on {settings.data_dir}; start it "
            "(samlad up --data-dir DIR) or set SAMLAD_NATS_URL"
        )
    for name, value in exports(settings, args.agency, url).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0
