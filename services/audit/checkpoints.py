"""Signed chain heads on NATS, and verifying stores against them.

The audit tooling (the ``audit`` NATS identity, the only one that may publish under
``samlad.audit.>``) reads each store's chain head, signs it with the deployment's
checkpoint key (Ed25519, ``<data_dir>/keys/checkpoint.key``) and publishes it on
``samlad.audit.checkpoint.<store>`` into the stream SAMLAD_AUDIT (deny-delete). A store
rewritten afterwards, its chain recomputed and all, no longer passes through the
published head, and ``verify`` says so.

Each signed head is also written beside the stores (``<data_dir>/checkpoints/<store>.json``)
so an auditor can verify a stopped system, or one whose bus is out of reach; where both
are at hand the newer head is used. Checkpoints are taken with or without the bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeGuard

import msgspec
import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from adapters.nats.connection import connect
from adapters.nats.names import AUDIT, AUDIT_STREAM, ROOT
from adapters.store.chain import ChainedStore
from adapters.store.checkpoint import (
    InvalidCheckpoint,
    SignedCheckpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from adapters.store.verify import chain_head, verify_store
from services.audit.stores import StoreMissing, open_store
from services.settings import SERVICES, Settings

log = structlog.get_logger(__name__)

PRIVATE_KEY = "checkpoint.key"
PUBLIC_KEY = "checkpoint.pub"


def checkpoint_subject(store: str) -> str:
    return f"{ROOT}.{AUDIT}.checkpoint.{store}"


def _keys_dir(settings: Settings) -> Path:
    return settings.data_dir / "keys"


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The checkpoint key, made on first use (private 0600, public beside it)."""
    path = _keys_dir(settings) / PRIVATE_KEY
    if path.exists():
        key = load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    (path.parent / PUBLIC_KEY).write_bytes(public)
    return key


def verifying_key(settings: Settings) -> Ed25519PublicKey | None:
    path = _keys_dir(settings) / PUBLIC_KEY
    if not path.exists():
        return None
    key = load_pem_public_key(path.read_bytes())
    assert isinstance(key, Ed25519PublicKey)
    return key


def checkpoints_dir(settings: Settings) -> Path:
    return settings.data_dir / "checkpoints"


def write_checkpoint_files(settings: Settings, signed: Sequence[SignedCheckpoint]) -> None:
    directory = checkpoints_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    for checkpoint in signed:
        # Replaced atomically: a reader never sees half a checkpoint.
        partial = directory / f".{checkpoint.store}.json.partial"
        partial.write_bytes(msgspec.json.encode(checkpoint))
        partial.replace(directory / f"{checkpoint.store}.json")


def file_checkpoints(settings: Settings, services: Sequence[str]) -> dict[str, SignedCheckpoint]:
    found = {}
    for service in services:
        path = checkpoints_dir(settings) / f"{service}.json"
        if path.exists():
            found[service] = msgspec.json.decode(path.read_bytes(), type=SignedCheckpoint)
    return found


def _newer(
    ours: dict[str, SignedCheckpoint], theirs: dict[str, SignedCheckpoint]
) -> dict[str, SignedCheckpoint]:
    merged = dict(ours)
    for store, checkpoint in theirs.items():
        if store not in merged or checkpoint.notification_id > merged[store].notification_id:
            merged[store] = checkpoint
    return merged


def is_chained(recorder: object) -> TypeGuard[ChainedStore]:
    return callable(getattr(recorder, "chain_head", None)) and callable(
        getattr(recorder, "scan", None))


def sign_stores(settings: Settings, services: Sequence[str]) -> list[SignedCheckpoint]:
    """Signed heads of the chained, non-empty stores among ``services``."""
    key = signing_key(settings)
    signed = []
    for service in services:
        try:
            app = open_store(settings, service)
        except StoreMissing:
            continue
        try:
            if not is_chained(app.recorder):
                log.warning("checkpoint_store_not_chained", store=service)
                continue
            head = chain_head(app.recorder)
            if head.notification_id:
                signed.append(sign_checkpoint(service, head, key))
        finally:
            app.close()
    return signed


async def publish_checkpoints(
    settings: Settings, services: Sequence[str] = SERVICES
) -> list[SignedCheckpoint]:
    """Sign every store's head, write it beside the stores and publish it (as ``audit``)
    when the bus is known (``settings.nats_url``); returns what was signed."""
    signed = await asyncio.to_thread(sign_stores, settings, services)
    await asyncio.to_thread(write_checkpoint_files, settings, signed)
    if settings.nats_url is None:
        return signed
    client = await connect(settings.nats, AUDIT)
    try:
        js = client.jetstream(timeout=10)
        for checkpoint in signed:
            await js.publish(checkpoint_subject(checkpoint.store),
                             msgspec.json.encode(checkpoint), stream=AUDIT_STREAM)
            log.info("checkpoint_published", store=checkpoint.store,
                     notification_id=checkpoint.notification_id)
    finally:
        await client.close()
    return signed


async def publish_periodically(
    settings: Settings, every: float, stop: asyncio.Event,
    services: Sequence[str] = SERVICES,
) -> None:
    """Publish checkpoints every ``every`` seconds until ``stop`` (an audit worker)."""
    while not stop.is_set():
        try:
            await publish_checkpoints(settings, services)
        except Exception:
            log.exception("checkpoint_publish_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def latest_checkpoint(js: JetStreamContext, store: str) -> SignedCheckpoint | None:
    try:
        message = await js.get_msg(AUDIT_STREAM, subject=checkpoint_subject(store), direct=True)
    except NotFoundError:
        return None
    return msgspec.json.decode(message.data or b"", type=SignedCheckpoint)


async def latest_checkpoints(
    settings: Settings, services: Sequence[str]
) -> dict[str, SignedCheckpoint]:
    """The newest signed head of each store: from the files, and from NATS if known."""
    on_disk = await asyncio.to_thread(file_checkpoints, settings, services)
    if settings.nats_url is None:
        return on_disk
    return _newer(on_disk, await _stream_checkpoints(settings, services))


async def _stream_checkpoints(
    settings: Settings, services: Sequence[str]
) -> dict[str, SignedCheckpoint]:
    client = await connect(settings.nats, AUDIT)
    try:
        js = client.jetstream(timeout=10)
        found = {}
        for service in services:
            checkpoint = await latest_checkpoint(js, service)
            if checkpoint is not None:
                found[service] = checkpoint
        return found
    finally:
        await client.close()


class StoreVerdict(msgspec.Struct, kw_only=True):
    """``ok`` False names the first bad event (or why nothing could be checked)."""

    store: str
    ok: bool
    events_verified: int = 0
    head: int = 0
    checkpoint: int | None = None
    failure: dict[str, Any] | None = None
    note: str | None = None


def verify_service(
    settings: Settings, service: str, checkpoint: SignedCheckpoint | None = None
) -> StoreVerdict:
    """Recompute ``service``'s chains, through the signed ``checkpoint`` when given."""
    head = None
    if checkpoint is not None:
        public = verifying_key(settings)
        if public is None:
            return StoreVerdict(store=service, ok=False, note="no checkpoint public key")
        try:
            head = verify_checkpoint(checkpoint, public)
        except InvalidCheckpoint as error:
            return StoreVerdict(store=service, ok=False, note=str(error))
    try:
        app = open_store(settings, service)
    except StoreMissing as error:
        return StoreVerdict(store=service, ok=True, note=str(error))
    try:
        if not is_chained(app.recorder):
            return StoreVerdict(store=service, ok=False, note="store is not hash-chained")
        report = verify_store(app.recorder, checkpoint=head)
    finally:
        app.close()
    failure = msgspec.structs.asdict(report.failure) if report.failure else None
    return StoreVerdict(
        store=service, ok=report.ok, events_verified=report.events_verified,
        head=report.head.notification_id, failure=failure,
        checkpoint=head.notification_id if head else None,
    )
