"""A real HTTP news site on 127.0.0.1 for tests and benchmarks: feeds, article pages, failures.

Stdlib only (plus PyYAML for the seed manifest): a `ThreadingHTTPServer` speaking HTTP/1.1
with keep-alive in a daemon thread; nothing leaves the loopback interface. Article pages
carry what a German or English news site puts around an article (cookie banner, navigation,
breadcrumb, photo caption, inline teaser, share bar, related links, reader comments, footer),
so extraction has to find the article. Paths under /broken/ misbehave on purpose.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import re
import socket
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import yaml

HUGE_BYTES = 10 * 1024 * 1024  # /broken/huge.xml sends more than this, chunked
BOMB_BYTES = 200 * 1024 * 1024  # /broken/gzip-bomb.html inflates to about this
SLOW_SECONDS, SLOW_INTERVAL = 120.0, 0.5  # /broken/slow.html: one byte per interval
TRACKING = "utm_source=rss&utm_medium=feed"  # on the Atom feed's links
DEFAULT_OUTLET = "Testkurier"  # the manifest names agencies, not outlets
TAG = "tag:localsite.test"
HTML = "text/html; charset=utf-8"
_DISCONNECTED = (BrokenPipeError, ConnectionResetError)
_CREDIT = re.compile(r"©|\bvia AP\b|Pool Photo")
_END_MARKERS = {"auch interessant", "mehr zum thema", "kommentare", "die mobile version verlassen"}
_SENTENCE_END = re.compile(r"[.!?:;…][\"'“”«»‘’)]*$")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

Handler = Callable[["_Handler"], None]


@dataclass(frozen=True)
class SiteArticle:
    """One article the site serves at /news/<slug>.html."""

    slug: str
    title: str
    paragraphs: list[str]
    published: date
    language: str  # "de" or "en"
    outlet: str


# -- seeds -------------------------------------------------------------------------------


def seed_articles(seeds_dir: Path) -> list[SiteArticle]:
    """The seed corpus (seeds/manifest.yaml + its .txt files) as site articles, in publication
    order.

    The seed files are page text with furniture left in; what a page shows around the article
    (breadcrumbs, "Kommentare", photo captions, the teasers and comments after the end) is
    dropped, so the paragraphs are the article's own text (subheadings included).
    """
    manifest = yaml.safe_load((seeds_dir / "manifest.yaml").read_text(encoding="utf-8"))
    entries = sorted(manifest["articles"], key=lambda entry: str(entry["published"]))
    return [_seed_article(seeds_dir, entry) for entry in entries]


def _seed_article(seeds_dir: Path, entry: dict[str, object]) -> SiteArticle:
    path = seeds_dir / str(entry["file"])
    lines = [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    if lines and _is_headline(lines[0]):
        title, rest = lines[0], lines[1:]
    else:
        title, rest = str(entry.get("title") or path.stem), lines
    return SiteArticle(
        slug=path.stem,
        title=title,
        paragraphs=_without_captions(_body_lines(rest)),
        published=date.fromisoformat(str(entry["published"])),
        language=str(entry.get("language") or "de"),
        outlet=str(entry.get("outlet") or DEFAULT_OUTLET),
    )


def _is_headline(line: str) -> bool:
    """A headline: at most 25 words, no closing full stop."""
    return len(line.split()) <= 25 and not line.endswith(".")


def _is_paragraph(line: str) -> bool:
    """Running text: a dozen words or more, ending like a sentence."""
    return len(line.split()) >= 12 and bool(_SENTENCE_END.search(line))


def _body_lines(lines: list[str]) -> list[str]:
    """From the first real paragraph up to the first end-of-article marker."""
    start = next((i for i, line in enumerate(lines) if _is_paragraph(line)), len(lines))
    body: list[str] = []
    for line in lines[start:]:
        if line.lower().rstrip(":") in _END_MARKERS:
            break
        body.append(line)
    return body


def _without_captions(lines: list[str]) -> list[str]:
    """Without photo captions: credit lines, and the alt text or caption copy just before one."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        before_credit = bool(_CREDIT.search(following)) and (
            following.startswith(line) or len(line.split()) <= 3
        )
        if not _CREDIT.search(line) and not before_credit:
            kept.append(line)
    return kept


# -- article pages -----------------------------------------------------------------------

_FURNITURE = {
    "de": {
        "cookie": "Wir verwenden Cookies und ähnliche Technologien, um Inhalte zu personalisieren, "
        "Werbung anzuzeigen und die Nutzung unserer Website zu analysieren. Mit „Alle akzeptieren“ "
        "stimmen Sie der Verarbeitung Ihrer Daten durch uns und unsere 143 Partner zu.",
        "buttons": "Alle akzeptieren|Einstellungen",
        "sections": "Politik|Wirtschaft|Ausland|Sport|Kultur|Wissen|Panorama|Meinung",
        "crumbs": "Startseite|Politik|Ausland",
        "byline": "Von Redaktion",
        "share": "Teilen|Drucken|Merken",
        "caption": "Archivbild: Soldaten bei einer Militärparade.|© picture alliance/dpa",
        "teaser_label": "Lesen Sie auch",
        "related": "Mehr zum Thema",
        "teasers": "Newsticker: Alle Entwicklungen im Überblick|Podcast: Die Lage am Morgen",
        "comments": "Kommentare",
        "comment_texts": "Russland hat doch längst bestätigt, dass nordkoreanische Soldaten "
        "kämpfen!|Alles Fake News. Moskau hat klar dementiert, Kim würde niemals Soldaten nach "
        "Kursk schicken.|Die Ukraine hat Beweise, dass mindestens 12.000 Nordkoreaner an der "
        "Front sind.",
        "authors": "Leser_Hans · vor 2 Stunden|MariaK aus Dresden · vor 3 Stunden|"
        "Frieden2024 · gestern",
        "footer": "Impressum|Datenschutz|Kontakt|AGB|Cookie-Einstellungen|Barrierefreiheit",
    },
    "en": {
        "cookie": "We use cookies and similar technologies to personalise content and ads and to "
        "analyse our traffic. By clicking “Accept all” you agree to the processing of your data "
        "by us and our 143 partners.",
        "buttons": "Accept all|Manage settings",
        "sections": "Politics|Business|World|Sport|Culture|Science|Opinion|Video",
        "crumbs": "Home|World|Europe",
        "byline": "By staff",
        "share": "Share|Print|Save",
        "caption": "File photo: Soldiers at a military parade.|© Reuters",
        "teaser_label": "Read more",
        "related": "Related",
        "teasers": "Live: All the latest developments|Podcast: The morning briefing",
        "comments": "Comments",
        "comment_texts": "Russia has long since confirmed that North Korean soldiers are fighting!|"
        "Fake news. Moscow clearly denied it, Kim would never send soldiers to Kursk.|"
        "Ukraine has proof that at least 12,000 North Koreans are at the front.",
        "authors": "ReaderJohn · 2 hours ago|Mary from Leeds · 3 hours ago|Peace2024 · yesterday",
        "footer": "Imprint|Privacy|Contact|Terms|Cookie settings|Accessibility",
    },
}


def furniture(language: str) -> dict[str, list[str]]:
    """The furniture texts of a page in `language` ("de", else "en"), each a list of strings."""
    return {k: v.split("|") for k, v in _FURNITURE["de" if language == "de" else "en"].items()}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _links(items: list[tuple[str, str]]) -> str:
    """(text, href) pairs as list items."""
    return "".join(f'<li><a href="{_esc(href)}">{_esc(text)}</a></li>' for text, href in items)


def _nav(names: list[str]) -> list[tuple[str, str]]:
    """Section names with their paths: "Cookie settings" -> "/cookie-settings/"."""
    return [(name, f"/{name.lower().replace(' ', '-')}/") for name in names]


def _body_html(article: SiteArticle, words: dict[str, list[str]], teaser: tuple[str, str]) -> str:
    """Paragraphs as <p>, subheadings (no closing punctuation) as <h2>, with a photo after the
    first paragraph and an inline teaser after the third."""
    parts = []
    for index, text in enumerate(article.paragraphs):
        heading = len(text.split()) <= 25 and not _SENTENCE_END.search(text)
        parts.append(f"<h2>{_esc(text)}</h2>" if heading else f"<p>{_esc(text)}</p>")
        if index == 0:
            caption, credit = words["caption"]
            parts.append(
                f'<figure class="image"><img src="/img/{article.slug}.jpg" alt="" width="1200">'
                f'<figcaption>{_esc(caption)} <span class="credit">{_esc(credit)}</span>'
                "</figcaption></figure>"
            )
        if index == 2:
            label, (text_, href) = words["teaser_label"][0], teaser
            parts.append(
                f'<aside class="inline-teaser"><span>{_esc(label)}</span> '
                f'<a href="{_esc(href)}">{_esc(text_)}</a></aside>'
            )
    return "\n".join(parts)


def _comments_html(words: dict[str, list[str]]) -> str:
    items = "".join(
        f'<div class="comment"><p class="comment-meta">{_esc(who)}</p>'
        f'<p class="comment-text">{_esc(text)}</p></div>'
        for who, text in zip(words["authors"], words["comment_texts"], strict=True)
    )
    heading = f"{words['comments'][0]} ({len(words['comment_texts'])})"
    return f'<section id="comments" class="comments"><h2>{heading}</h2>{items}</section>'


def article_page(
    article: SiteArticle, url: str, stamp: datetime, related: list[SiteArticle]
) -> str:
    """The HTML page of one article, with the furniture of a real news site around it."""
    words, iso = furniture(article.language), stamp.isoformat()
    title, outlet = _esc(article.title), _esc(article.outlet)
    lead = _esc((article.paragraphs or [article.title])[0])
    crumbs = [(words["crumbs"][0], "/"), *_nav(words["crumbs"][1:])]
    teasers = [(a.title, f"/news/{a.slug}.html") for a in related]
    teasers += [(text, f"/thema/{i}/") for i, text in enumerate(words["teasers"])]
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title}
    ld |= {"datePublished": iso, "inLanguage": article.language, "mainEntityOfPage": url}
    ld["publisher"] = {"@type": "Organization", "name": article.outlet}
    ld_json = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="{article.language}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {outlet}</title>
<meta name="description" content="{lead}">
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}"><meta property="og:url" content="{_esc(url)}">
<meta property="article:published_time" content="{iso}">
<link rel="canonical" href="{_esc(url)}"><link rel="stylesheet" href="/static/site.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
<script type="application/ld+json">{ld_json}</script>
</head>
<body>
<div id="cookie-consent" class="cookie-banner" role="dialog"><p>{_esc(words["cookie"][0])}</p>
<button>{_esc(words["buttons"][0])}</button> <button>{_esc(words["buttons"][1])}</button></div>
<header class="site-header"><a class="logo" href="/">{outlet}</a>
<nav class="main-nav"><ul>{_links(_nav(words["sections"]))}</ul></nav></header>
<main>
<nav class="breadcrumb"><ol>{_links(crumbs)}</ol></nav>
<article class="article">
<header><h1>{title}</h1>
<p class="byline">{_esc(words["byline"][0])} ·
<time datetime="{iso}">{stamp:%d.%m.%Y %H:%M}</time></p>
<ul class="share">{_links([(s, "#" + s.lower()) for s in words["share"]])}</ul></header>
<div class="article-body">
{_body_html(article, words, teasers[0])}
</div>
</article>
<aside class="related"><h2>{_esc(words["related"][0])}</h2><ul>{_links(teasers)}</ul></aside>
{_comments_html(words)}
</main>
<footer class="site-footer"><ul>{_links(_nav(words["footer"]))}</ul>
<p>© {stamp.year} {outlet}</p></footer>
</body>
</html>
"""


# -- feeds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed."""

    title: str
    link: str
    guid: str
    stamp: datetime
    summary: str = ""


def rss_feed(title: str, home: str, items: list[FeedItem]) -> str:
    """An RSS 2.0 document; a guid is a permalink only when it is the link."""
    built = format_datetime(max((i.stamp for i in items), default=_EPOCH), usegmt=True)
    entries = "".join(
        f"<item><title>{xml_escape(i.title)}</title><link>{xml_escape(i.link)}</link>"
        f'<guid isPermaLink="{str(i.guid == i.link).lower()}">{xml_escape(i.guid)}</guid>'
        f"<pubDate>{format_datetime(i.stamp, usegmt=True)}</pubDate>"
        f"<description>{xml_escape(i.summary)}</description></item>\n"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>'
        f"{xml_escape(title)}</title><link>{xml_escape(home)}</link><description>"
        f"{xml_escape(title)}</description><lastBuildDate>{built}</lastBuildDate>\n"
        f"{entries}</channel></rss>\n"
    )


def atom_feed(title: str, self_url: str, items: list[FeedItem]) -> str:
    """An Atom 1.0 document."""
    updated = max((i.stamp for i in items), default=_EPOCH).isoformat()
    entries = "".join(
        f"<entry><title>{xml_escape(i.title)}</title><id>{xml_escape(i.guid)}</id>"
        f'<link rel="alternate" type="text/html" href="{_esc(i.link)}"/>'
        f"<updated>{i.stamp.isoformat()}</updated><published>{i.stamp.isoformat()}</published>"
        f"<summary>{xml_escape(i.summary)}</summary></entry>\n"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_escape(title)}</title><id>{TAG},2024:feed{urlsplit(self_url).path}</id>"
        f'<link rel="self" href="{_esc(self_url)}"/><updated>{updated}</updated>\n'
        f"{entries}</feed>\n"
    )


def _not_modified(headers: Message, etag: str, modified: datetime) -> bool:
    """Whether a conditional GET gets 304 (If-None-Match, when sent, decides alone)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    try:
        since = parsedate_to_datetime(headers.get("If-Modified-Since", ""))
    except (TypeError, ValueError):
        return False
    return (since if since.tzinfo else since.replace(tzinfo=UTC)) >= modified.replace(microsecond=0)


def _send_feed(h: _Handler, document: str, kind: str, modified: datetime) -> None:
    """A feed with ETag and Last-Modified, or 304 with no body when the client has it."""
    body = document.encode("utf-8")
    headers = {"ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"'}
    headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    if _not_modified(h.headers, headers["ETag"], modified):
        _send(h, 304, None, None, headers)
    else:
        _send(h, 200, body, f"application/{kind}+xml; charset=utf-8", headers)


# -- HTTP --------------------------------------------------------------------------------


def _send(
    h: _Handler, status: int, body: bytes | None, kind: str | None, headers: dict[str, str]
) -> None:
    """A response; a body of None sends no Content-Length (304)."""
    h.send_response(status)
    if kind:
        headers = {"Content-Type": kind, **headers}
    if body is not None:
        headers = {**headers, "Content-Length": str(len(body))}
    for name, value in headers.items():
        h.send_header(name, value)
    h.end_headers()
    h.wfile.write(body or b"")


def _encoded(page: str) -> tuple[bytes, bytes]:
    """A page as UTF-8 bytes and gzip-compressed."""
    body = page.encode("utf-8")
    return body, gzip.compress(body, compresslevel=6, mtime=0)


def _send_html(h: _Handler, status: int, page: str | tuple[bytes, bytes]) -> None:
    """An HTML page (text or `_encoded`), gzip-compressed when the client accepts gzip."""
    plain, packed = _encoded(page) if isinstance(page, str) else page
    headers = {"Vary": "Accept-Encoding"}
    if "gzip" in h.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
    _send(h, status, packed if "Content-Encoding" in headers else plain, HTML, headers)


def _page(title: str, text: str) -> str:
    """A plain page with a heading and one paragraph."""
    head = f"<!DOCTYPE html><html><head><title>{title}</title></head>"
    return f"{head}<body><h1>{title}</h1><p>{text}</p></body></html>"


def _stream(h: _Handler, kind: str, parts: Callable[[], bool | None]) -> None:
    """A chunked 200 whose chunks `parts` writes with `_chunk`; a client hanging up ends it."""
    try:
        h.send_response(200)
        h.send_header("Content-Type", kind)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        if parts() is False:  # stopped early: no final chunk, close the connection
            h.close_connection = True
        else:
            h.wfile.write(b"0\r\n\r\n")
    except _DISCONNECTED:
        h.close_connection = True


def _chunk(h: _Handler, data: bytes) -> None:
    h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


def _huge(h: _Handler) -> None:
    """RSS that starts well, then HUGE_BYTES of padding, chunked with no Content-Length."""
    start = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Riesig'
    padding = b" " * (64 * 1024)

    def parts() -> None:
        _chunk(h, start + b"</title><link>http://127.0.0.1/</link><description>")
        for _ in range(HUGE_BYTES // len(padding)):
            _chunk(h, padding)
        _chunk(h, b"</description></channel></rss>\n")

    _stream(h, "application/rss+xml; charset=utf-8", parts)


@functools.cache
def gzip_bomb() -> bytes:
    """A small gzip body that inflates to about BOMB_BYTES of spaces, compressed as a stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1024 * 1024)
    parts = [packer.compress(b"<!DOCTYPE html><html><body><p>")]
    parts.extend(packer.compress(block) for _ in range(BOMB_BYTES // len(block)))
    return b"".join([*parts, packer.flush()])


_BROKEN: dict[str, Handler] = {
    "/broken/not-xml": lambda h: _send_html(h, 200, _page("Willkommen", "Hier ist kein Feed.")),
    "/broken/huge.xml": _huge,
    "/broken/gzip-bomb.html": lambda h: _send(
        h, 200, gzip_bomb(), HTML, {"Content-Encoding": "gzip"}
    ),
}


class _Handler(BaseHTTPRequestHandler):
    """Records every GET, then hands it to the site's route for its path."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle keep-alive connection ends after this
    server: _Server

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.site.record(self.path, path, {k.lower(): v for k, v in self.headers.items()})
        self.server.site.route(path)(self)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read `hits` and `requests` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, site: LocalSite, address: str) -> None:
        self.site = site
        super().__init__((address, 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up is normal here; anything else is printed as usual."""
        if not isinstance(sys.exc_info()[1], _DISCONNECTED):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


# -- the site ----------------------------------------------------------------------------


class LocalSite:
    """A news site on 127.0.0.1: feeds, article pages, extra routes and failure endpoints.

    The port is bound on construction (so `base` is known at once); entering starts serving,
    leaving shuts down and closes the socket. `visible`: how many articles, in publication
    order, the feeds list (settable). `hits`: GETs per path without query; `requests`: (path
    with query, headers with lower-cased names) per request. Article i (publication order)
    is in feed i % feeds; every article page is served, listed or not. `address`: another
    loopback address (127.0.0.2, ...) is another host name.
    """

    def __init__(
        self, articles: list[SiteArticle], feeds: int = 2, address: str = "127.0.0.1"
    ) -> None:
        if feeds < 1:
            raise ValueError("a site needs at least one feed")
        self.articles = sorted(articles, key=lambda a: a.published)  # stable: ties keep order
        self._stamps = [  # 06:00 UTC, a second apart, so same-day articles keep an order
            datetime.combine(a.published, time(6), UTC) + timedelta(seconds=i)
            for i, a in enumerate(self.articles)
        ]
        self._by_slug = {a.slug: i for i, a in enumerate(self.articles)}
        self.visible = len(self.articles)
        self.feed_paths = ["/rss.xml", "/atom.xml", *(f"/feeds/{k}.xml" for k in range(2, feeds))]
        self.feed_paths = self.feed_paths[:feeds]
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._routes: dict[str, Handler] = {}
        self._page = functools.lru_cache(maxsize=256)(self._render)
        self._server = _Server(self, address)
        self.base = f"http://{address}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True

    def __enter__(self) -> LocalSite:
        # built before serving (once per process): compressing it at the first request made
        # that request time out on a loaded machine, and its page fail for the wrong reason
        gzip_bomb()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        """The absolute URL of a path on this site."""
        return self.base + path

    def reset_hits(self) -> None:
        """Forget the counted hits and the recorded requests."""
        with self._lock:
            self.hits.clear()
            self.requests.clear()

    def record(self, raw_path: str, path: str, headers: dict[str, str]) -> None:
        """Count a GET (the handler calls this); header names are lower-cased."""
        with self._lock:
            self.hits[path] += 1
            self.requests.append((raw_path, headers))

    def add_feed(self, path: str, links: list[tuple[str, str]], kind: str = "rss") -> None:
        """An extra "rss" or "atom" feed at `path` of (title, absolute link) items, newest first."""
        now = datetime.now(UTC).replace(microsecond=0)
        items = [
            FeedItem(t, link, link, now - timedelta(minutes=i)) for i, (t, link) in enumerate(links)
        ]
        self._routes[path] = lambda h: self._serve_feed(h, path, kind, items)

    def add_redirect(self, path: str, target: str, status: int = 302) -> None:
        """A redirect from `path` to `target` (absolute or site-relative)."""
        self._routes[path] = lambda h: _send(h, status, b"", HTML, {"Location": target})

    def add_page(self, path: str, body: bytes, content_type: str = HTML) -> None:
        """A fixed body at `path`, sent as is."""
        self._routes[path] = lambda h: _send(h, 200, body, content_type, {})

    def add_route(self, path: str, handler: Handler) -> None:
        """Any handler at `path`: it writes the whole response itself (see `drip`)."""
        self._routes[path] = handler

    @property
    def stopping(self) -> threading.Event:
        """Set when the site shuts down: a handler that drips should stop then."""
        return self._stop

    def route(self, path: str) -> Handler:
        """What answers `path`: extra routes first, then feeds, articles, /broken/, else 404."""
        if path in self._routes:
            return self._routes[path]
        if path in self.feed_paths:
            index = self.feed_paths.index(path)
            kind = "atom" if index % 2 else "rss"
            return lambda h: self._serve_feed(h, path, kind, self._items(index, kind == "atom"))
        match = re.fullmatch(r"/news/([^/]+)\.html", path)
        if match and match[1] in self._by_slug:
            return lambda h: _send_html(h, 200, self._page(self._by_slug[match[1]]))
        if path == "/broken/slow.html":
            return self._slow
        missing = _page("Seite nicht gefunden", "Die Seite existiert nicht.")
        return _BROKEN.get(path, lambda h: _send_html(h, 404, missing))

    def _items(self, feed: int, atom: bool) -> list[FeedItem]:
        """Feed `feed`'s items, newest first: visible articles i with i % feeds == feed."""
        shown = range(min(max(self.visible, 0), len(self.articles)))
        chosen = [i for i in shown if i % len(self.feed_paths) == feed]
        return [self._item(i, atom) for i in reversed(chosen)]

    def _item(self, index: int, atom: bool) -> FeedItem:
        """RSS items have a `seed-<slug>` guid; Atom entries a tag: id and a tracking query."""
        article, stamp = self.articles[index], self._stamps[index]
        link, guid = self.url(f"/news/{article.slug}.html"), f"seed-{article.slug}"
        if atom:
            link, guid = f"{link}?{TRACKING}", f"{TAG},{stamp.year}:news/{article.slug}"
        summary = article.paragraphs[0] if article.paragraphs else ""
        return FeedItem(article.title, link, guid, stamp, summary)

    def _serve_feed(self, h: _Handler, path: str, kind: str, items: list[FeedItem]) -> None:
        title = self.articles[0].outlet if self.articles else DEFAULT_OUTLET
        if kind == "atom":
            document = atom_feed(title, self.url(path), items)
        else:
            document = rss_feed(title, self.url("/"), items)
        _send_feed(h, document, kind, max((i.stamp for i in items), default=_EPOCH))

    def _render(self, index: int) -> tuple[bytes, bytes]:
        """Article `index`'s page, encoded (cached in `_page`: articles do not change)."""
        article = self.articles[index]
        others = [a for a in self.articles if a.slug != article.slug][-3:]
        url = self.url(f"/news/{article.slug}.html")
        return _encoded(article_page(article, url, self._stamps[index], others))

    def _slow(self, h: _Handler) -> None:
        """200 and the start of a page, then one byte every SLOW_INTERVAL for SLOW_SECONDS."""

        def parts() -> bool:
            _chunk(h, b"<!DOCTYPE html><html><head><title>Langsam</title></head><body><p>")
            for _ in range(int(SLOW_SECONDS / SLOW_INTERVAL)):
                if self._stop.wait(SLOW_INTERVAL):
                    return False
                _chunk(h, b".")
            _chunk(h, b"</p></body></html>")
            return True

        _stream(h, HTML, parts)


def drip(h: _Handler, head: bytes, body: bytes, interval: float, stop: threading.Event) -> None:
    """Write `head` at once, then `body` one byte per `interval` seconds, until done, the
    client hangs up or `stop` is set. Headers are dripped by giving them as `body`."""
    h.close_connection = True
    try:
        h.wfile.write(head)
        for index in range(len(body)):
            h.wfile.write(body[index : index + 1])
            if stop.wait(interval):
                return
    except _DISCONNECTED:
        return


def closed_port() -> int:
    """A loopback port nobody listens on (bind, read the port, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
