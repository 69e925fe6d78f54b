"""The building blocks of the `claimwatch` parser: lazy commands, one-line usage errors,
argument types and the options several commands share."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from claimwatch.errors import single_line


def lazy(target: str) -> Callable[[argparse.Namespace], int | None]:
    """The function of a command (`module:name`), imported only when that command runs,
    so `--help` and light commands do not load the database and alert layers."""
    module, name = target.split(":")

    def run(args: argparse.Namespace) -> int | None:
        return getattr(importlib.import_module(module), name)(args)

    return run


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line like every other error, with a hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("claimwatch").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"claimwatch: error: {where}{single_line(message)} (see --help)\n")


def positive(text: str) -> int:
    """A whole number of at least 1 (an argparse type)."""
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def port(text: str) -> int:
    """A TCP port, 1 to 65535 (an argparse type)."""
    value = positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, got {value}")
    return value


def watch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="DIR", help="config folder (default: packaged config/)")
    parser.add_argument("--topics", metavar="FILE", help="topics YAML (default: DIR/topics.yaml)")
    parser.add_argument("--actors", metavar="FILE", help="actors YAML (default: DIR/actors.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")


def progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (also CLAIMWATCH_PROGRESS=0); it is drawn on stderr only when "
        "stderr is a terminal",
    )


def db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $CLAIMWATCH_DATABASE_URL, else sqlite:///var/claimwatch.db)",
    )


def server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="local Prefect server host")
    parser.add_argument("--port", type=port, default=4200, help="local Prefect server port")


def command(
    sub: argparse._SubParsersAction, name: str, summary: str, example: str
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
