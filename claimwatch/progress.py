"""The progress bar of the commands that read many documents (extract, replay, evaluate).

The bar is drawn on stderr, and only when stderr is a terminal, unless `--no-progress` or
CLAIMWATCH_PROGRESS=0 turns it off; rich is imported only then, so a run in a pipe, a file
or CI starts as fast as without it and writes nothing but its usual lines. While the bar is
live, the error lines, the log records of `-v` and, when stdout is the same terminal, the
output lines are printed above it through its console; stdout that is not that terminal is
written to directly, byte for byte.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.console import Console

OFF = {"0", "false", "no", "off"}


class Writer(Protocol):
    """Where a command writes its lines: a text stream, or the bar's console."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


def wanted(no_progress: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to draw a bar: stderr is a terminal and neither the option nor the
    environment turns it off."""
    env = os.environ if environ is None else environ
    if no_progress or env.get("CLAIMWATCH_PROGRESS", "").strip().lower() in OFF:
        return False
    return sys.stderr.isatty()


class Tracker:
    """Counts the documents done and failed, and is where a command writes its lines."""

    def __init__(
        self, out: Writer, err: Writer, show: Callable[[int, int], None] | None = None
    ) -> None:
        self.out = out
        self.err = err
        self.done = 0
        self.failed = 0
        self._show = show

    def step(self) -> None:
        """One more document is done."""
        self.done += 1
        if self._show is not None:
            self._show(self.done, self.failed)

    def fail(self, message: str) -> None:
        """A document could not be read: its one error line, and it counts as done."""
        self.failed += 1
        print(f"claimwatch: error: {message}", file=self.err, flush=True)
        self.step()


class _Above:
    """A text stream whose whole lines are printed above the live bar by its console."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._partial = ""

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self._console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        """Nothing to do: lines are printed when they end; a partial line waits for its end."""


def _same_terminal(out: TextIO, err: TextIO) -> bool:
    """Whether both streams are the one terminal (a user's shell), not a pipe or a file."""
    try:
        return out.isatty() and os.path.samestat(os.fstat(out.fileno()), os.fstat(err.fileno()))
    except (OSError, ValueError):  # a stream without a file descriptor, or a closed one
        return False


@contextmanager
def _live(label: str, total: int) -> Iterator[Tracker]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    stderr = sys.stderr  # while the bar is live, rich puts a proxy of its own there
    console = Console(file=stderr)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        redirect_stdout=False,  # stdout is the command's output: never through rich's proxy
    )
    task = bar.add_task(label, total=total, failed=0)
    above = _Above(console)
    out: Writer = above if _same_terminal(sys.stdout, stderr) else sys.stdout
    # the records of -v go above the bar too (basicConfig's handler writes to stderr)
    handlers = [
        h
        for h in logging.getLogger().handlers
        if type(h) is logging.StreamHandler and h.stream is stderr
    ]

    def show(done: int, failed: int) -> None:
        bar.update(task, completed=done, failed=failed)

    with bar:
        for handler in handlers:
            handler.setStream(above)  # type: ignore[arg-type]
        try:
            yield Tracker(out, above, show)
        finally:
            for handler in handlers:
                handler.setStream(stderr)


@contextmanager
def progress(label: str, total: int, no_progress: bool = False) -> Iterator[Tracker]:
    """A tracker for `total` documents, with a bar labelled `label` when one is wanted."""
    if total < 1 or not wanted(no_progress):
        yield Tracker(sys.stdout, sys.stderr)
        return
    with _live(label, total) as tracker:
        yield tracker
