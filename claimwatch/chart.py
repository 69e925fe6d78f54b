"""`claimwatch timeline TOPIC --chart FILE`: the sides' positions over time, and the figures.

Drawn with matplotlib, imported inside `write_chart` only, so no other command pays for it.
The picture has a fixed size (`PIXELS`); an SVG is byte-identical for the same ledger.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alerts.story import Story, daily
from claimwatch.errors import ClaimwatchError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = {".png": "png", ".svg": "svg"}
INCHES = (11.0, 6.0)
DPI = 100
PIXELS = (int(INCHES[0] * DPI), int(INCHES[1] * DPI))  # width, height of a PNG
MAX_LANES = 12  # the sides drawn: the story's order puts those it is about first

# stance -> (colour, marker): red for denial, yellow for evasion, green for confirmation
STYLE = {
    "deny": ("#d62728", "X"),
    "evade": ("#e6b800", "D"),
    "doubt": ("#7f7f7f", "v"),
    "assert": ("#1f77b4", "o"),
    "accuse": ("#9467bd", "^"),
    "confirm": ("#2ca02c", "P"),
}
OTHER = ("#000000", ".")


class ChartError(ClaimwatchError):
    """A chart cannot be written: its file's suffix names no format, or the file is unwritable."""


def chart_format(path: Path) -> str:
    """The format of a chart file from its suffix: png or svg."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ChartError(
            f"{path}: a chart is written as .png or .svg, not {path.suffix or 'no suffix'!r}"
        )
    return fmt


def write_chart(story: Story, path: Path) -> None:
    """Write the story's chart to `path` (PNG or SVG by its suffix): one lane per side with
    its stance on each day as colour and marker, and the figures below as step lines."""
    fmt = chart_format(path)
    import matplotlib

    # stable ids inside the SVG, and its words as text rather than glyph outlines
    with matplotlib.rc_context({"svg.hashsalt": "claimwatch", "svg.fonttype": "none"}):
        fig = _draw(story)
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format=fmt, metadata=metadata)
        except OSError as exc:
            raise ChartError(f"{path}: cannot write the chart: {exc.strerror or exc}") from exc


def _draw(story: Story) -> Figure:
    """The chart as a matplotlib figure, not yet written."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=INCHES, dpi=DPI, layout="constrained")
    lanes_ax, figures_ax = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 1)}, squeeze=True
    )
    sides = story.sides[:MAX_LANES]
    more = len(story.sides) - len(sides)
    fig.suptitle(story.title + (f" (+{more} more sides)" if more > 0 else ""))
    seen: set[str] = set()
    for lane, side in enumerate(reversed(sides)):
        days = daily(story, side)
        lanes_ax.plot(
            [d.published for d in days], [lane] * len(days), color="#cccccc", zorder=1, lw=1
        )
        for stance in dict.fromkeys(d.stance for d in days):
            colour, marker = STYLE.get(stance, OTHER)
            at = [d.published for d in days if d.stance == stance]
            lanes_ax.scatter(at, [lane] * len(at), c=colour, marker=marker, s=70, zorder=2)
            seen.add(stance)
    lanes_ax.set_yticks(range(len(sides)), [story.names[s] for s in reversed(sides)])
    lanes_ax.set_ylim(-0.7, max(len(sides), 1) - 0.3)
    lanes_ax.grid(axis="x", color="#eeeeee")
    order = [s for s in STYLE if s in seen] + sorted(seen - STYLE.keys())
    legend = [
        Line2D([], [], ls="", color=STYLE.get(s, OTHER)[0], marker=STYLE.get(s, OTHER)[1], label=s)
        for s in order
    ]
    if legend:
        lanes_ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        lanes_ax.text(0.5, 0.5, "no claims yet", ha="center", transform=lanes_ax.transAxes)
    _figures_panel(story, figures_ax)
    locator = AutoDateLocator()
    figures_ax.xaxis.set_major_locator(locator)
    figures_ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    return fig


def _figures_panel(story: Story, ax: Axes) -> None:
    """Each counted thing's value over time as a step line, drawn to the story's last day."""
    ax.set_ylabel("figures")
    if not story.figures:
        ax.text(0.5, 0.5, "no figures", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        return
    last = max(s.published for s in story.said)
    for counts in dict.fromkeys(f.counts for f in story.figures):
        points = [f for f in story.figures if f.counts == counts]
        days = [f.published for f in points] + [last]
        values = [f.value for f in points] + [points[-1].value]
        ax.step(days, values, where="post", label=counts)
        ax.scatter(days[:-1], values[:-1], s=20)
        for day, value in zip(days[:-1], values[:-1], strict=True):
            ax.annotate(f"{value:,}", (day, value), xytext=(4, 2), textcoords="offset points")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
