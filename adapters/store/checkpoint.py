"""Signed checkpoints: a store's chain head, signed with Ed25519 so anyone can check it.

A published checkpoint pins the store's history up to its notification id: removing or
rewriting any event up to there, the tail included, no longer reaches the signed hash
(``verify_store(store, checkpoint=...)``). Ed25519 rather than HMAC: auditors and other
agencies verify with the public key and cannot forge checkpoints themselves.
"""

from __future__ import annotations

import base64
from hashlib import sha256

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from adapters.store.chain import ChainHead

_DOMAIN = b"samlad-checkpoint/v1"


class InvalidCheckpoint(Exception):
    """The checkpoint's signature or key does not hold."""


class SignedCheckpoint(msgspec.Struct, frozen=True, kw_only=True):
    """A chain head as published (JSON via msgspec); hashes and signature in hex/base64."""

    store: str
    notification_id: int
    store_hash: str
    key_id: str
    signature: str


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint naming the signing key, so keys can be rotated."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return sha256(raw).hexdigest()[:16]


def _payload(store: str, notification_id: int, store_hash: str) -> bytes:
    return b"\n".join((_DOMAIN, store.encode(), str(notification_id).encode(), store_hash.encode()))


def sign_checkpoint(
    store: str, head: ChainHead, private_key: Ed25519PrivateKey
) -> SignedCheckpoint:
    """Sign ``head`` (from ``chain_head``) of the store named ``store``."""
    hash_hex = head.store_hash.hex()
    signature = private_key.sign(_payload(store, head.notification_id, hash_hex))
    return SignedCheckpoint(
        store=store,
        notification_id=head.notification_id,
        store_hash=hash_hex,
        key_id=key_id(private_key.public_key()),
        signature=base64.urlsafe_b64encode(signature).decode(),
    )


def verify_checkpoint(checkpoint: SignedCheckpoint, public_key: Ed25519PublicKey) -> ChainHead:
    """The signed head, once the signature holds for ``public_key``; else ``InvalidCheckpoint``."""
    if checkpoint.key_id != key_id(public_key):
        msg = f"checkpoint signed by key {checkpoint.key_id}, not {key_id(public_key)}"
        raise InvalidCheckpoint(msg)
    payload = _payload(checkpoint.store, checkpoint.notification_id, checkpoint.store_hash)
    try:
        public_key.verify(base64.urlsafe_b64decode(checkpoint.signature), payload)
        head = ChainHead(checkpoint.notification_id, bytes.fromhex(checkpoint.store_hash))
    except (InvalidSignature, ValueError) as error:
        msg = f"checkpoint of {checkpoint.store} at {checkpoint.notification_id} is not valid"
        raise InvalidCheckpoint(msg) from error
    return head
