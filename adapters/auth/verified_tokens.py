"""Bearer tokens verified once and remembered until they expire (bounded).

A client sends the same token with every request, and an Ed25519 verification costs
more than a whole small command, so a verified token's principal is kept, keyed by the
token itself: only the exact bytes that were verified hit. A remembered token is still
refused once its expiry (leeway included) has passed.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from adapters.auth.principal import Principal
from adapters.auth.tokens import InvalidToken, verify_token_until

MAX_TOKENS = 4096
"""Distinct tokens remembered; the least recently used go first."""


class VerifiedTokens:
    """``verify(token)`` as ``verify_token``, with a bounded memory of verified tokens."""

    def __init__(self, key: Ed25519PublicKey, *, max_tokens: int = MAX_TOKENS) -> None:
        self._key = key
        self._max = max_tokens
        self._known: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str, *, now: datetime | None = None) -> Principal:
        """The principal ``token`` names; ``InvalidToken`` if it is invalid or expired."""
        moment = time.time() if now is None else now.timestamp()
        with self._lock:
            known = self._known.get(token)
            if known is not None:
                principal, expires = known
                if moment <= expires:
                    self._known.move_to_end(token)
                    return principal
                del self._known[token]
                raise InvalidToken("Signature has expired")
        principal, expires = verify_token_until(self._key, token, now=now)
        with self._lock:
            self._known[token] = (principal, expires)
            if len(self._known) > self._max:
                self._known.popitem(last=False)
        return principal

    def __len__(self) -> int:
        return len(self._known)
