"""The run's artifacts: a markdown summary (claims and changes, with quotes and links) and a
table per feed. Pure: data in, text out."""

from __future__ import annotations

import hashlib
import re

from alerts.message import escape_markdown, figure_text
from alerts.payload import display, verb
from alerts.routes import SEVERITIES, severity_rank
from alerts.story import Said, Story
from flows.outcomes import PassReport

MAX_CLAIMS = 60


def feed_table(report: PassReport) -> list[dict[str, object]]:
    """One row per feed: entries seen, new, pages fetched and failed, with reasons."""
    rows = []
    for feed in report.feeds:
        pages = report.pages_of(feed.url)
        failed = [p for p in pages if p.status in ("failed", "gave_up")]
        reasons = [feed.error] if feed.error else []
        reasons += [p.reason or p.status for p in failed[:5]]
        if feed.problem:
            reasons.append(f"malformed but used: {feed.problem}")
        if feed.skipped:
            reasons.append(f"{len(feed.skipped)} entries skipped: {feed.skipped[0]}")
        if feed.deferred:
            reasons.append(f"{feed.deferred} new entries left for later passes")
        reasons += [f"{p.url}: {p.reason}" for p in pages if p.reason and p not in failed][:5]
        rows.append(
            {
                "feed": feed.name,
                "status": feed.status,
                "entries seen": feed.seen,
                "new": feed.new,
                "fetched": sum(p.status in ("new", "copy", "known") for p in pages),
                "failed": len(failed),
                "reasons": "; ".join(reasons)[:1000],
            }
        )
    return rows


def ranked(alerts: list[dict]) -> list[dict]:
    """Most important first: by severity, then the newest change first (ISO dates)."""
    newest = sorted(alerts, key=lambda a: a["after"]["published"], reverse=True)
    return sorted(newest, key=lambda a: -severity_rank(a["severity"]))


def headline(report: PassReport) -> str:
    """The pass in one line: its most important change and how many more there are."""
    alerts = ranked(report.alerts)
    if not alerts:
        new = sum(p.status == "new" for p in report.pages)
        return f"No changes ({new} new article{'s' if new != 1 else ''})"
    more = f" (+{len(alerts) - 1} more)" if len(alerts) > 1 else ""
    return f"{alerts[0]['title']}{more}"


def markdown(report: PassReport) -> str:
    """The pass in words: its headline, the changes most severe first (new voices one line
    per topic), then the totals, the new claims and the failures."""
    pages = report.pages
    claims = [(page, claim) for page in pages for claim in page.claims]
    failed = [p for p in pages if p.status in ("failed", "gave_up")]
    alerts = ranked(report.alerts)
    voices = [a for a in alerts if a["kind"] == "new_actor" and a["severity"] == "low"]
    changes = [a for a in alerts if a not in voices]
    lines = ["# claimwatch pass", "", f"**{escape_markdown(headline(report))}**", ""]
    for severity in SEVERITIES[::-1]:
        these = [a for a in changes if a["severity"] == severity]
        if these:
            lines += [f"## {severity.capitalize()} ({len(these)})", ""]
            lines += [_change(alert) for alert in these] + [""]
    if voices:
        lines += [f"## New voices ({len(voices)})", ""]
        lines += [_voices(topic, items) for topic, items in _by_topic(voices).items()] + [""]
    if not alerts:
        lines += ["## Changes", "", "None.", ""]
    lines += [
        "## This pass",
        "",
        f"{len(report.feeds)} feeds ({len(report.failed_feeds)} failed), "
        f"{sum(f.new for f in report.feeds)} new entries, "
        f"{sum(p.status == 'new' for p in pages)} new articles, "
        f"{sum(p.status == 'copy' for p in pages)} syndicated copies, "
        f"{len(failed)} pages failed; {len(claims)} claims, {len(alerts)} changes.",
    ]
    lines += ["", "## New claims", ""]
    lines += [_claim(page.url, page.outlet, claim) for page, claim in claims[:MAX_CLAIMS]]
    if len(claims) > MAX_CLAIMS:
        lines.append(f"- ... and {len(claims) - MAX_CLAIMS} more")
    if not claims:
        lines.append("None.")
    if failed or report.failed_feeds:
        lines += ["", "## Failures", ""]
        lines += [
            f"- feed **{escape_markdown(f.name)}**: {escape_markdown(f.error or '')}"
            for f in report.failed_feeds
        ]
        lines += [f"- page {p.url}: {escape_markdown(p.reason or p.status)}" for p in failed]
    return "\n".join(lines) + "\n"


def _by_topic(alerts: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for alert in alerts:
        groups.setdefault(alert["topic"], []).append(alert)
    return groups


def _voices(topic: str, alerts: list[dict]) -> str:
    """`- **nk-troops**: Zelensky accuses, Kyiv Post asserts (Kyiv Post), ...`, oldest first."""
    said = []
    for alert in sorted(alerts, key=lambda a: a["after"]["published"]):
        actor = alert["actor"]
        who = display(actor, alert.get("names"))
        said.append(f"{escape_markdown(who)} {verb(actor, alert['after']['stance'])}")
    return f"- **{escape_markdown(topic)}**: " + ", ".join(said)


def _change(alert: dict) -> str:
    after = alert["after"]
    before = alert.get("before")
    line = f"- **{escape_markdown(alert['title'])}** ({alert['severity']})"
    if before:
        line += f"\n  - before, {before['published']}: {_quote(before)}"
    line += f"\n  - now, {after['published']}: {_quote(after)}"
    return line


def _quote(view: dict) -> str:
    link = view.get("source") or ""
    outlet = view.get("outlet") or link
    source = (
        f"[{escape_markdown(outlet)}]({link})"
        if link.startswith("http")
        else escape_markdown(outlet)
    )
    return f"{view['stance']}, \u201c{escape_markdown(_short(view['quote']))}\u201d ({source})"


def _claim(url: str, outlet: str | None, claim: dict) -> str:
    return (
        f"- {escape_markdown(claim.get('name') or display(claim['actor']))} **{claim['stance']}** on {claim['topic']}: "
        f"\u201c{escape_markdown(_short(claim['quote']))}\u201d ([{escape_markdown(outlet or url)}]({url}))"
    )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


LABELS = {
    "confirm": "\U0001f7e9 confirm",
    "deny": "\U0001f7e5 deny",
    "evade": "\U0001f7e8 evade",
    "assert": "\U0001f7e6 assert",
    "accuse": "\U0001f7e7 accuse",
    "doubt": "\U0001f7ea doubt",
}


def label(stance: str) -> str:
    """A stance as a short coloured label: `🟩 confirm`."""
    return LABELS.get(stance, stance)


def story_markdown(story: Story) -> str:
    """The `story-<topic>` artifact: where each side stands now (date, best quote), then
    each side's position per period, then how the figures moved."""
    lines = [f"# {escape_markdown(story.title)}", ""]
    if not story.said:
        return "\n".join([*lines, f"`{story.topic}`: no claims yet.", ""])
    first, last = story.said[0].published, story.said[-1].published
    lines += [
        f"`{story.topic}` · {len(story.said)} claims in {story.articles} articles, "
        f"{first.isoformat()} to {last.isoformat()}",
        "",
        "## Where each side stands",
        "",
        "| side | position | since | last said | by | source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    quotes = []
    for side in story.sides:
        position = story.current[side]
        said = position.said
        name = escape_markdown(story.names[side])
        who = escape_markdown(story.names.get(said.actor, said.actor))
        lines.append(
            f"| **{name}** | {label(position.stance)} | {position.since.isoformat()} "
            f"| {said.published.isoformat()} | {who} | {_where(said)} |"
        )
        quotes.append(f"- **{name}**: \u201c{escape_markdown(_short(said.quote, 240))}\u201d")
    lines += ["", *quotes]
    if story.periods:
        lines += ["", "## Positions over time", ""]
        lines.append("| side | " + " | ".join(p[0] for p in story.periods) + " |")
        lines.append("| --- |" + " --- |" * len(story.periods))
        for side in story.sides:
            cells = [story.cells.get((side, i)) for i in range(len(story.periods))]
            row = " | ".join(label(c) if c else "\u00b7" for c in cells)
            lines.append(f"| {escape_markdown(story.names[side])} | {row} |")
        lines += ["", " · ".join(LABELS.values()) + " · \u00b7 nothing said"]
    lines += ["", "## Figures", ""]
    if not story.figures:
        lines.append("No figures yet.")
    for figure in story.figures:
        now = figure_text(
            {"value": figure.value, "qualifier": figure.qualifier, "counts": figure.counts}
        )
        before = ""
        if figure.previous is not None:
            earlier = {
                "value": figure.previous,
                "qualifier": figure.previous_qualifier,
                "counts": figure.counts,
            }
            before = f" (before: {escape_markdown(figure_text(earlier))})"
        who = escape_markdown(story.names.get(figure.actor, figure.actor))
        lines.append(f"- {figure.published.isoformat()}: **{escape_markdown(now)}**, {who}{before}")
    return "\n".join(lines) + "\n"


def _where(said: Said) -> str:
    name = escape_markdown(said.outlet)
    return f"[{name}]({said.source})" if said.source.startswith("http") else name


def story_key(topic: str) -> str:
    """A Prefect artifact key for the topic: lowercase letters, digits and dashes."""
    safe = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")
    if safe != topic:  # two topics must not share a key once made safe
        safe = f"{safe}-{hashlib.sha256(topic.encode()).hexdigest()[:6]}".lstrip("-")
    return f"story-{safe}"
