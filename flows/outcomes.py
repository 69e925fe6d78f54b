"""What a monitoring pass did, per feed and per page: plain data for logs and artifacts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FeedOutcome:
    """One feed's poll: `ok`, `not_modified` or `failed`, with counts and the reason."""

    name: str
    url: str
    status: str
    seen: int = 0
    new: int = 0
    error: str | None = None
    problem: str | None = None  # a bozo feed that was still usable
    skipped: list[str] = field(default_factory=list)  # entries left out, with their reasons
    deferred: int = 0  # new entries beyond max_entries, left for later passes


@dataclass
class PageOutcome:
    """One page's fetch and extraction: `new`, `copy`, `known`, `failed` or `gave_up`.

    `reason` is why it failed, or for a stored page what was cut short (text, claims)."""

    url: str
    feed_url: str
    status: str
    reason: str | None = None
    title: str = ""
    outlet: str | None = None
    published: str | None = None
    claims: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)


@dataclass
class PassReport:
    """The whole pass: every feed and page outcome, and the alerts raised."""

    feeds: list[FeedOutcome] = field(default_factory=list)
    pages: list[PageOutcome] = field(default_factory=list)

    @property
    def alerts(self) -> list[dict]:
        return [alert for page in self.pages for alert in page.alerts]

    @property
    def failed_feeds(self) -> list[FeedOutcome]:
        return [feed for feed in self.feeds if feed.status == "failed"]

    def pages_of(self, feed_url: str) -> list[PageOutcome]:
        return [page for page in self.pages if page.feed_url == feed_url]
