"""Every bad input is one line on stderr, `claimwatch: error: ...`, and a non-zero exit.

Each case runs the real command line on files written to a temporary folder and checks
that the one line names what is wrong: the file, and the topic, route or key in it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from claimwatch.settings import default_config_dir
from extractors.watchlist import load_watchlist
from storage.db import open_database
from tests.conftest import run_cli

FEED = 'feeds:\n  - {name: a, url: "https://example.org/feed"}\n'
TOPIC = "topics:\n  - id: nk-troops\n    about: [russia]\n"
ROUTE = 'routes: [{name: a, urls: "json://localhost/x"'
BINARY = b"\xff\xfe\x00\x01garbage\x00\x02" * 8


@dataclass(frozen=True)
class Case:
    """A bad input: the files it writes (paths under the temporary folder), the command,
    and what its one error line must contain."""

    files: dict[str, str | bytes]
    args: tuple[str, ...]
    expected: tuple[str, ...]
    folders: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def topics(text: str | bytes) -> Case:
    """A topics.yaml given to `extract --topics`."""
    return Case(
        {"topics.yaml": text},
        ("extract", "{tmp}/doc.txt", "--topics", "{tmp}/topics.yaml"),
        ("topics.yaml",),
    )


def actors(text: str | bytes) -> Case:
    """An actors.yaml given to `extract --actors`."""
    return Case(
        {"actors.yaml": text},
        ("extract", "{tmp}/doc.txt", "--actors", "{tmp}/actors.yaml"),
        ("actors.yaml",),
    )


def feeds(text: str | bytes) -> Case:
    """A config folder whose feeds.yaml is given to `run` (it stops before Prefect)."""
    return Case(
        {"cfg/feeds.yaml": text},
        ("run", "--config", "{tmp}/cfg", "--db", "sqlite:///{tmp}/x.db"),
        ("feeds.yaml",),
    )


def alerts(text: str | bytes) -> Case:
    """A config folder whose alerts.yaml is given to `alerts test`."""
    return Case(
        {"cfg/alerts.yaml": text}, ("alerts", "test", "--config", "{tmp}/cfg"), ("alerts.yaml",)
    )


def replay(manifest: str | bytes) -> Case:
    """A corpus folder with this manifest.yaml given to `replay`."""
    return Case(
        {"corpus/manifest.yaml": manifest},
        ("replay", "{tmp}/corpus", "--db", "sqlite:///{tmp}/x.db"),
        ("manifest.yaml",),
    )


def also(case: Case, *expected: str, **changes: object) -> Case:
    """The case with more expected text (and other fields changed)."""
    fields_ = {**case.__dict__, "expected": (*case.expected, *expected), **changes}
    return Case(**fields_)


CASES: dict[str, Case] = {
    # topics.yaml: file, topic and key in one line
    "topics syntax error": also(topics("topics:\n  - id: a\n    match: [[a]\n"), "line 4", "not valid YAML"),
    "topics tab": also(topics("topics:\n\t- id: a\n"), "line 2", "not valid YAML"),
    "topics binary": also(topics(BINARY), "not UTF-8"),
    "topics a list": also(topics("- a\n"), "topics:"),
    "topics empty file": also(topics(""), "topics:"),
    "topics empty list": also(topics("topics: []\n"), "empty"),
    "topics unknown top key": also(topics("topics: [{id: a, match: [[a]]}]\ntopcs: 1\n"), "'topcs'"),
    "topics not a list": also(topics("topics: {a: 1}\n"), "`topics` must be a list"),
    "topic not a mapping": also(topics("topics: [x]\n"), "topics[0]"),
    "topic without id": also(topics("topics: [{match: [[a]]}]\n"), "topics[0]", "id"),
    "topic id a number": also(topics("topics: [{id: 3, match: [[a]]}]\n"), "topics[0]", "id"),
    "topic twice": also(topics("topics: [{id: a, match: [[a]]}, {id: a, match: [[b]]}]\n"), "topic 'a'", "twice"),
    "topic unknown key": also(topics("topics: [{id: a, mtch: [[a]], match: [[a]]}]\n"), "topic 'a'", "'mtch'", "did you mean 'match'"),
    "match missing": also(topics(TOPIC), "topic 'nk-troops'", "match"),
    "match a string": also(topics(TOPIC + "    match: Nordkorea\n"), "topic 'nk-troops'", "match"),
    "match flat": also(topics(TOPIC + "    match: [Nordkorea, Soldat]\n"), "topic 'nk-troops'", "match[0]"),
    "match empty group": also(topics(TOPIC + "    match: [[]]\n"), "topic 'nk-troops'", "match[0]", "empty"),
    "match blank group": also(topics(TOPIC + "    match: [[' ', '']]\n"), "topic 'nk-troops'", "match[0][0]"),
    "match second group empty": also(topics(TOPIC + "    match: [[Nordkorea], []]\n"), "topic 'nk-troops'", "match[1]"),
    "match term a number": also(topics(TOPIC + "    match: [[Nordkorea], [Soldat, 3]]\n"), "topic 'nk-troops'", "match[1][1]"),
    "match term a bare star": also(topics(TOPIC + "    match: [['*']]\n"), "topic 'nk-troops'", "match[0][0]", "'*'"),
    "match term only dots": also(topics(TOPIC + "    match: [['...']]\n"), "topic 'nk-troops'", "match[0][0]"),
    "exclude a string": also(topics(TOPIC + "    match: [[a]]\n    exclude: Rakete\n"), "topic 'nk-troops'", "exclude"),
    "title a list": also(topics(TOPIC + "    match: [[a]]\n    title: [x]\n"), "topic 'nk-troops'", "title"),
    "about a mapping": also(topics("topics: [{id: a, about: {x: 1}, match: [[a]]}]\n"), "topic 'a'", "about"),
    "about an unknown side": also(
        topics("topics: [{id: nk-troops, about: [rusia], match: [[a]]}]\n"),
        "topic 'nk-troops'", "about", "unknown side 'rusia'", "nearest: russia",
    ),
    "about a side nothing is near": also(
        topics("topics: [{id: a, about: [qqqqqqqq], match: [[a]]}]\n"), "topic 'a'", "'qqqqqqqq'",
    ),
    "topics file a folder": Case({}, ("extract", "{tmp}/doc.txt", "--topics", "{tmp}/t"), ("t is a folder",), folders=("t",)),
    "config topics.yaml a folder": Case(
        {}, ("extract", "{tmp}/doc.txt", "--config", "{tmp}/cfg"), ("topics.yaml is a folder",), folders=("cfg/topics.yaml",)
    ),
    # actors.yaml
    "actors syntax error": also(actors("actors:\n  - id: x\n    names: [a\n"), "line 4", "not valid YAML"),
    "actors not a mapping": also(actors("actors: [x]\n"), "actors[0]"),
    "actor names missing": also(actors("actors: [{id: a}]\n"), "actor 'a'", "names"),
    "actor names empty": also(actors("actors: [{id: a, names: []}]\n"), "actor 'a'", "names", "empty"),
    "actor names a string": also(actors("actors: [{id: a, names: Putin}]\n"), "actor 'a'", "names"),
    "actor kind unknown": also(actors("actors: [{id: a, names: [x], kind: [1]}]\n"), "actor 'a'", "kind"),
    "actor group a list": also(actors("actors: [{id: a, names: [x], group: [1]}]\n"), "actor 'a'", "group"),
    "actor twice": also(actors("actors: [{id: a, names: [x]}, {id: a, names: [y]}]\n"), "actor 'a'", "twice"),
    "actor name a bare star": also(actors("actors: [{id: a, names: ['*']}]\n"), "actor 'a'", "names[0]"),
    # feeds.yaml: wrong types at every level, durations
    "feeds syntax error": also(feeds("feeds:\n  - [a\n"), "line 3", "not valid YAML"),
    "feeds binary": also(feeds(BINARY), "not UTF-8"),
    "feeds a list": also(feeds("- a\n"), "feeds"),
    "feeds a scalar": also(feeds("hello\n"), "feeds"),
    "feeds: a mapping": also(feeds("feeds: {a: 1}\n"), "feeds:"),
    "feed a string": also(feeds("feeds: [x]\n"), "feeds[0]"),
    "feed url a number": also(feeds("feeds: [{url: 3}]\n"), "feeds[0].url"),
    "feed name a list": also(feeds('feeds: [{url: "https://e.org/", name: [1]}]\n'), "feeds[0].name"),
    "feed language a list": also(feeds('feeds: [{url: "https://e.org/", language: [1]}]\n'), "feeds[0].language"),
    "feed key a number": also(feeds('feeds: [{url: "https://e.org/", 3: 1}]\n'), "feeds[0]", "unknown key"),
    "feeds top key a number": also(feeds(FEED + "3: 1\n"), "unknown key 3"),
    "schedule a list": also(feeds(FEED + "schedule: [1]\n"), "schedule"),
    "schedule interval a list": also(feeds(FEED + "schedule: {interval: [1]}\n"), "schedule.interval"),
    "schedule interval 0": also(feeds(FEED + "schedule: {interval: 0}\n"), "schedule.interval"),
    "schedule cron a number": also(feeds(FEED + "schedule: {cron: 5}\n"), "schedule.cron"),
    "fetch a list": also(feeds(FEED + "fetch: [1]\n"), "fetch"),
    "fetch key a number": also(feeds(FEED + "fetch: {3: 1}\n"), "fetch.3"),
    "fetch deadline 0": also(feeds(FEED + "fetch: {deadline: 0}\n"), "fetch.deadline", "more than 0"),
    "fetch deadline 0s": also(feeds(FEED + "fetch: {deadline: 0s}\n"), "fetch.deadline", "more than 0"),
    "fetch connect_timeout 0ms": also(feeds(FEED + "fetch: {connect_timeout: 0ms}\n"), "fetch.connect_timeout"),
    "fetch read_timeout -1": also(feeds(FEED + "fetch: {read_timeout: -1}\n"), "fetch.read_timeout", "negative"),
    "fetch host_delay -1s": also(feeds(FEED + "fetch: {host_delay: -1s}\n"), "fetch.host_delay", "negative"),
    "fetch retry_backoff -5m": also(feeds(FEED + "fetch: {retry_backoff: -5m}\n"), "fetch.retry_backoff", "negative"),
    "fetch feed_retry_delay -1": also(feeds(FEED + "fetch: {feed_retry_delay: -1}\n"), "fetch.feed_retry_delay"),
    "fetch deadline inf": also(feeds(FEED + "fetch: {deadline: .inf}\n"), "fetch.deadline", "finite"),
    "fetch deadline a list": also(feeds(FEED + "fetch: {deadline: [1]}\n"), "fetch.deadline"),
    "fetch max_bytes 1.5": also(feeds(FEED + "fetch: {max_bytes: 1.5}\n"), "fetch.max_bytes"),
    "fetch user_agent a number": also(feeds(FEED + "fetch: {user_agent: 3}\n"), "fetch.user_agent"),
    "fetch user_agent two lines": also(feeds(FEED + 'fetch: {user_agent: "a\\nb"}\n'), "fetch.user_agent"),
    "feeds.yaml a folder": Case(
        {}, ("run", "--config", "{tmp}/cfg", "--db", "sqlite:///{tmp}/x.db"), ("feeds.yaml is a folder",),
        folders=("cfg/feeds.yaml",),
    ),
    "CLAIMWATCH_SCHEDULE": also(feeds(FEED), env={"CLAIMWATCH_SCHEDULE": "sometimes"}, expected=("CLAIMWATCH_SCHEDULE",)),
    # topics.yaml of a config folder, checked by run before Prefect starts
    "run with a bad topics.yaml": Case(
        {"cfg/feeds.yaml": FEED, "cfg/topics.yaml": "topics: [{id: a, about: [rusia], match: [[a]]}]\n"},
        ("run", "--config", "{tmp}/cfg", "--db", "sqlite:///{tmp}/x.db"),
        ("topics.yaml", "topic 'a'", "unknown side 'rusia'"),
    ),
    # alerts.yaml: wrong types
    "alerts syntax error": also(alerts("routes:\n  - [a\n"), "line 3", "not valid YAML"),
    "alerts binary": also(alerts(BINARY), "not UTF-8"),
    "alerts a list": also(alerts("- a\n"), "routes"),
    "alerts routes a mapping": also(alerts("routes: {a: 1}\n"), "`routes` must be a list"),
    "alerts route a string": also(alerts("routes: [x]\n"), "routes[0]"),
    "alerts name a number": also(alerts('routes: [{name: 3, urls: "json://h/"}]\n'), "routes[0]", "name"),
    "alerts urls a number": also(alerts("routes: [{name: a, urls: 3}]\n"), "route 'a'", "urls"),
    "alerts url invalid": also(alerts('routes: [{name: a, urls: "nope://x"}]\n'), "route 'a'", "not a valid apprise URL"),
    "alerts topics a number": also(alerts(ROUTE + ", topics: 3}]\n"), "route 'a'", "topics"),
    "alerts severity a list": also(alerts(ROUTE + ", min_severity: [1]}]\n"), "route 'a'", "min_severity"),
    "alerts schedule a number": also(alerts(ROUTE + ", mode: digest, schedule: 3}]\n"), "route 'a'", "schedule"),
    "alerts timezone a list": also(alerts(ROUTE + ", mode: digest, schedule: hourly, timezone: [1]}]\n"), "route 'a'", "timezone"),
    "alerts operations a string": also(alerts(ROUTE + ", operations: yes please}]\n"), "route 'a'", "operations"),
    "alerts.yaml a folder": Case(
        {}, ("alerts", "test", "--config", "{tmp}/cfg"), ("alerts.yaml: is a folder",), folders=("cfg/alerts.yaml",)
    ),
    "alerts test without routes": Case({}, ("alerts", "test", "--config", "{tmp}/cfg"), ("no alert routes",), folders=("cfg",)),
    # the database
    "db a text file": Case({"notes.txt": "hello\n"}, ("timeline", "nk-troops", "--db", "sqlite:///{tmp}/notes.txt"), ("notes.txt", "not a database")),
    "db a corrupt file": Case({"x.db": b"SQLite format 3\x00" + BINARY * 64}, ("alerts", "list", "--db", "sqlite:///{tmp}/x.db"), ("x.db", "not a database")),
    "db corrupt on replay": Case({"x.db": BINARY * 64}, ("replay", "seeds", "--db", "sqlite:///{tmp}/x.db"), ("x.db", "not a database")),
    "db a folder": Case({}, ("timeline", "nk-troops", "--db", "sqlite:///{tmp}/d"), ("d is a folder",), folders=("d",)),
    "db a folder on replay": Case({}, ("replay", "seeds", "--db", "sqlite:///{tmp}/d"), ("d is a folder",), folders=("d",)),
    "db under a file": Case({"notes.txt": "x"}, ("replay", "seeds", "--db", "sqlite:///{tmp}/notes.txt/x.db"), ("notes.txt/x.db",)),
    "db unknown driver": Case({}, ("replay", "seeds", "--db", "mysql://u@localhost/x"), ("mysql://",)),
    "db URL empty": Case({}, ("replay", "seeds", "--db", ""), ("--db",)),
    # the command line
    "config missing": Case({}, ("extract", "{tmp}/doc.txt", "--config", "{tmp}/nope"), ("config directory not found",)),
    "config a file": Case({"cfg": "x"}, ("extract", "{tmp}/doc.txt", "--config", "{tmp}/cfg"), ("cfg is a file",)),
    "--config without a value": Case({}, ("extract", "{tmp}/doc.txt", "--config"), ("extract:", "--config")),
    "extract binary garbage .txt": Case({"junk.txt": BINARY * 64}, ("extract", "{tmp}/junk.txt"), ("junk.txt", "binary")),
    "extract binary garbage .html": Case({"junk.html": BINARY * 64}, ("extract", "{tmp}/junk.html"), ("junk.html", "binary")),
    "extract bad gzip": Case({"junk.html.gz": b"\x1f\x8b broken"}, ("extract", "{tmp}/junk.html.gz"), ("junk.html.gz", "gzip")),
    "replay manifest syntax error": also(replay("articles:\n  - [a\n"), "line 3"),
    "replay manifest binary": also(replay(BINARY), "not UTF-8"),
    "replay a missing document": also(replay("articles: [{file: nope.txt, published: 2024-01-01}]\n"), expected=("nope.txt",)),
    "timeline unknown topic": Case({}, ("timeline", "no-such-topic", "--db", "sqlite:///{tmp}/made.db"), ("unknown topic 'no-such-topic'", "nk-troops")),
    "timeline --width -5": Case({}, ("timeline", "nk-troops", "--width", "-5"), ("timeline:", "--width")),
    "alerts list --status bogus": Case({}, ("alerts", "list", "--status", "bogus"), ("alerts list:", "--status", "bogus")),
    "alerts send --max-attempts 0": Case({}, ("alerts", "send", "--max-attempts", "0"), ("alerts send:", "--max-attempts")),
    "serve --port 99999": Case({}, ("serve", "--port", "99999"), ("serve:", "--port", "99999")),
    "unknown command": Case({}, ("bogus",), ("bogus",)),
    "extract an empty folder": Case({}, ("extract", "{tmp}/empty"), ("empty: no .txt",), folders=("empty",)),
    "serve --prefect-home a file": Case(
        {"home": "x", "cfg/feeds.yaml": FEED},
        ("serve", "--config", "{tmp}/cfg", "--prefect-home", "{tmp}/home", "--db", "sqlite:///{tmp}/x.db"),
        ("--prefect-home", "home"),
    ),
}  # fmt: skip


def _write(case: Case, tmp: Path) -> None:
    (tmp / "doc.txt").write_text("Titel\n\nNordkorea schickt Soldaten.\n", encoding="utf-8")
    for folder in case.folders:
        (tmp / folder).mkdir(parents=True)
    for name, content in case.files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_is_one_line_naming_it(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    _write(case, tmp_path)
    if "made.db" in " ".join(case.args):
        open_database(f"sqlite:///{tmp_path}/made.db")  # an empty ledger
    env = {"PREFECT_API_URL": "http://127.0.0.1:9/api", **case.env}  # never a real Prefect
    result = run_cli(*[a.format(tmp=tmp_path) for a in case.args], env=env)
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("claimwatch: error: "), lines[0]
    for expected in case.expected:
        assert expected in lines[0], lines[0]


def test_the_packaged_watch_lists_load_with_their_sides_checked() -> None:
    config = default_config_dir()
    watchlist = load_watchlist(config / "topics.yaml", config / "actors.yaml")
    assert [t.id for t in watchlist.topics] == ["nk-troops"]
    assert watchlist.topics[0].about == {"russia", "north-korea"}


def test_zero_delays_stay_allowed(tmp_path: Path) -> None:
    """host_delay, retry_backoff and feed_retry_delay may be 0 (the fast tests use 0s)."""
    from feeds.config import load_feeds_config

    path = tmp_path / "feeds.yaml"
    path.write_text(
        FEED + "fetch: {host_delay: 0s, retry_backoff: 0, feed_retry_delay: 0ms}\n",
        encoding="utf-8",
    )
    fetch = load_feeds_config(path, {}).fetch
    assert (fetch.host_delay, fetch.retry_backoff, fetch.feed_retry_delay) == (0, 0, 0)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_topics_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics: []\n", encoding="utf-8")
    path.chmod(0)
    result = run_cli("extract", "seeds", "--topics", str(path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot read" in result.stderr
