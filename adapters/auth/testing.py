"""Tokens for tests and scripts that drive the APIs of one data dir.

    client.headers.update(auth_headers(settings, "kommun"))            # a handläggare
    auth_headers(settings, None, "person", person_ref=ref)              # the person
    await client.get("/cases/...", headers=auth_headers(settings, None, "auditor"))
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from adapters.auth.principal import Role
from adapters.auth.tokens import issue_token, load_signing_key


class HasDataDir(Protocol):
    @property
    def data_dir(self) -> Path: ...


def auth_headers(
    settings: HasDataDir, agency: str | None, role: str | Role = Role.CASE_WORKER,
    *, subject: str | None = None, person_ref: str | None = None,
) -> dict[str, str]:
    """An ``Authorization`` header signed with the key the services of ``settings`` use.

    ``person_ref`` with role ``person``: the participant's own token.
    """
    key = load_signing_key(settings.data_dir, os.environ)
    token = issue_token(key, agency=agency, role=role, person_ref=person_ref,
                        subject=subject or f"test-{agency or person_ref or 'forbund'}-"
                        f"{Role(role)}")
    return {"Authorization": f"Bearer {token}"}
