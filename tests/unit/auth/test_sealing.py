"""Sealed personal fields: readable with the person's key, "[raderad]" without it."""

from __future__ import annotations

import secrets

import pytest

from adapters.crypto.fields import (
    DROPPED,
    ERASED,
    SEALED_MAX,
    FieldSealer,
    PersonalFields,
    is_sealed,
)
from domain.agency.errors import Invalid

ANNA, BERIT = "p" + "a" * 26, "p" + "b" * 26


class MemoryKeys:
    """The key store's contract in memory: a key on first use, none once forgotten."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes | None] = {}

    def key_for(self, person_ref: str) -> bytes | None:
        return self.keys.setdefault(person_ref, secrets.token_bytes(32))

    def existing_key(self, person_ref: str) -> bytes | None:
        return self.keys.get(person_ref)

    def forget(self, person_ref: str) -> None:
        self.keys[person_ref] = None


@pytest.fixture
def keys() -> MemoryKeys:
    return MemoryKeys()


def test_a_sealed_value_opens_with_the_persons_key(keys: MemoryKeys) -> None:
    sealer = FieldSealer(keys)
    sealed = sealer.seal(ANNA, "Behöver stöd")

    assert is_sealed(sealed) and "Behöver" not in sealed
    assert sealer.open(ANNA, sealed) == "Behöver stöd"


def test_a_value_copied_to_another_person_does_not_open(keys: MemoryKeys) -> None:
    sealer = FieldSealer(keys)
    sealed = sealer.seal(ANNA, "Behöver stöd")
    keys.key_for(BERIT)

    assert sealer.open(BERIT, sealed) == ERASED


def test_after_forgetting_the_value_reads_erased(keys: MemoryKeys) -> None:
    sealer = FieldSealer(keys)
    sealed = sealer.seal(ANNA, "Behöver stöd")
    keys.forget(ANNA)

    assert sealer.open(ANNA, sealed) == ERASED
    assert sealer.seal(ANNA, "ny text") == DROPPED


def test_long_text_is_compressed_to_fit_the_contract(keys: MemoryKeys) -> None:
    text = "Personen behöver stöd med struktur och rutiner i vardagen. " * 30

    sealed = FieldSealer(keys).seal(ANNA, text[:2000])

    assert len(sealed) <= SEALED_MAX


def test_text_that_cannot_fit_sealed_is_refused(keys: MemoryKeys) -> None:
    with pytest.raises(Invalid):
        FieldSealer(keys).seal(ANNA, secrets.token_urlsafe(1500)[:2000], field="reason")


def test_only_personal_fields_of_new_events_are_sealed(keys: MemoryKeys) -> None:
    class Event:
        reason = "Flyttar"
        hand_off_id = "h1"

    event = Event()
    PersonalFields(FieldSealer(keys)).seal_events(ANNA, [event])

    assert is_sealed(event.reason) and event.hand_off_id == "h1"
