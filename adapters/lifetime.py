"""Child processes that do not outlive their parent."""

from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """As ``preexec_fn``: the child gets SIGTERM when its parent dies, even by SIGKILL.

    Without it a killed `samlad up` leaves its services and nats-server running, holding
    ports and database connections. Linux ``prctl(PR_SET_PDEATHSIG)``; elsewhere a no-op.
    The signal follows the *thread* that forked: fork from a thread that lives as long
    as the parent (the main thread of `samlad up`).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
