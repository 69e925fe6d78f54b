"""Writing the topics' Atom feeds: `<feeds_dir>/<topic>.xml`, atomically, only when changed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from alerts.atom import MAX_ENTRIES, FeedItem, build_feed
from alerts.errors import FeedWriteError
from storage.db import transaction
from storage.outbox import evidence, topic_alerts


def topic_feed(session: Session, topic: str, topic_titles: Mapping[str, str]) -> bytes:
    """The topic's feed as it is now in the database."""
    items = [
        FeedItem(a.id, a.payload, a.created_at, evidence(session, a))
        for a in topic_alerts(session, topic, MAX_ENTRIES)
    ]
    return build_feed(topic, topic_titles.get(topic, topic), items, topic_titles)


def feed_path(folder: Path, topic: str) -> Path:
    """Where a topic's feed goes; a topic id that is not a plain file name is refused."""
    if not topic or topic in (".", "..") or "/" in topic or "\\" in topic:
        raise FeedWriteError(f"topic {topic!r}: not usable as a feed file name")
    return folder / f"{topic}.xml"


def write_file(path: Path, data: bytes) -> bool:
    """Write the bytes via a temporary file and os.replace; False when already identical."""
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(temp, 0o644)  # mkstemp's 0600 would hide the feed from a web server
            os.replace(temp, path)
        except OSError:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise FeedWriteError(f"cannot write feed {path}: {exc.strerror or exc}") from exc
    return True


def write_feeds(
    sessions: sessionmaker[Session], folder: Path, topic_titles: Mapping[str, str]
) -> list[Path]:
    """Write every topic's feed into `folder`; return the files that changed."""
    changed = []
    for topic in topic_titles:
        with transaction(sessions) as session:
            data = topic_feed(session, topic, topic_titles)
        path = feed_path(folder, topic)
        if write_file(path, data):
            changed.append(path)
    return changed
