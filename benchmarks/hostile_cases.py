"""The hostile-input cases, each as one real `claimwatch run`: wall time and peak memory.

Every case serves a hostile feed or page on 127.0.0.1 beside the healthy control (the seed
site's /rss.xml), writes a config folder with both feeds and short budgets, and runs one
`claimwatch run` process against one Prefect server started once for the whole script.
Each row says whether the pass ended by itself (its exit code), whether the control feed's
articles were stored, the reason stored for the hostile case (the hostile source's error,
else its pages' errors, else the run's last stderr line), the wall time and the peak RSS
of that child process alone (os.wait4 in a small launcher: see LAUNCHER).

The cases are those of tests/test_hostile.py (built the same way, from its helpers) and
those of issue 18 the suite lacks. Nothing is written outside a temporary folder; the
Markdown table goes to stdout, progress to stderr.

Usage: .venv/bin/python benchmarks/hostile_cases.py [--only a,b] [--skip a,b] [--timeout 300]
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.extract_scaling import paragraph_page
from flows.server import temporary_server
from storage.db import open_database, transaction
from storage.models import Article, Entry, Page, Source
from tests.conftest import SEEDS, write_feeds
from tests.localsite import HTML, LocalSite, _Handler, drip, gzip_bomb, seed_articles
from tests.test_hostile import DRIP_HEAD, LINKS, RSS, hostile_feed, item, rss

DEADLINE = "3s"
FAST = {
    "deadline": DEADLINE,
    "read_timeout": "1s",
    "connect_timeout": "1s",
    "feed_retries": 0,
    "max_attempts": 2,
}
PARAGRAPH = {"max_text": 100_000, "claim_budget": "0.3s"}
REASON_WIDTH = 150

Feed = dict[str, object]
Note = Callable[[Session, Source], str]


@dataclass(frozen=True)
class Case:
    """One hostile input: `serve` adds its routes to the site and returns its feeds.yaml entry
    (None: the control feed alone); `fetch` overrides the short budgets; `note` adds what
    the database shows beyond the recorded reason."""

    name: str
    serve: Callable[[LocalSite], Feed | None]
    fetch: dict[str, object] = field(default_factory=dict)
    note: Note | None = None


@dataclass(frozen=True)
class Outcome:
    """What one `claimwatch run` did."""

    exit_code: int | None  # None: it did not end by itself and was killed
    seconds: float
    peak_mb: float
    stored: int
    listed: int
    reason: str


# -- the cases -------------------------------------------------------------------------


def healthy(site: LocalSite) -> str:
    """A seed story the control feed does not list (the Atom feed does)."""
    return site.url(f"/news/{site.articles[1].slug}.html")


def feed_path(name: str) -> str:
    return f"/hostile/{name}.xml"


def link_case(name: str, site: LocalSite) -> Feed:
    """A feed of one poisoned link (tests/test_hostile.py LINKS) and one healthy entry."""
    link, _reason = LINKS[name]
    return hostile_feed(site, [item(link(site)), item(healthy(site), "Gesund")], feed_path(name))


def fullwidth_host(site: LocalSite) -> Feed:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c != "." else "．" for c in "127.0.0.1")
    port = site.base.rsplit(":", 1)[1]
    link = f"http://{fullwidth}:{port}/news/{site.articles[1].slug}.html"
    return {**hostile_feed(site, [item(link)], feed_path("fullwidth")), "allow_private": True}


def dripped_page_headers(site: LocalSite) -> Feed:
    response = DRIP_HEAD + b"<html><body><p>Langsam</p></body></html>"
    site.add_route("/drip/headers.html", lambda h: drip(h, b"", response, 0.5, site.stopping))
    return hostile_feed(site, [item(site.url("/drip/headers.html"))], feed_path("drip-headers"))


def dripped_feed_headers(site: LocalSite) -> Feed:
    response = DRIP_HEAD.replace(b"text/html", b"application/rss+xml") + rss([])
    site.add_route("/drip/feed.xml", lambda h: drip(h, b"", response, 0.5, site.stopping))
    return {"url": site.url("/drip/feed.xml")}


def dripped_body(site: LocalSite) -> Feed:
    body = b"<html><body><p>" + b"." * 200 + b"</p></body></html>"
    head = DRIP_HEAD.replace(b"X-Padding: " + b"a" * 80, f"Content-Length: {len(body)}".encode())
    site.add_route("/drip/body.html", lambda h: drip(h, head, body, 0.2, site.stopping))
    return hostile_feed(site, [item(site.url("/drip/body.html"))], feed_path("drip-body"))


def fifty_thousand_entries(site: LocalSite) -> Feed:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = [
        f"<guid>e{i}</guid><link>/many/{i}.html</link>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=i), usegmt=True)}</pubDate>"
        for i in range(50_000)
    ]
    return hostile_feed(site, items, feed_path("many"))


def one_paragraph(megabytes: int, site: LocalSite) -> Feed:
    """A page of one paragraph of a story the control feed does not list."""
    path = f"/huge/paragraph-{megabytes}mb.html"
    site.add_page(path, paragraph_page(megabytes * 1024 * 1024, story=1).encode(), HTML)
    return hostile_feed(site, [item(site.url(path))], feed_path(f"paragraph-{megabytes}mb"))


def gzip_bomb_page(site: LocalSite) -> Feed:
    gzip_bomb()  # built before the run, so its compression is not timed
    return hostile_feed(site, [item(site.url("/broken/gzip-bomb.html"))], feed_path("bomb"))


def external_entity(site: LocalSite) -> Feed:
    """XXE: an external entity naming /etc/passwd, used in the channel and an entry title."""
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<rss version="2.0"><channel><title>&xxe;</title><link>http://127.0.0.1/</link>\n'
        f"<item><title>Geheim &xxe;</title><link>{healthy(site)}</link></item>\n"
        "</channel></rss>\n"
    )
    site.add_page(feed_path("xxe"), document.encode(), RSS)
    return {"url": site.url(feed_path("xxe"))}


def billion_laughs(site: LocalSite) -> Feed:
    """Ten levels of ten entity references: 10^10 characters if expanded."""
    levels = [f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10)]
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rss [<!ENTITY l0 "haha">{"".join(levels)}]>\n'
        '<rss version="2.0"><channel><title>&l9;</title><link>http://127.0.0.1/</link>\n'
        f"<item><title>Lachen &l9;</title><link>{healthy(site)}</link></item>\n"
        "</channel></rss>\n"
    )
    site.add_page(feed_path("laughs"), document.encode(), RSS)
    return {"url": site.url(feed_path("laughs"))}


def deeply_nested(site: LocalSite) -> Feed:
    """A story's text inside 100,000 nested <div> elements (about 1.1 MB)."""
    depth = 100_000
    text = " ".join(seed_articles(SEEDS)[3].paragraphs)
    page = f"<!DOCTYPE html><html><head><title>Tief</title></head><body>{'<div>' * depth}"
    page += f"<p>{text}</p>{'</div>' * depth}</body></html>"
    site.add_page("/nested.html", page.encode(), HTML)
    return hostile_feed(site, [item(site.url("/nested.html"))], feed_path("nested"))


def lying_charset(site: LocalSite) -> Feed:
    """Header and XML declaration say UTF-8; the bytes are Latin-1 (ü is 0xFC)."""
    body = rss([item(healthy(site), "Prüfung in Zürich: Übergriffe gemeldet")])
    site.add_page(feed_path("charset"), body.decode().encode("latin-1"), RSS)
    return {"url": site.url(feed_path("charset"))}


def nul_page(site: LocalSite) -> Feed:
    """A story page with NUL bytes in its title and after every sentence."""
    page = paragraph_page(20_000, story=3).replace(". ", ".\x00 ")
    page = page.replace("<title>Bericht", "<title>Be\x00richt")
    site.add_page("/nul.html", page.encode(), HTML)
    return hostile_feed(site, [item(site.url("/nul.html"))], feed_path("nul-page"))


ETAG = '"' + "e" * 598 + '"'  # 600 characters
LAST_MODIFIED = ("Tue, 01 Dec 2026 06:00:00 GMT; " + "x" * 180)[:180]


def long_validators(site: LocalSite) -> Feed:
    body = rss([item(healthy(site))])

    def answer(h: _Handler) -> None:
        h.send_response(200)
        for name, value in [
            ("Content-Type", RSS),
            ("Content-Length", str(len(body))),
            ("ETag", ETAG),
            ("Last-Modified", LAST_MODIFIED),
        ]:
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    site.add_route(feed_path("validators"), answer)
    return {"url": site.url(feed_path("validators"))}


def long_guid(site: LocalSite) -> Feed:
    entry = f"<guid>{'g' * 3000}</guid><title>Lang</title><link>{healthy(site)}</link>"
    return hostile_feed(site, [entry], feed_path("guid"))


# -- notes: what the database shows beyond the reason ----------------------------------


def validators_note(session: Session, source: Source) -> str:
    kept = [
        f"{name} {'kept (' + str(len(value)) + ' chars)' if value else 'not kept'}"
        for name, value in [("ETag", source.etag), ("Last-Modified", source.last_modified)]
    ]
    return ", ".join(kept)


def guid_note(session: Session, source: Source) -> str:
    keys = session.scalars(select(Entry.key).where(Entry.source_id == source.id)).all()
    return "entry key " + ", ".join(f"{len(k)} chars" for k in keys) if keys else "no entry"


def longest_title_note(session: Session, source: Source) -> str:
    titles = session.scalars(select(Entry.title).where(Entry.source_id == source.id)).all()
    passwd = any("root:" in t for t in titles)
    longest = max((len(t) for t in titles), default=0)
    return f"longest entry title {longest} chars" + (", /etc/passwd read!" if passwd else "")


def nul_note(session: Session, source: Source) -> str:
    texts = session.scalars(
        select(Article.text)
        .join(Page, Page.article_id == Article.id)
        .where(Page.source_id == source.id)
    ).all()
    if not texts:
        return "no article"
    return "NUL in stored text" if any("\x00" in t for t in texts) else "no NUL in stored text"


def article_note(session: Session, source: Source) -> str:
    lengths = session.scalars(
        select(func.length(Article.text))
        .join(Page, Page.article_id == Article.id)
        .where(Page.source_id == source.id)
    ).all()
    return "article " + ", ".join(f"{n} chars" for n in lengths) if lengths else "no article"


CASES = [
    Case("baseline: control feed alone", lambda site: None),
    *(Case(f"link: {name}", functools.partial(link_case, name)) for name in sorted(LINKS)),
    Case("fullwidth host", fullwidth_host, note=article_note),
    Case("dripped headers (page)", dripped_page_headers),
    Case("dripped headers (feed)", dripped_feed_headers),
    Case("dripped body", dripped_body),
    Case("50,000 entries", fifty_thousand_entries, {"max_entries": 20, "max_bytes": 8_000_000}),
    Case(
        "1 MB one-paragraph page",
        functools.partial(one_paragraph, 1),
        {**PARAGRAPH, "max_bytes": 2**21},
        article_note,
    ),
    Case("4 MB one-paragraph page", functools.partial(one_paragraph, 4), PARAGRAPH, article_note),
    Case("gzip bomb page (200 MB)", gzip_bomb_page),
    Case("XXE feed (file:///etc/passwd)", external_entity, note=longest_title_note),
    Case("billion-laughs feed", billion_laughs, note=longest_title_note),
    Case("100,000 nested <div> page", deeply_nested, note=article_note),
    Case("lying charset feed", lying_charset, note=longest_title_note),
    Case("NUL bytes in a page", nul_page, note=nul_note),
    Case("ETag 600 / Last-Modified 180 chars", long_validators, note=validators_note),
    Case("guid of 3,000 chars", long_guid, note=guid_note),
]


# -- one run -----------------------------------------------------------------------------


def write_config(folder: Path, site: LocalSite, case: Case) -> Path:
    feeds: list[Feed] = [{"name": "control", "url": site.url("/rss.xml")}]
    hostile = case.serve(site)
    if hostile is not None:
        feeds.append({"name": "hostile", **hostile})
    return write_feeds(folder, feeds, **{**FAST, **case.fetch})


def child_env(api: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PREFECT_"))}
    env |= {
        "PREFECT_API_URL": api,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    return env


# A child's ru_maxrss counts the memory of the process that spawned it (Linux keeps the
# replaced memory map's high-water mark at exec): spawned from this script it would never
# read below this script's own size. So a small launcher (python -S, about 10 MB) spawns the
# run, waits for it with os.wait4 and writes its exit code, peak RSS (KB) and wall time.
LAUNCHER = """
import os, sys, time
started = time.monotonic()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.monotonic() - started
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {seconds}")
"""


def spawn(args: list[str], env: dict[str, str], folder: Path) -> int:
    """Start the launcher for `args` in a session of its own, output in files; its PID."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(folder / "stdout"), flags, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(folder / "stderr"), flags, 0o644),
    ]
    launcher = [sys.executable, "-S", "-c", LAUNCHER, str(folder / "usage"), *args]
    return os.posix_spawn(launcher[0], launcher, env, file_actions=actions, setsid=True)


def wait_child(pid: int, folder: Path, timeout: float) -> tuple[int | None, float, float]:
    """Wait for the launcher; SIGKILL its session (the launcher and the run) after `timeout`.
    The run's exit code (None when it was killed), peak RSS in MB and seconds."""
    started = time.monotonic()
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() - started > timeout:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None, float("nan"), time.monotonic() - started
        time.sleep(0.05)
    code, peak_kb, seconds = (folder / "usage").read_text(encoding="utf-8").split()
    return int(code), int(peak_kb) / 1024, float(seconds)


def control_urls(site: LocalSite) -> list[str]:
    """The article pages /rss.xml lists: article i is in feed i % number of feeds."""
    feeds = len(site.feed_paths)
    return [site.url(f"/news/{a.slug}.html") for i, a in enumerate(site.articles) if i % feeds == 0]


def stored_articles(session: Session, urls: list[str]) -> int:
    query = select(Article.id).join(Page, Page.article_id == Article.id).where(Page.url.in_(urls))
    return len(set(session.scalars(query)))


def recorded_reason(session: Session, case: Case) -> str | None:
    """The hostile source's error, else its pages' errors (with their status)."""
    source = session.scalars(select(Source).where(Source.name == "hostile")).first()
    if source is None:
        return None
    parts = [f"source {source.status}: {source.error}"] if source.error else []
    if not parts:
        pages = session.scalars(select(Page).where(Page.source_id == source.id)).all()
        parts = [f"page {p.status}: {p.error}" for p in pages if p.error]
        parts = parts or [f"none (source {source.status}, pages {[p.status for p in pages]})"]
    if case.note is not None:
        parts.append(case.note(session, source))
    return "; ".join(parts)


def last_line(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else "(no output)"


def run_case(case: Case, site: LocalSite, api: str, folder: Path, timeout: float) -> Outcome:
    folder.mkdir(parents=True)
    config = write_config(folder / "config", site, case)
    database = folder / "x.db"
    args = [sys.executable, "-m", "claimwatch.cli", "run", "--config", str(config)]
    args += ["--db", f"sqlite:///{database}"]
    env = child_env(api, folder / "prefect-client")
    pid = spawn(args, env, folder)
    code, peak, seconds = wait_child(pid, folder, timeout)
    urls = control_urls(site)
    stored, reason = 0, None
    if database.exists():
        with transaction(open_database(f"sqlite:///{database}", must_exist=True)) as session:
            stored = stored_articles(session, urls)
            reason = recorded_reason(session, case)
    if reason is None:
        reason = "stderr: " + last_line(folder / "stderr")
    return Outcome(code, seconds, peak, stored, len(urls), reason.replace(site.base, ""))


# -- the table ---------------------------------------------------------------------------


def cell(text: str, width: int = REASON_WIDTH) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def row(case: Case, outcome: Outcome) -> str:
    ended = (
        "killed (did not end)" if outcome.exit_code is None else f"ends, exit {outcome.exit_code}"
    )
    control = "yes" if outcome.stored == outcome.listed else "no"
    result = f"{ended}; control stored {control} ({outcome.stored}/{outcome.listed})"
    return (
        f"| {case.name} | {result} | {cell(outcome.reason)} | "
        f"{outcome.seconds:.1f} | {outcome.peak_mb:.0f} |"
    )


def chosen(only: str, skip: str) -> list[Case]:
    wanted = {s.strip() for s in only.split(",") if s.strip()}
    dropped = {s.strip() for s in skip.split(",") if s.strip()}
    cases = [c for c in CASES if not wanted or any(w in c.name for w in wanted)]
    return [c for c in cases if not any(d in c.name for d in dropped)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="cases whose name contains one of these")
    parser.add_argument("--skip", default="", help="leave out cases whose name contains these")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before SIGKILL")
    args = parser.parse_args()
    cases = chosen(args.only, args.skip)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        root = Path(tmp)
        print("starting the Prefect server ...", file=sys.stderr)
        with temporary_server(root / "prefect") as api, LocalSite(seed_articles(SEEDS)) as site:
            for index, case in enumerate(cases):
                outcome = run_case(case, site, api, root / f"case-{index}", args.timeout)
                rows.append(row(case, outcome))
                print(rows[-1], file=sys.stderr)
    print("| case | result | reason recorded | time s | peak MB |")
    print("|---|---|---|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
