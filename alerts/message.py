"""What an alert says: title and body as Markdown (chat), HTML (email) and plain text.

Rendered from the payload stored with the alert (`alerts.payload`) and the evidence
looked up when it is sent (`storage.outbox.Evidence`: who carries it, quote languages).
One small document model, three writers, so the formats never tell different stories.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alerts.payload import display, verb
from alerts.routes import severity_rank
from storage.outbox import Evidence

VAGUE = {
    "thousands": "thousands of",
    "hundreds": "hundreds of",
    "tens_of_thousands": "tens of thousands of",
}
KINDS = {
    "stance_change": "stance change",
    "new_actor": "new voice",
    "number_change": "figure change",
    "corroboration": "corroboration",
}
_MD_SPECIAL = re.compile(r"([\\*_`\[\]<>|~])")


@dataclass(frozen=True)
class Message:
    """One notification in every format apprise may need."""

    title: str
    markdown: str
    html: str
    text: str

    def body(self, notify_format: str) -> str:
        """The body for a service's format: `markdown`, `html`, else plain text."""
        return {"markdown": self.markdown, "html": self.html}.get(notify_format, self.text)


@dataclass
class _Line:
    parts: list[tuple[str, str]] = field(default_factory=list)  # (style, text): text|b|<url>

    def add(self, text: str, style: str = "text") -> _Line:
        self.parts.append((style, text))
        return self


@dataclass
class _Quote:
    text: str
    language: str


@dataclass
class _Heading:
    text: str


_Block = _Line | _Quote | _Heading


def _markdown(blocks: Sequence[_Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"**{escape_markdown(block.text)}**")
        elif isinstance(block, _Quote):
            out.append(f"> {escape_markdown(' '.join(block.text.split()))} _({block.language})_")
        else:
            out.append("".join(_md_part(style, text) for style, text in block.parts))
    return "\n\n".join(out)


def escape_markdown(text: str) -> str:
    """Text shown literally in Markdown: its special characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_part(style: str, text: str) -> str:
    if style == "b":
        return f"**{escape_markdown(text)}**"
    if style == "text":
        return escape_markdown(text)
    return f"[{escape_markdown(text)}]({style.replace(')', '%29')})"


def _html(blocks: Sequence[_Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"<h3>{html.escape(block.text)}</h3>")
        elif isinstance(block, _Quote):
            lang = html.escape(block.language)
            out.append(
                f'<blockquote lang="{lang}">{html.escape(block.text)} <i>({lang})</i></blockquote>'
            )
        else:
            out.append("<p>" + "".join(_html_part(s, t) for s, t in block.parts) + "</p>")
    return "\n".join(out)


def _html_part(style: str, text: str) -> str:
    if style == "b":
        return f"<b>{html.escape(text)}</b>"
    if style == "text":
        return html.escape(text)
    url = html.escape(style)
    # the address is shown too: apprise builds the e-mail's plain-text part from this HTML
    return f'<a href="{url}">{html.escape(text)}</a> <small>&lt;{url}&gt;</small>'


def _text(blocks: Sequence[_Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"== {block.text} ==")
        elif isinstance(block, _Quote):
            out.append(f"  „{' '.join(block.text.split())}“ ({block.language})")
        else:
            out.append("".join(t if s in ("b", "text") else f"{t} <{s}>" for s, t in block.parts))
    return "\n".join(out)


def _message(title: str, blocks: Sequence[_Block]) -> Message:
    return Message(title, _markdown(blocks), _html(blocks), _text(blocks))


def figure_text(number: Mapping[str, Any]) -> str:
    """`about 2,000 soldiers`, `thousands of soldiers`."""
    counts = number.get("counts") or ""
    qualifier = str(number.get("qualifier") or "exact")
    if qualifier in VAGUE:
        return f"{VAGUE[qualifier]} {counts}".strip()
    prefix = "" if qualifier == "exact" else qualifier.replace("_", " ") + " "
    return f"{prefix}{int(number['value']):,} {counts}".strip()


def _speaker(view: Mapping[str, Any], names: Mapping[str, str]) -> str:
    who = display(str(view.get("actor")), names)
    said = str(view.get("actor_text") or "")
    return f"{who} ({said})" if said and said.lower() != who.lower() else who


def _stance(view: Mapping[str, Any]) -> str:
    return f"{verb(str(view.get('actor')), str(view.get('stance')))} on {view.get('published')}"


def _source(line: _Line, view: Mapping[str, Any]) -> _Line:
    """The outlet, linked when the source is a web address; else the file it came from."""
    source = str(view.get("source") or "")
    outlet = view.get("outlet")
    if source.startswith(("http://", "https://")):
        return line.add(outlet or re.sub(r"^https?://(www\.)?|[/:?#].*$", "", source), source)
    if outlet:
        return line.add(f"{outlet} ({source})" if source else outlet)
    return line.add(source or "unknown source")


def _side(
    label: str,
    view: Mapping[str, Any],
    language: str,
    counts: str | None,
    names: Mapping[str, str],
) -> list[_Block]:
    head = _Line().add(f"{label}:", "b").add(f" {_speaker(view, names)} {_stance(view)}")
    figures = [n for n in view.get("numbers") or [] if counts is None or n.get("counts") == counts]
    if figures:
        head.add(" (" + ", ".join(figure_text(n) for n in figures) + ")")
    head.add(" · ")
    _source(head, view)
    if view.get("confidence"):  # how the claim was found (`extractors.claims.EVIDENCE`)
        evidence = ", ".join(str(e) for e in view.get("evidence") or [])
        head.add(f" · {view['confidence']} confidence" + (f" ({evidence})" if evidence else ""))
    return [head, _Quote(str(view.get("quote") or ""), language)]


def _carried(evidence: Evidence) -> _Line:
    n = len(evidence.outlets)
    line = _Line().add("Carried by:", "b")
    line.add(f" {n} independent outlet{'s' if n != 1 else ''}")
    if evidence.outlets:
        line.add(f" ({', '.join(evidence.outlets)})")
    if evidence.copies:
        line.add(f"; also carried by {', '.join(evidence.copies)} (syndicated copies)")
    return line


def _topic(payload: Mapping[str, Any], titles: Mapping[str, str] | None) -> str:
    topic = str(payload.get("topic"))
    title = (titles or {}).get(topic)
    return f"{title} ({topic})" if title and title != topic else topic


def _change(payload: Mapping[str, Any]) -> str:
    before, after = payload.get("before"), payload["after"]
    if payload.get("kind") == "number_change":
        counts = payload.get("subject")
        old = [
            figure_text(n) for n in (before or {}).get("numbers", []) if n.get("counts") == counts
        ]
        new = [figure_text(n) for n in after.get("numbers", []) if n.get("counts") == counts]
        return f"{', '.join(old) or '?'} → {', '.join(new) or '?'}"
    if payload.get("kind") == "corroboration":
        return f"{_stance(after)}, now also in {after.get('outlet') or 'another outlet'}"
    if before is None:
        return f"first statement: {_stance(after)}"
    return f"{_stance(before)} → {_stance(after)}"


def render_alert(
    payload: Mapping[str, Any],
    evidence: Evidence | None = None,
    topic_titles: Mapping[str, str] | None = None,
    alert_id: int | None = None,
) -> Message:
    """One alert: what changed, who, before and after with quotes, sources and reach."""
    evidence = evidence or Evidence()
    after, before = payload["after"], payload.get("before")
    counts = payload.get("subject") if payload.get("kind") == "number_change" else None
    names = payload.get("names") or {}
    who = display(str(payload.get("actor")), names)
    side = display(str(payload.get("group")), names)
    blocks: list[_Block] = [
        _Line().add("Topic:", "b").add(" " + _topic(payload, topic_titles)),
        _Line().add("Who:", "b").add(f" {who}" if side == who else f" {who}, side: {side}"),
        _Line().add("Change:", "b").add(" " + _change(payload)),
    ]
    if before is not None:
        blocks += _side("Before", before, evidence.languages.get("before", "?"), counts, names)
    blocks += _side("Now", after, evidence.languages.get("after", "?"), counts, names)
    blocks.append(_carried(evidence))
    blocks.append(_Line().add(_footer(payload, alert_id)))
    return _message(str(payload["title"]), blocks)


def _footer(payload: Mapping[str, Any], alert_id: int | None) -> str:
    kind = KINDS.get(str(payload.get("kind")), str(payload.get("kind")))
    number = f" · alert #{alert_id}" if alert_id is not None else ""
    return f"Severity {payload.get('severity')} · {kind} · ref {str(payload['key'])[:12]}{number}"


def render_digest(
    items: Sequence[tuple[int, Mapping[str, Any], Evidence | None]],
    topic_titles: Mapping[str, str] | None = None,
) -> Message:
    """Several alerts (id, payload, evidence) grouped by topic, most severe first."""

    def order(item: tuple[int, Mapping[str, Any], Evidence | None]) -> tuple:
        _id, payload, _evidence = item
        return (-severity_rank(str(payload.get("severity"))), payload["after"]["published"], _id)

    ranked = sorted(items, key=order)
    topics: dict[str, list[tuple[int, Mapping[str, Any], Evidence | None]]] = {}
    for item in ranked:
        topics.setdefault(str(item[1].get("topic")), []).append(item)
    blocks: list[_Block] = []
    for entries in topics.values():
        blocks.append(_Heading(_topic(entries[0][1], topic_titles)))
        for alert_id, payload, evidence in entries:
            evidence = evidence or Evidence()
            blocks.append(_Line().add(f"[{payload.get('severity')}] {payload['title']}", "b"))
            line = _Line().add(_change(payload) + " · ")
            blocks.append(_source(line, payload["after"]))
            blocks.append(
                _Quote(
                    str(payload["after"].get("quote") or ""), evidence.languages.get("after", "?")
                )
            )
            blocks.append(_carried(evidence))
            blocks.append(_Line().add(_footer(payload, alert_id)))
    n = len(ranked)
    headline = ranked[0][1]["title"] if ranked else "nothing new"
    more = f" (+{n - 1} more)" if n > 1 else ""
    return _message(f"claimwatch digest: {headline}{more}", blocks)


def outage_message(feed: str, host: str, failures: int, error: str | None) -> Message:
    """What the operations routes get when a feed has failed on `failures` passes in a row."""
    blocks: list[_Block] = [
        _Line().add(f"Feed {feed} is down", "b").add(f" ({host}): {failures} passes failed."),
        _Line().add(f"Last error: {error or 'unknown'}"),
        _Line().add("claimwatch tells you again once when it recovers."),
    ]
    return _message(f"claimwatch: feed {feed} is down", blocks)


def recovery_message(feed: str, host: str) -> Message:
    """What the operations routes get when a feed that was reported down is read again."""
    blocks: list[_Block] = [_Line().add(f"Feed {feed} is back", "b").add(f" ({host}).")]
    return _message(f"claimwatch: feed {feed} is back", blocks)


def probe_message(route: str) -> Message:
    """What `claimwatch alerts test` sends."""
    blocks: list[_Block] = [
        _Line().add("claimwatch test message", "b").add(f" for route {route}."),
        _Line().add("If you can read this, alerts of this route reach you."),
    ]
    return _message(f"claimwatch: test message for route {route}", blocks)
