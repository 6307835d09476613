"""Bearer tokens: what verifies, and every way a token is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.auth.principal import Principal, Role
from adapters.auth.tokens import InvalidToken, issue_token, verify_token

SIGNING = Ed25519PrivateKey.from_private_bytes(b"k" * 32)
KEY = SIGNING.public_key()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_token_names_its_subject_agency_and_role() -> None:
    token = issue_token(SIGNING, agency="fk", role="handlaggare", subject="anna", now=NOW)

    assert verify_token(KEY, token, now=NOW) == Principal(
        subject="anna", agency="fk", role=Role.CASE_WORKER)


def test_an_auditor_of_the_forbund_has_no_agency() -> None:
    token = issue_token(SIGNING, agency=None, role="auditor", subject="revisor", now=NOW)

    assert verify_token(KEY, token, now=NOW).agency is None


def test_an_expired_token_is_refused() -> None:
    token = issue_token(SIGNING, agency="af", role="system", subject="af-system", now=NOW,
                        ttl=timedelta(minutes=5))

    with pytest.raises(InvalidToken, match="expired"):
        verify_token(KEY, token, now=NOW + timedelta(hours=1))


def test_a_token_signed_with_another_key_is_refused() -> None:
    other = Ed25519PrivateKey.from_private_bytes(b"x" * 32)
    token = issue_token(other, agency="af", role="handlaggare", subject="eve", now=NOW)

    with pytest.raises(InvalidToken):
        verify_token(KEY, token, now=NOW)


def test_an_unsigned_token_is_refused() -> None:
    forged = jwt.encode({"sub": "eve", "agency": "fk", "role": "auditor", "iss": "samlad",
                         "aud": "samlad", "iat": NOW, "exp": NOW + timedelta(hours=1)},
                        None, algorithm="none")  # type: ignore[arg-type]

    with pytest.raises(InvalidToken):
        verify_token(KEY, forged, now=NOW)


@pytest.mark.parametrize(("agency", "role"), [("fk", "chef"), ("skatteverket", "system")])
def test_an_unknown_role_or_agency_is_refused(agency: str, role: str) -> None:
    token = jwt.encode({"sub": "x", "agency": agency, "role": role, "iss": "samlad",
                        "aud": "samlad", "iat": NOW, "exp": NOW + timedelta(hours=1)},
                       SIGNING, algorithm="EdDSA")

    with pytest.raises(InvalidToken):
        verify_token(KEY, token, now=NOW)


def test_a_case_worker_always_belongs_to_an_agency() -> None:
    with pytest.raises(ValueError, match="belongs to an agency"):
        issue_token(SIGNING, agency=None, role="handlaggare", subject="x", now=NOW)


def test_a_token_signed_with_the_shared_secret_of_old_is_refused() -> None:
    # HS256 with any shared secret must not pass for an EdDSA deployment.
    token = jwt.encode({"sub": "eve", "agency": "fk", "role": "auditor", "iss": "samlad",
                        "aud": "samlad", "iat": NOW, "exp": NOW + timedelta(hours=1)},
                       "k" * 32, algorithm="HS256")

    with pytest.raises(InvalidToken):
        verify_token(KEY, token, now=NOW)


REF = "p" + "a" * 26


def test_a_person_token_names_the_persons_own_reference_and_no_agency() -> None:
    token = issue_token(SIGNING, agency=None, role="person", subject="deltagare",
                        person_ref=REF, now=NOW)

    assert verify_token(KEY, token, now=NOW) == Principal(
        subject="deltagare", agency=None, role=Role.PERSON, person_ref=REF)


@pytest.mark.parametrize(("agency", "role", "person_ref"), [
    (None, "person", None),  # a person token always names whom it speaks for
    (None, "person", "19811218-9876"),  # a reference, never a personnummer
    ("kommun", "person", REF),  # a person is not an agency
    ("kommun", "handlaggare", REF),  # a case worker speaks for no one person
])
def test_a_person_reference_belongs_to_a_person_token_only(
    agency: str | None, role: str, person_ref: str | None
) -> None:
    with pytest.raises(ValueError, match="person"):
        issue_token(SIGNING, agency=agency, role=role, subject="x", person_ref=person_ref)


def test_a_person_token_without_its_reference_is_refused_when_verified() -> None:
    forged = jwt.encode({"iss": "samlad", "aud": "samlad", "sub": "x", "agency": None,
                         "role": "person", "iat": NOW, "exp": NOW + timedelta(hours=1)},
                        SIGNING, algorithm="EdDSA")

    with pytest.raises(InvalidToken, match="person_ref"):
        verify_token(KEY, forged, now=NOW)
