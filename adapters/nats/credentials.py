"""Per-service nkey identities: one seed file per service, generated once, kept 0600.

An nkey seed never leaves the machine that holds it: the server only learns the public
key (rendered into its accounts block) and challenges the client to sign a nonce.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import nkeys
import structlog

from adapters.nats.names import SERVICES

log = structlog.get_logger(__name__)

SEED_SUFFIX = ".nk"


def seed_path(credentials_dir: Path, service: str) -> Path:
    return credentials_dir / f"{service}{SEED_SUFFIX}"


def _new_user_seed() -> bytes:
    return bytes(nkeys.encode_seed(secrets.token_bytes(32), nkeys.PREFIX_BYTE_USER))


def _write_secret(path: Path, content: bytes) -> None:
    # O_EXCL: never overwrite a seed someone already deployed; 0600 from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(content + b"\n")


def public_key(seed_file: Path) -> str:
    pair = nkeys.from_seed(bytearray(seed_file.read_bytes().strip()))
    try:
        return str(pair.public_key.decode())
    finally:
        pair.wipe()


def ensure_credentials(credentials_dir: Path, services: Iterable[str] = SERVICES) -> dict[str, str]:
    """Create missing seed files; return each service's public key. Idempotent."""
    credentials_dir.mkdir(parents=True, exist_ok=True)
    credentials_dir.chmod(0o700)
    keys: dict[str, str] = {}
    for service in services:
        path = seed_path(credentials_dir, service)
        if not path.exists():
            _write_secret(path, _new_user_seed())
            log.info("nats_credentials_created", service=service, path=str(path))
        keys[service] = public_key(path)
    return keys
