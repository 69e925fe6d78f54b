"""`feeds.yaml`: the feeds to watch, the schedule, and the fetch options.

One FetchOptions object is built here and passed down to the client; nothing is
read at import time. Every mistake is one ConfigError naming the file and key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claimwatch.errors import ConfigError
from claimwatch.yamlfile import read_yaml
from feeds.identity import BadLink, checked_link

DEFAULT_INTERVAL = 15 * 60
_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
# a timeout or deadline of 0 fails every request; a delay or backoff of 0 means "none"
POSITIVE_DURATIONS = frozenset(
    {"connect_timeout", "read_timeout", "deadline", "page_lease", "shard_wait"}
)


@dataclass(frozen=True)
class FetchOptions:
    """How politely and how defensively pages and feeds are fetched."""

    user_agent: str = "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch; news monitor)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # the whole request, redirects included
    max_bytes: int = 5 * 1024 * 1024  # after decompression
    max_redirects: int = 5
    host_delay: float = 1.0  # seconds between two requests to one host
    host_concurrency: int = 2
    concurrency: int = 8  # pages fetched at once, over all hosts
    batch_size: int = 25  # pages per Prefect task
    max_pages: int = 500  # pages per pass; the rest wait for the next
    max_entries: int = 500  # new entries recorded per feed and pass, newest first
    max_text: int = 200_000  # characters of extracted text per page; the rest is cut off
    claim_budget: float = 30.0  # seconds of reading claims per page
    max_attempts: int = 5  # a failing page is given up after this many tries
    retry_backoff: float = 15 * 60  # first wait before a failed page is tried again
    feed_retries: int = 2  # Prefect retries of a feed fetch on a transient error
    feed_retry_delay: float = 5.0
    outage_after: int = 3  # failed passes in a row before the operations routes are told
    page_lease: float = 30 * 60  # a batch of pages is held this long by the pass that took it
    shard_wait: float = 60 * 60  # a sharded pass waits this long for its shards to end


@dataclass(frozen=True)
class FeedSpec:
    """One feed to poll."""

    name: str
    url: str
    language: str | None = None
    allow_private: bool = False


@dataclass(frozen=True)
class Schedule:
    """Either a cron expression or an interval in seconds."""

    cron: str | None = None
    interval: float | None = DEFAULT_INTERVAL

    def describe(self) -> str:
        return f"cron {self.cron!r}" if self.cron else f"every {_human(self.interval or 0)}"


@dataclass(frozen=True)
class FeedsConfig:
    """Everything `feeds.yaml` says."""

    feeds: list[FeedSpec]
    schedule: Schedule = field(default_factory=Schedule)
    fetch: FetchOptions = field(default_factory=FetchOptions)
    path: Path | None = None


def parse_duration(value: object, where: str) -> float:
    """Seconds (finite, not negative) from 900, "900", "15m", "2h", "500ms"."""
    seconds = _seconds(value)
    if seconds is None:
        raise ConfigError(f"{where}: not a duration: {value!r} (use e.g. 900, 30s, 15m, 2h)")
    if not math.isfinite(seconds):
        raise ConfigError(f"{where}: not a finite duration: {value!r}")
    if seconds < 0:
        raise ConfigError(f"{where}: must not be negative, got {value!r}")
    return seconds


def _seconds(value: object) -> float | None:
    """The seconds a number or a `15m` string stands for; None when it is neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def parse_schedule(value: object, where: str) -> Schedule:
    """`{interval: 15m}`, `{cron: "*/15 * * * *"}`, or the same as a bare string."""
    if isinstance(value, str):
        value = {"cron": value} if len(value.split()) == 5 else {"interval": value}
    if not isinstance(value, dict) or set(value) - {"cron", "interval"} or len(value) != 1:
        raise ConfigError(f"{where}: give exactly one of `interval` or `cron`")
    if "cron" in value:
        cron = value["cron"]
        if not isinstance(cron, str) or len(cron.split()) != 5:
            raise ConfigError(f"{where}.cron: not a 5-field cron expression: {cron!r}")
        return Schedule(cron=cron, interval=None)
    seconds = parse_duration(value["interval"], f"{where}.interval")
    if seconds < 10:
        raise ConfigError(f"{where}.interval: at least 10 seconds, got {seconds:g}")
    return Schedule(interval=seconds)


def load_feeds_config(path: Path, environ: Mapping[str, str]) -> FeedsConfig:
    """Read feeds.yaml; `CLAIMWATCH_SCHEDULE` overrides its schedule."""
    data = read_yaml(path, ConfigError) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a `feeds:` list")
    unknown = set(data) - {"feeds", "schedule", "fetch"}
    if unknown:
        raise ConfigError(f"{path}: unknown key {sorted(unknown)[0]!r} (feeds, schedule, fetch)")
    feeds = _feeds(data.get("feeds"), path)
    schedule = parse_schedule(
        data.get("schedule", {"interval": DEFAULT_INTERVAL}), f"{path}: schedule"
    )
    if environ.get("CLAIMWATCH_SCHEDULE"):
        schedule = parse_schedule(environ["CLAIMWATCH_SCHEDULE"], "CLAIMWATCH_SCHEDULE")
    fetch = _fetch_options(data.get("fetch") or {}, path)
    if environ.get("CLAIMWATCH_USER_AGENT"):
        fetch = replace(fetch, user_agent=environ["CLAIMWATCH_USER_AGENT"])
    return FeedsConfig(feeds=feeds, schedule=schedule, fetch=fetch, path=path)


def _feeds(items: object, path: Path) -> list[FeedSpec]:
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: feeds: a non-empty list of {{name, url}} entries is required")
    feeds: list[FeedSpec] = []
    for index, item in enumerate(items):
        where = f"{path}: feeds[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping with name and url")
        unknown = set(item) - {"name", "url", "language", "allow_private"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        url = _feed_url(item.get("url"), where)
        name = item.get("name") or urlsplit(url).hostname
        if not isinstance(name, str) or not name.strip() or not name.isprintable():
            raise ConfigError(f"{where}.name: a one-line string is required, got {name!r}")
        language = item.get("language")
        if language is not None and language not in ("de", "en"):
            raise ConfigError(f"{where}.language: de or en, got {language!r}")
        allow = item.get("allow_private", False)
        if not isinstance(allow, bool):
            raise ConfigError(f"{where}.allow_private: true or false, got {allow!r}")
        feeds.append(FeedSpec(name=str(name), url=url, language=language, allow_private=allow))
    names = [f.name for f in feeds]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ConfigError(f"{path}: feeds: the name {duplicate!r} is used twice")
    return feeds


def _feed_url(url: object, where: str) -> str:
    """The feed's URL as given, once `checked_link` finds it fetchable."""
    if not isinstance(url, str):
        raise ConfigError(f"{where}.url: an http(s) URL is required, got {url!r}")
    checked = checked_link(url)
    if isinstance(checked, BadLink):
        raise ConfigError(f"{where}.url: {checked.reason}: {url!r}")
    if urlsplit(checked).scheme not in ("http", "https"):
        raise ConfigError(f"{where}.url: an http(s) URL is required, got {url!r}")
    if not urlsplit(checked).hostname:
        raise ConfigError(f"{where}.url: no host in {url!r}")
    return url


def _fetch_options(data: object, path: Path) -> FetchOptions:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: fetch: expected a mapping of options")
    known = {f.name: f for f in fields(FetchOptions)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}: fetch.{key}"
        if key not in known:
            raise ConfigError(f"{where}: unknown option (known: {', '.join(known)})")
        kind = str(known[key].type)
        if kind == "str":
            if not isinstance(value, str) or not value.strip() or not value.isprintable():
                raise ConfigError(f"{where}: a non-empty one-line string is required")
            values[key] = value
        elif kind == "int":
            least = 0 if key == "feed_retries" else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ConfigError(f"{where}: a whole number >= {least} is required, got {value!r}")
            values[key] = value
        else:
            seconds = parse_duration(value, where)
            if key in POSITIVE_DURATIONS and seconds == 0:
                raise ConfigError(f"{where}: must be more than 0, got {value!r}")
            values[key] = seconds
    return FetchOptions(**values)


def _human(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
