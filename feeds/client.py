"""One HTTP client for feeds and pages: timeouts, a deadline, a size cap, checked redirects.

Redirects are followed by hand so that every hop goes through the address
guard, and each connection is made to the address the guard checked (the TLS
name and Host header stay those of the URL). Bodies are decompressed here, in
bounded steps, so a gzip bomb stops at the cap instead of filling memory.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin

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
            limits=httpx.Limits(max_connections=options.concurrency * 2),
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
            current = urljoin(current, fetched)

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
        pinned = httpx.URL(target.url).copy_with(host=target.address)
        host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
        request = self._http.build_request(
            "GET",
            pinned,
            headers={**headers, "Accept": accept, "Host": host_header},
            timeout=timeout,
            extensions={"sni_hostname": target.host},
        )
        try:
            response = self._http.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise TransportError(f"{target.url}: timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
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
            body = self._read(target, response, deadline)
            return self._result(target, response, body)
        finally:
            response.close()

    def _read(self, target: Target, response: httpx.Response, deadline: float) -> bytes:
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
        except httpx.TimeoutException as exc:
            raise TransportError(f"{target.url}: timed out while reading") from exc
        except httpx.TransportError as exc:
            raise TransportError(f"{target.url}: {_reason(exc)} while reading") from exc
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
