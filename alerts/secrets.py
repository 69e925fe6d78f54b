"""Keeping apprise URLs' tokens and passwords out of every log line, error and listing.

- `mask(url)`: apprise's privacy rendering (`plugin.url(privacy=True)`), with token-like
  path parts of generic webhooks and secret-looking query values masked too; a URL
  apprise cannot parse is reduced to its scheme and host name.
- Every URL seen is registered: the parts of it its masked form does not show are its
  secrets. A log-record factory (installed on first use) replaces them with `****` in
  every record of the process, whoever logs it (apprise, urllib3, claimwatch).
- A filter on apprise's own logger (`guard_apprise_logger`, installed with the first
  `asset()` and again by every `apprise_logs()`) masks each apprise record before any
  handler sees it: the registered secrets, and while apprise reads a URL (`reading`) every
  part of that URL that may be secret, since its secrets are registered only once apprise
  has read it ("The SpugPush token (…) is invalid" names the token).
- `apprise_logs()` holds apprise's records of one call off the root logger: they say why
  a send failed; they are replayed afterwards at DEBUG, redacted.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import apprise

from claimwatch.errors import ConfigError

log = logging.getLogger(__name__)
MASK = "****"
WEBHOOK_SCHEMES = frozenset({"json", "jsons", "xml", "xmls", "form", "forms"})
QUIET_PARAMS = frozenset({"format", "overflow", "retry", "wait", "optional", "cto", "rto"})
_SECRET_KEY = re.compile(r"tok|key|secret|pass|pwd|sig|cred|session", re.IGNORECASE)
_SPLIT = re.compile(r"[/:@?&=#,;\s]+")
_HOST = re.compile(r"localhost|[\w-]+(\.[\w-]+)+|\[[0-9a-fA-F:]+\]")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,11}")
_URL_IN_TEXT = re.compile(r"\s*\S+://\S*")
_MIN_TOKEN = 5

_SECRETS: set[str] = set()
_ORDERED: tuple[str, ...] = ()  # the secrets, longest first
_SECRETS_LOCK = threading.Lock()  # held briefly; taken by every log record's redaction
_APPRISE_LOCK = threading.RLock()  # held while apprise's logger is redirected
_factory_installed = False
# The parts of the URL apprise is reading now (in this thread or task), as one pattern.
_READING: ContextVar[re.Pattern[str] | None] = ContextVar("claimwatch_reading", default=None)


@lru_cache(maxsize=1)
def asset() -> apprise.AppriseAsset:
    """claimwatch's apprise identity; nothing persisted to disk. Every use of apprise
    passes it, so apprise's logger is guarded before apprise first logs."""
    guard_apprise_logger()
    return apprise.AppriseAsset(
        app_id="claimwatch",
        app_desc="claimwatch news monitor",
        app_url="https://github.com/claimwatch",
        storage_mode="memory",
    )


def _pprint(value: str) -> str:
    return f"{value[0]}...{value[-1]}" if len(value) > 8 else MASK


def _fallback(url: str) -> str:
    """A URL apprise cannot read: scheme and host name only (a token-like host is masked)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return MASK
    netloc = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = netloc.rpartition("@")[2]
    host = host if host.startswith("[") else host.split(":")[0]
    shown = host if _HOST.fullmatch(host) else (MASK if host else "")
    tail = "/..." if len(rest) > len(netloc) else ""
    return f"{scheme if _SCHEME.fullmatch(scheme) else MASK}://{shown}{tail}"


def _tidy(masked: str) -> str:
    """Mask what apprise shows but may be secret (webhook path tokens, header and key
    values) and drop apprise's generic default parameters."""
    scheme, _, rest = masked.partition("://")
    base, _, query = rest.partition("?")
    if scheme.lower() in WEBHOOK_SCHEMES:
        head, *segments = base.split("/")
        base = "/".join([head, *(s if len(s) < 6 else _pprint(unquote(s)) for s in segments)])
    params = []
    for pair in filter(None, query.split("&")):
        key, sep, value = pair.partition("=")
        if key in QUIET_PARAMS:
            continue
        if sep and value and (unquote(key).startswith("+") or _SECRET_KEY.search(key)):
            value = _pprint(unquote(value))
        params.append(f"{key}{sep}{value}")
    return f"{scheme}://{base}" + (f"?{'&'.join(params)}" if params else "")


@lru_cache(maxsize=512)
def mask(url: str) -> str:
    """The URL as it may be shown anywhere: tokens and passwords masked."""
    with apprise_logs(replay=False), reading(url):
        plugin = apprise.Apprise.instantiate(url, asset=asset())
    masked = _tidy(plugin.url(privacy=True)) if plugin is not None else _fallback(url)
    register(url, masked)
    return masked


def _candidates(url: str) -> set[str]:
    """The parts of a URL that may be secret: user and password, host, path, key values."""
    rest = url.partition("://")[2]
    match = re.match(r"([^/?#]*)([^?#]*)\??([^#]*)", rest)
    netloc, path, query = match.groups() if match else (rest, "", "")
    userinfo, _, host = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    found = {password, unquote(password)} if len(password) >= 3 else set()
    for text in (user, host, path):
        found.update(t for t in _SPLIT.split(text) + _SPLIT.split(unquote(text)))
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if unquote(key).startswith("+") or _SECRET_KEY.search(key):
            found.update({value, unquote(value)})
    return {t for t in found if len(t) >= _MIN_TOKEN or t in (password, unquote(password))}


def register(url: str, masked: str | None = None) -> None:
    """Remember the URL's secrets (what `masked` does not show) for redaction."""
    shown = set(_SPLIT.split(unquote(masked))) if masked else set()
    global _ORDERED
    secrets = {s for s in _candidates(url) if s and s not in shown}
    with _SECRETS_LOCK:
        if secrets - _SECRETS:
            _SECRETS.update(secrets)
            _ORDERED = tuple(sorted(_SECRETS, key=len, reverse=True))
        _install_factory()


def redact(text: str) -> str:
    """The text with every registered secret replaced by `****`."""
    for secret in _ORDERED:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _scrub(record: logging.LogRecord, reading: re.Pattern[str] | None = None) -> None:
    """Mask the record's message (and traceback): registered secrets, and `reading`."""

    def clean(text: str) -> str:
        return redact(reading.sub(MASK, text) if reading else text)

    try:
        message = record.getMessage()
    except (TypeError, ValueError, KeyError):
        return
    cleaned = clean(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = clean(text)


class MaskAppriseRecords(logging.Filter):
    """Masks secrets in each record of apprise's logger before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub(record, _READING.get())
        return True


def guard_apprise_logger() -> None:
    """Put the masking filter on apprise's logger, once (apprise logs on that one logger)."""
    logger = logging.getLogger("apprise")
    if not any(isinstance(f, MaskAppriseRecords) for f in logger.filters):
        logger.addFilter(MaskAppriseRecords())


@contextmanager
def reading(url: str) -> Iterator[None]:
    """While apprise reads the URL, its records mask every part of it that may be secret
    (in any letter case: some plugins lower-case what they quote)."""
    parts = sorted(_candidates(url) | {url}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, filter(None, parts))), re.IGNORECASE)
    token = _READING.set(pattern)
    try:
        yield
    finally:
        _READING.reset(token)


def _install_factory() -> None:
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _ORDERED:
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class _Collect(logging.Handler):
    """Keeps the records of one apprise call."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.NOTSET)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def apprise_logs(replay: bool = True) -> Iterator[list[logging.LogRecord]]:
    """Hold apprise's log records during the block (warnings at least), off the root
    logger; replay them at DEBUG on this module's logger afterwards (redacted)."""
    records: list[logging.LogRecord] = []
    guard_apprise_logger()
    logger = logging.getLogger("apprise")
    handler = _Collect(records)
    with _APPRISE_LOCK:
        propagate, level = logger.propagate, logger.level
        logger.propagate = False
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
        logger.addHandler(handler)
        try:
            yield records
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate
            logger.setLevel(level)
    if replay:
        for record in records:
            log.debug("apprise %s: %s", record.levelname.lower(), record.getMessage())


def problems(records: list[logging.LogRecord]) -> list[str]:
    """apprise's warnings and errors of one call, redacted, one line each, URLs removed."""
    lines = []
    for record in records:
        if record.levelno >= logging.WARNING:
            line = " ".join(redact(record.getMessage()).split())
            lines.append(_URL_IN_TEXT.sub("", line).strip() or "apprise reported an error")
    return list(dict.fromkeys(lines))


def check_url(url: str, where: str) -> None:
    """ConfigError (one line: where, masked URL, apprise's reason) unless apprise reads it."""
    with apprise_logs(replay=False) as records, reading(url):
        plugin = apprise.Apprise.instantiate(url, asset=asset())
    if plugin is None:
        reasons = problems(records)
        why = f" ({reasons[0]})" if reasons else ""
        raise ConfigError(f"{where}: not a valid apprise URL: {mask(url)}{why}")
    mask(url)
