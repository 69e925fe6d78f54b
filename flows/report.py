"""The run's artifacts: a markdown summary (claims and changes, with quotes and links) and a
table per feed. Pure: data in, text out."""

from __future__ import annotations

from alerts.message import escape_markdown
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


def markdown(report: PassReport) -> str:
    """The pass in words: totals, then changes, new claims and failures."""
    pages = report.pages
    claims = [(page, claim) for page in pages for claim in page.claims]
    failed = [p for p in pages if p.status in ("failed", "gave_up")]
    lines = [
        "# claimwatch pass",
        "",
        f"{len(report.feeds)} feeds ({len(report.failed_feeds)} failed), "
        f"{sum(f.new for f in report.feeds)} new entries, "
        f"{sum(p.status == 'new' for p in pages)} new articles, "
        f"{sum(p.status == 'copy' for p in pages)} syndicated copies, "
        f"{len(failed)} pages failed; {len(claims)} claims, {len(report.alerts)} changes.",
        "",
        "## Changes",
        "",
    ]
    lines += [_change(alert) for alert in report.alerts] or ["None."]
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
        f"- {escape_markdown(claim['actor'])} **{claim['stance']}** on {claim['topic']}: "
        f"\u201c{escape_markdown(_short(claim['quote']))}\u201d ([{escape_markdown(outlet or url)}]({url}))"
    )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
