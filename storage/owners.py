"""Lease owners: `host:pid:token`, so a holder on this host whose process is gone can be
told apart from one that is merely slow (page leases, delivery leases)."""

from __future__ import annotations

import os
import socket


def owner_name(token: str) -> str:
    """The owner name of this process for a lease: `host:pid:token`."""
    return f"{socket.gethostname()}:{os.getpid()}:{token}"


def local_pid(owner: str) -> int | None:
    """The process id of an owner on this host; None for another host or another form."""
    host, pid, _token = (owner.rsplit(":", 2) + ["", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    return int(pid)


def process_gone(pid: int) -> bool:
    """No process of that id runs here (one of another user counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
