"""``samlad token issue``: a signed bearer token; ``public-key``: what services verify with."""

from __future__ import annotations

import argparse
import os
from datetime import timedelta
from typing import Any

from adapters.auth.principal import Role
from adapters.auth.tokens import issue_token, load_signing_key, public_key_text
from adapters.pseudonym import Pseudonymiser
from services.settings import Settings

AGENCIES = ("kommun", "af", "fk", "region")


def add_parser(commands: Any) -> None:
    token = commands.add_parser("token", help="bearer tokens (JWT) for the APIs")
    sub = token.add_subparsers(dest="token_command", required=True)
    issue = sub.add_parser("issue", help="print a signed token for an agency and role")
    issue.add_argument("--agency", choices=AGENCIES,
                       help="the agency the caller works for (omit for the förbund's "
                       "auditor or board, role styrelse)")
    issue.add_argument("--role", required=True, choices=[str(r) for r in Role])
    issue.add_argument("--subject", help="who the token names (default: dev-<agency>-<role>)")
    issue.add_argument("--person-ref",
                       help="with --role person: the person reference the token speaks for")
    issue.add_argument("--personnummer",
                       help="with --role person: the personnummer, turned into the "
                       "reference with the data dir's pseudonym key (never stored)")
    issue.add_argument("--ttl-hours", type=float, default=8.0)
    issue.add_argument("--data-dir")
    public = sub.add_parser("public-key",
                            help="print the verifying key to set as SAMLAD_JWT_PUBLIC_KEY")
    public.add_argument("--data-dir")


def run(args: argparse.Namespace, settings: Settings) -> int:
    key = load_signing_key(settings.data_dir, os.environ)
    if args.token_command == "public-key":
        print(public_key_text(key))
        return 0
    try:
        person_ref = _person_ref(args, settings)
        subject = args.subject or f"dev-{args.agency or person_ref or 'forbund'}-{args.role}"
        token = issue_token(key, agency=args.agency, role=args.role, subject=subject,
                            ttl=timedelta(hours=args.ttl_hours), person_ref=person_ref)
    except ValueError as error:
        raise SystemExit(f"samlad token issue: {error}") from None
    print(token)
    return 0


def _person_ref(args: argparse.Namespace, settings: Settings) -> str | None:
    """A person token's reference: given, or derived from a personnummer."""
    if args.personnummer:
        pseudonymiser = Pseudonymiser.from_file(settings.pseudonym_key_file)
        return pseudonymiser.person_ref(args.personnummer)
    return str(args.person_ref) if args.person_ref else None
