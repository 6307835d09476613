"""Crypto-shredding: personal fields sealed with per-person keys, forgotten by deletion."""

from adapters.crypto.fields import ERASED, FieldSealer, PersonalFields, is_sealed
from adapters.crypto.keystore import PersonKeyStore

__all__ = ["ERASED", "FieldSealer", "PersonKeyStore", "PersonalFields", "is_sealed"]
