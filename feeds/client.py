"""One HTTP client for feeds and pages: timeouts, a deadline, a size cap, checked redirects.

Redirects are followed by hand so that every hop goes through the address
guard, and each connection is made to the address the guard checked (the TLS
name and Host header stay those of the URL). Bodies are decompressed here, in
bounded steps, so a gzip bomb stops at the cap instead of filling memory.

The deadline covers connect, headers and body: httpx's timeouts bound each read,
so a server that sends a byte within every read timeout would outlive them. A
watchdog timer shuts the request's socket when the deadline passes. It needs the
socket of each request, so connections are not kept alive between requests.
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx

from claimwatch.errors import one_line
from feeds.config import FetchOptions
from feeds.errors import (
    DeadlineError,
    RefusedError,
    StatusError,
    TooLargeError,
    TransportError,
)
from feeds.guard import Policy, Target, check
from feeds.identity import BadLink, checked_link


@dataclass
class Fetched:
    """A response body (decompressed) with what the caller needs from its headers."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostGate:
    """Per-host politeness: at most N requests at once and a delay between starts."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def enter(self, host: str) -> Iterator[None]:
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        with slot:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delay
            if start > now:
                time.sleep(start - now)
            yield


class Client:
    """Fetches URLs under one FetchOptions; safe to share between threads."""

    def __init__(self, options: FetchOptions, transport: httpx.BaseTransport | None = None) -> None:
        self.options = options
        self._gate = HostGate(options.host_concurrency, options.host_delay)
        self._http = httpx.Client(
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            # no keep-alive: the watchdog learns each request's socket when it connects
            limits=httpx.Limits(
                max_connections=options.concurrency * 2, max_keepalive_connections=0
            ),
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, url: str, policy: Policy, accept: str = "*/*", headers: dict[str, str] | None = None
    ) -> Fetched:
        """GET with checked redirects; raises a FetchError subclass with the reason."""
        deadline = time.monotonic() + self.options.deadline
        hops: list[str] = []
        current = url
        while True:
            target = check(current, policy)
            with self._gate.enter(target.host):
                fetched = self._once(target, accept, headers or {}, deadline)
            if isinstance(fetched, Fetched):
                fetched.redirects = hops
                return fetched
            if len(hops) >= self.options.max_redirects:
                raise RefusedError(
                    f"{url}: more than {self.options.max_redirects} redirects (last {current})"
                )
            hops.append(current)
            following = checked_link(fetched, base=current)
            if isinstance(following, BadLink):
                raise RefusedError(f"{current}: redirect refused: {following.reason}")
            current = following

    def _once(
        self, target: Target, accept: str, headers: dict[str, str], deadline: float
    ) -> Fetched | str:
        """One request to the checked address: the result, or a redirect's Location."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlineError(f"{target.url}: deadline of {self.options.deadline:g}s passed")
        timeout = httpx.Timeout(
            connect=min(self.options.connect_timeout, left),
            read=min(self.options.read_timeout, left),
            write=min(self.options.read_timeout, left),
            pool=min(self.options.read_timeout, left),
        )
        watchdog = _Watchdog(deadline)
        host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
        try:  # the guard passed the URL; httpx may still refuse what it cannot send
            pinned = httpx.URL(target.url).copy_with(host=target.address)
            request = self._http.build_request(
                "GET",
                pinned,
                headers={**headers, "Accept": accept, "Host": host_header},
                timeout=timeout,
                extensions={"sni_hostname": target.host, "trace": watchdog.trace},
            )
        except (httpx.InvalidURL, UnicodeError) as exc:
            raise RefusedError(f"{target.url}: cannot be requested ({one_line(exc)})") from exc
        with watchdog:
            return self._exchange(target, request, deadline, watchdog)

    def _exchange(
        self, target: Target, request: httpx.Request, deadline: float, watchdog: _Watchdog
    ) -> Fetched | str:
        try:
            response = self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            watchdog.raise_if_fired(target.url, self.options.deadline, exc)
            if isinstance(exc, httpx.TimeoutException):
                raise TransportError(f"{target.url}: timed out ({type(exc).__name__})") from exc
            raise TransportError(f"{target.url}: {_reason(exc)}") from exc
        try:
            if response.is_redirect and "location" in response.headers:
                return response.headers["location"]
            if response.status_code == 304:
                return self._result(target, response, b"")
            if response.status_code >= 400:
                raise StatusError(
                    f"{target.url}: HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                    response.status_code,
                )
            body = self._read(target, response, deadline, watchdog)
            return self._result(target, response, body)
        finally:
            response.close()

    def _read(
        self, target: Target, response: httpx.Response, deadline: float, watchdog: _Watchdog
    ) -> bytes:
        cap = self.options.max_bytes
        decoder = _Decompressor(response.headers.get("content-encoding", ""), target.url)
        parts: list[bytes] = []
        size = 0
        try:
            for raw in response.iter_raw():  # as it arrives: a trickle must meet the deadline
                for piece in decoder.pieces(raw, cap - size + 1):
                    size += len(piece)
                    if size > cap:
                        raise TooLargeError(f"{target.url}: body larger than {cap} bytes")
                    parts.append(piece)
                if time.monotonic() > deadline:
                    raise DeadlineError(
                        f"{target.url}: deadline of {self.options.deadline:g}s passed while reading"
                    )
        except httpx.TransportError as exc:
            watchdog.raise_if_fired(target.url, self.options.deadline, exc)
            if isinstance(exc, httpx.TimeoutException):
                raise TransportError(f"{target.url}: timed out while reading") from exc
            raise TransportError(f"{target.url}: {_reason(exc)} while reading") from exc
        watchdog.raise_if_fired(target.url, self.options.deadline)
        return b"".join(parts)

    @staticmethod
    def _result(target: Target, response: httpx.Response, body: bytes) -> Fetched:
        return Fetched(
            url=target.url,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )


class _Watchdog:
    """Shuts the connection of one request when its deadline passes, wherever the exchange
    is (TLS handshake, waiting for headers, reading the body); `fired` says that it did.

    It keeps a duplicate of the socket's descriptor, taken when the connection is made:
    TLS wraps the socket and detaches the original object, while a shutdown through the
    duplicate still ends the connection for every descriptor of it."""

    def __init__(self, deadline: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: takes the socket once the TCP connection is made."""
        if event != "connection.connect_tcp.complete" or info.get("return_value") is None:
            return
        plain = info["return_value"].get_extra_info("socket")
        with self._lock:
            self._socket = plain.dup() if plain is not None else None
            if self.fired:
                self._shut()

    def raise_if_fired(self, url: str, seconds: float, cause: BaseException | None = None) -> None:
        if self.fired:
            raise DeadlineError(f"{url}: deadline of {seconds:g}s passed") from cause

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            with suppress(OSError):  # the connection is closed already: nothing to stop
                self._socket.shutdown(socket.SHUT_RDWR)


class _Decompressor:
    """Content-Encoding undone in bounded steps: no piece is larger than the room left."""

    def __init__(self, encoding: str, url: str) -> None:
        self.encoding = encoding.strip().lower()
        self.url = url
        if self.encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise TransportError(f"{url}: unsupported content encoding {self.encoding!r}")
        wbits = 16 + zlib.MAX_WBITS if "gzip" in self.encoding else zlib.MAX_WBITS
        self._z = zlib.decompressobj(wbits) if self.encoding not in ("", "identity") else None
        self._started = False

    def pieces(self, chunk: bytes, room: int) -> Iterator[bytes]:
        if self._z is None:
            yield chunk
            return
        data = chunk
        while data and room > 0:
            try:
                piece = self._z.decompress(data, room)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started:
                    # Some servers send raw deflate without the zlib header.
                    self._z, self._started = zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise TransportError(f"{self.url}: broken {self.encoding} body ({exc})") from exc
            self._started = True
            room -= len(piece)
            yield piece
            data = self._z.unconsumed_tail


def _reason(exc: httpx.TransportError) -> str:
    if "Connection refused" in str(exc) or "[Errno 111]" in str(exc):
        return "connection refused"
    return one_line(exc)[:200]
