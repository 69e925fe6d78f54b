"""Advisory locks that make concurrent ingestion read like a sequential one.

On PostgreSQL, several workers store articles at once. Two steps of an article's
transaction read what others may be writing at that moment: the search for the story it
is a copy of (by signature band) and the ledger its claims are compared with (by topic).
Each takes a transaction-level advisory lock on its keys first, so two articles that
share a band, or a topic, go one after the other, the second reading what the first
committed (READ COMMITTED: every statement sees the latest commits). Locks are taken in
one global order (bands before topics, each sorted), so two transactions never wait for
each other in a circle. They end with the transaction.

SQLite needs none: one machine, one pass at a time, and one writer at a time; several
workers need PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

BAND, TOPIC = 1, 2  # the lock's class: PostgreSQL's two-key form keeps the kinds apart


def _key(name: str) -> int:
    """A signed 32-bit key for a name, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)


def hold(session: Session, kind: int, names: Iterable[str]) -> None:
    """Wait for, then hold until commit, the locks of these names (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({_key(name) for name in names}):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :key)"), {"kind": kind, "key": key}
        )
