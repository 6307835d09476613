"""Secret key files under ``<data_dir>/keys``: created once, readable by the owner only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create_key(path: Path, size: int = 32) -> bytes:
    """The key in ``path``; on first use ``size`` random bytes written with mode 0600.

    ``O_EXCL`` makes creation atomic: several services starting on one data dir at
    once all end up with the one key the first of them wrote, and the file is never
    visible with wider permissions than 0600.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(secrets.token_bytes(size))
                file.flush()
                os.fsync(file.fileno())
    key = path.read_bytes()
    if len(key) < size:
        # A reader raced the writer between create and write; the bytes follow at once.
        key = _wait_for_bytes(path, size)
    return key


def _wait_for_bytes(path: Path, size: int) -> bytes:
    for _ in range(1000):
        key = path.read_bytes()
        if len(key) >= size:
            return key
        os.sched_yield()
    raise RuntimeError(f"key file {path} is shorter than {size} bytes")
