"""A person typed into a form: a reference as it is, a personnummer turned into one.

The personnummer is pseudonymised at once with the deployment's key and forgotten:
never stored, logged or put in a URL.
"""

from __future__ import annotations

from pathlib import Path

from adapters.auth.tokens import PERSON_REF
from adapters.pseudonym import InvalidPersonnummer, Pseudonymiser


def person_ref_of(typed: str, pseudonym_key_file: Path) -> str | None:
    """The person reference ``typed`` names; None if it is neither kind."""
    text = typed.strip().lower()
    if PERSON_REF.match(text):
        return text
    try:
        return Pseudonymiser.from_file(pseudonym_key_file).person_ref(text)
    except InvalidPersonnummer:
        return None
