"""Verified tokens are remembered until they expire, and never past that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.auth import verified_tokens
from adapters.auth.principal import Principal, Role
from adapters.auth.tokens import InvalidToken, issue_token, verify_token_until
from adapters.auth.verified_tokens import VerifiedTokens

SIGNING = Ed25519PrivateKey.from_private_bytes(b"k" * 32)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def token(subject: str = "anna", ttl: timedelta = timedelta(minutes=5)) -> str:
    return issue_token(SIGNING, agency="fk", role="handlaggare", subject=subject, now=NOW,
                       ttl=ttl)


def test_a_token_is_verified_once_and_then_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = VerifiedTokens(SIGNING.public_key())
    verifications = []
    real = verify_token_until

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        verifications.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(verified_tokens, "verify_token_until", counting)
    sent = token()
    first = tokens.verify(sent, now=NOW)
    again = tokens.verify(sent, now=NOW + timedelta(minutes=1))

    assert first == again == Principal(subject="anna", agency="fk", role=Role.CASE_WORKER)
    assert len(verifications) == 1


def test_an_expired_token_is_refused_even_when_remembered() -> None:
    tokens = VerifiedTokens(SIGNING.public_key())
    sent = token()
    tokens.verify(sent, now=NOW)

    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(sent, now=NOW + timedelta(hours=1))
    assert len(tokens) == 0


def test_a_forged_token_is_not_taken_for_a_remembered_one() -> None:
    tokens = VerifiedTokens(SIGNING.public_key())
    genuine = token()
    tokens.verify(genuine, now=NOW)
    other = Ed25519PrivateKey.from_private_bytes(b"x" * 32)
    forged = issue_token(other, agency="fk", role="handlaggare", subject="anna", now=NOW,
                         ttl=timedelta(minutes=5))

    with pytest.raises(InvalidToken):
        tokens.verify(forged, now=NOW)


def test_the_memory_is_bounded_least_recently_used_first_out() -> None:
    tokens = VerifiedTokens(SIGNING.public_key(), max_tokens=2)
    for subject in ("a", "b", "c"):
        tokens.verify(token(subject), now=NOW)

    assert len(tokens) == 2
