"""Who hears about a change: alert routes from `alerts.yaml` and the environment.

A route is a name, apprise URLs, and what it wants: topics, a minimum severity, and
`immediate` delivery (default) or a `digest` on a schedule. Every URL is checked with
apprise when the routes are loaded, so a typo is an error at start naming the route,
never a silent drop at send time. URLs are only ever shown masked (`alerts.secrets`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apprise.utils.parse import parse_urls

from alerts.secrets import check_url, mask
from claimwatch.errors import ConfigError
from claimwatch.yamlfile import read_yaml

FILE = "alerts.yaml"
ENV_VAR = "CLAIMWATCH_ALERT_URLS"
ENV_ROUTE = "env"
SEVERITIES = ("low", "medium", "high")
MODES = ("immediate", "digest")
DIGEST_ONLY = frozenset({"corroboration"})  # low-value kinds that never interrupt anyone
KEYS = ("name", "urls", "topics", "min_severity", "mode", "schedule", "timezone", "operations")
TOP_KEYS = ("routes", "feeds_dir")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNITS = {"m": 60, "h": 3600, "d": 86400}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def severity_rank(severity: str) -> int:
    """`low` < `medium` < `high`; unknown severities rank lowest."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


@dataclass(frozen=True)
class Schedule:
    """When a digest goes out: `hourly`, `every 30m|6h|1d`, `daily 08:00`, `weekly mon 08:00`."""

    text: str
    every: timedelta | None = None
    at: time | None = None
    weekday: int | None = None
    zone: str = "UTC"

    @classmethod
    def parse(cls, text: str, zone: str = "UTC") -> Schedule:
        """The schedule a route's `schedule:` (and `timezone:`) describe; ValueError if none."""
        words = text.lower().split()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {zone!r}") from exc
        if words == ["hourly"]:
            return cls(text, every=timedelta(hours=1), zone=zone)
        match = re.fullmatch(r"(\d+)([mhd])", words[1]) if len(words) == 2 else None
        if words[:1] == ["every"] and match and int(match[1]) > 0:
            return cls(text, every=timedelta(seconds=int(match[1]) * _UNITS[match[2]]), zone=zone)
        if len(words) == 2 and words[0] == "daily":
            return cls(text, at=_clock(words[1]), zone=zone)
        if len(words) == 3 and words[0] == "weekly" and words[1][:3] in WEEKDAYS:
            return cls(text, at=_clock(words[2]), weekday=WEEKDAYS.index(words[1][:3]), zone=zone)
        raise ValueError(
            f"unknown schedule {text!r} (use: hourly, every 30m, daily 08:00, weekly mon 08:00)"
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first time the digest goes out strictly after `moment`."""
        if self.every is not None:
            return _EPOCH + ((moment - _EPOCH) // self.every + 1) * self.every
        zone = ZoneInfo(self.zone)
        day: date = moment.astimezone(zone).date()
        for offset in range(8):
            candidate_day = day + timedelta(days=offset)
            if self.weekday is not None and candidate_day.weekday() != self.weekday:
                continue
            assert self.at is not None
            candidate = datetime.combine(candidate_day, self.at, tzinfo=zone)
            if candidate > moment:
                return candidate
        raise AssertionError("a weekly schedule fires within eight days")


def _clock(text: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if not match:
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    return time(int(match[1]), int(match[2]))


@dataclass(frozen=True, repr=False)
class Route:
    """A destination for alerts: apprise URLs plus which alerts it wants, and how."""

    name: str
    urls: tuple[str, ...]
    topics: frozenset[str] | None = None
    min_severity: str = "low"
    mode: str = "immediate"
    schedule: Schedule | None = None
    operations: bool = False  # also told when a feed is down for several passes, and back

    def wants(self, payload: Mapping[str, Any]) -> bool:
        """Whether an alert (its payload) goes to this route."""
        if self.topics is not None and payload.get("topic") not in self.topics:
            return False
        if severity_rank(str(payload.get("severity"))) < severity_rank(self.min_severity):
            return False
        return self.mode == "digest" or payload.get("kind") not in DIGEST_ONLY

    def digest_due(self, oldest: datetime, now: datetime) -> bool:
        """A digest route is due once its schedule fired after the oldest waiting alert."""
        return self.schedule is None or self.schedule.next_after(oldest) <= now

    def masked_urls(self) -> list[str]:
        return [mask(url) for url in self.urls]

    def __repr__(self) -> str:
        return f"Route(name={self.name!r}, urls={self.masked_urls()!r}, mode={self.mode!r})"

    __str__ = __repr__


def load_routes(
    config_dir: Path, defaults_dir: Path, environ: Mapping[str, str] | None = None
) -> list[Route]:
    """The routes of `config_dir/alerts.yaml` (else `defaults_dir/alerts.yaml`, else none),
    plus a route named `env` from $CLAIMWATCH_ALERT_URLS. Every URL is validated."""
    env = os.environ if environ is None else environ
    routes: list[Route] = []
    for path in (Path(config_dir) / FILE, Path(defaults_dir) / FILE):
        if path.exists():  # a folder of that name is an error, not a reason to fall back
            routes = _read_file(path, env)
            break
    text = env.get(ENV_VAR, "").strip()
    if text:
        if any(route.name == ENV_ROUTE for route in routes):
            raise ConfigError(f"route name {ENV_ROUTE!r} is reserved for ${ENV_VAR}")
        where = f"${ENV_VAR}: route {ENV_ROUTE!r}"
        urls = tuple(str(url) for url in parse_urls(text))
        for url in urls:
            check_url(url, where)
        routes.append(Route(ENV_ROUTE, urls))
    return routes


def _feeds_dir(data: Mapping[str, Any], path: Path) -> str | None:
    value = data.get("feeds_dir")
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{path}: `feeds_dir` must be a folder path")
    return value.strip() if value else None


def load_feeds_dir(config_dir: Path, defaults_dir: Path) -> str | None:
    """`feeds_dir:` of `config_dir/alerts.yaml` (else `defaults_dir/alerts.yaml`), if set."""
    for path in (Path(config_dir) / FILE, Path(defaults_dir) / FILE):
        if path.exists():
            data = read_yaml(path, ConfigError)
            return _feeds_dir(data, path) if isinstance(data, dict) else None
    return None


def _read_file(path: Path, environ: Mapping[str, str]) -> list[Route]:
    data = read_yaml(path, ConfigError)
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - set(TOP_KEYS):
        raise ConfigError(f"{path}: expected a mapping with the keys `routes` and `feeds_dir`")
    _feeds_dir(data, path)
    items = data.get("routes") or []
    if not isinstance(items, list):
        raise ConfigError(f"{path}: `routes` must be a list")
    routes: list[Route] = []
    for n, item in enumerate(items):
        route = _route(item, f"{path}: routes[{n}]", path, environ)
        if any(r.name == route.name for r in routes):
            raise ConfigError(f"{path}: route {route.name!r} is defined twice")
        routes.append(route)
    return routes


def _route(item: object, where: str, path: Path, environ: Mapping[str, str]) -> Route:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: a route is a mapping with `name` and `urls`")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip() or "\n" in name or len(name) > 100:
        raise ConfigError(f"{where}: needs a `name` (one line, up to 100 characters)")
    where = f"{path}: route {name!r}"
    unknown = sorted(set(map(str, item)) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(KEYS)})")
    urls = _strings(item.get("urls"), f"{where}: `urls`")
    if not urls:
        raise ConfigError(f"{where}: needs at least one URL in `urls`")
    urls = [_expand(url, where, environ) for url in urls]
    for url in urls:
        check_url(url, where)
    topics = item.get("topics")
    min_severity = item.get("min_severity", "low")
    if min_severity not in SEVERITIES:
        raise ConfigError(f"{where}: `min_severity` must be one of {', '.join(SEVERITIES)}")
    mode = item.get("mode", "immediate")
    if mode not in MODES:
        raise ConfigError(f"{where}: `mode` must be immediate or digest")
    schedule = None
    if mode == "digest":
        if not isinstance(item.get("schedule"), str):
            raise ConfigError(f"{where}: a digest needs a `schedule` (e.g. daily 08:00)")
        try:
            schedule = Schedule.parse(item["schedule"], str(item.get("timezone", "UTC")))
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    elif "schedule" in item or "timezone" in item:
        raise ConfigError(f"{where}: `schedule` and `timezone` need `mode: digest`")
    operations = item.get("operations", False)
    if not isinstance(operations, bool):
        raise ConfigError(f"{where}: `operations` must be true or false")
    return Route(
        name=name.strip(),
        urls=tuple(urls),
        topics=None if topics is None else frozenset(_strings(topics, f"{where}: `topics`")),
        min_severity=min_severity,
        mode=mode,
        schedule=schedule,
        operations=operations,
    )


def _strings(value: object, where: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise ConfigError(f"{where} must be a string or a list of strings")
    return [v.strip() for v in items]


def _expand(url: str, where: str, environ: Mapping[str, str]) -> str:
    """`${NAME}` in a URL is the environment variable NAME: keeps tokens out of the file."""

    def value(match: re.Match[str]) -> str:
        if match[1] not in environ:
            raise ConfigError(f"{where}: environment variable {match[1]} is not set")
        return environ[match[1]]

    return _ENV_REF.sub(value, url)
