"""Every secret a production deployment needs, generated once into one directory.

The directory has the shape of a data dir, so the operator's own tools read it
(`samlad token issue --data-dir ./secrets`):

- ``credentials/<service>.nk``: one nkey seed per NATS identity; each service mounts
  only its own.
- ``nats/accounts.conf``: the public keys and grants, included by every node.
- ``tls/``: CA, server and route certificates (``adapters.nats.tls``); services get
  ``ca.crt`` only (``SAMLAD_NATS_CA``).
- ``keys/pseudonym.key``: the one pseudonymisation secret **every agency shares**. A
  person ref is HMAC(key, personnummer): agencies with different keys derive different
  refs for the same person, and their facts land in separate cases without any error.
- ``keys/jwt-signing.key``: the token issuer's key; it stays with the issuer. Services
  get only ``SAMLAD_JWT_PUBLIC_KEY``, written to ``samlad.env``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from adapters.auth.tokens import load_signing_key, public_key_text
from adapters.keyfile import read_or_create_key
from adapters.nats.config import render_accounts
from adapters.nats.credentials import ensure_credentials
from adapters.nats.tls import write_certificates

DEFAULT_HOSTS = ("nats-1", "nats-2", "nats-3", "localhost", "127.0.0.1")
"""The compose node names, and loopback for nodes run as processes on one machine."""


def pseudonym_key_path(directory: Path) -> Path:
    return directory / "keys" / "pseudonym.key"


def write_secrets(
    directory: Path, *, partitions: int, hosts: Sequence[str] = DEFAULT_HOSTS
) -> list[Path]:
    """Create what is missing (existing secrets are kept); return the files."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = ensure_credentials(directory / "credentials")
    accounts = directory / "nats" / "accounts.conf"
    accounts.parent.mkdir(exist_ok=True)
    accounts.write_text(render_accounts(keys, partitions=partitions))
    tls = write_certificates(directory / "tls", hosts)
    pseudonym = pseudonym_key_path(directory)
    read_or_create_key(pseudonym)
    signing = load_signing_key(directory)
    env = directory / "samlad.env"
    env.write_text(
        "# What every service is given (never the signing key): `env_file` in compose.\n"
        f"SAMLAD_JWT_PUBLIC_KEY={public_key_text(signing)}\n"
    )
    seeds = sorted((directory / "credentials").glob("*.nk"))
    return [*seeds, accounts, *tls, pseudonym, directory / "keys" / "jwt-signing.key", env]
