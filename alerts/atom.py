"""A topic's alerts as an Atom 1.0 feed, newest first. Pure: rows in, bytes out.

Ids, times and order come from the stored alerts only, so the same alerts give the
same bytes on every pass and a feed reader sees each alert once.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alerts.message import render_alert
from storage.outbox import Evidence

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 200  # the newest alerts of a topic a feed lists
EMPTY_UPDATED = "1970-01-01T00:00:00Z"  # a feed without alerts: a fixed time, stable bytes


@dataclass(frozen=True)
class FeedItem:
    """One stored alert as a feed shows it."""

    alert_id: int
    payload: Mapping[str, Any]
    created: datetime
    evidence: Evidence | None = None


def feed_id(topic: str) -> str:
    """The feed's stable id: `urn:claimwatch:topic:<topic>`."""
    return f"urn:claimwatch:topic:{quote(topic, safe='')}"


def entry_id(change_key: str) -> str:
    """An alert's stable id: `urn:claimwatch:alert:<sha256 of its change key>`."""
    return f"urn:claimwatch:alert:{hashlib.sha256(change_key.encode()).hexdigest()}"


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC to the second (SQLite hands back naive UTC datetimes)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_of(source: str) -> str:
    """The evidence article: its web address, else its file as a file:// URI."""
    if source.startswith(("http://", "https://")):
        return source
    return Path(source).absolute().as_uri() if source else ""


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def build_feed(
    topic: str, title: str, items: Sequence[FeedItem], topic_titles: Mapping[str, str]
) -> bytes:
    """The Atom document of a topic's alerts (given newest first, at most MAX_ENTRIES used)."""
    ET.register_namespace("", ATOM)
    shown = list(items)[:MAX_ENTRIES]
    root = ET.Element(f"{{{ATOM}}}feed")
    _add(root, "id", feed_id(topic))
    _add(root, "title", title)
    _add(root, "subtitle", f"claimwatch: changes in the story of {topic}")
    _add(root, "updated", max((timestamp(i.created) for i in shown), default=EMPTY_UPDATED))
    author = _add(root, "author")
    _add(author, "name", "claimwatch")
    _add(root, "generator", "claimwatch")
    for item in shown:
        payload, after = item.payload, item.payload["after"]
        message = render_alert(payload, item.evidence, topic_titles, item.alert_id)
        entry = _add(root, "entry")
        _add(entry, "id", entry_id(str(payload["key"])))
        _add(entry, "title", message.title)
        link = link_of(str(after.get("source") or ""))
        if link:
            _add(entry, "link", href=link, rel="alternate")
        _add(entry, "updated", timestamp(item.created))
        _add(entry, "published", f"{after.get('published')}T00:00:00Z")
        entry_author = _add(entry, "author")
        _add(entry_author, "name", str(after.get("outlet") or "claimwatch"))
        _add(entry, "category", term=str(payload.get("kind")))
        _add(entry, "content", message.html, type="html")  # ElementTree escapes the HTML
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
