"""Tokens for tests that drive the APIs of one data dir (``adapters.auth.tokens``).

    client.headers.update(auth_headers(settings, "kommun"))            # a handläggare
    auth_headers(settings, None, "person", person_ref=ref)              # the person
    await client.get("/cases/...", headers=auth_headers(settings, None, "auditor"))
"""

from __future__ import annotations

from adapters.auth.tokens import auth_headers

__all__ = ["auth_headers"]
