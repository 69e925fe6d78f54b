"""Reading a YAML file the user wrote: every way it can fail is one line naming the file.

A syntax error names the line (and column) where YAML noticed it; a file that is a
folder, cannot be read, or is not UTF-8 text says so. The caller picks the error class
of its layer (ConfigError, WatchlistError, CorpusError).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from claimwatch.errors import ClaimwatchError, single_line


def read_yaml(path: Path, error: type[ClaimwatchError]) -> object:
    """The document of a YAML file (None when it is empty)."""
    return parse_yaml(read_text(path, error), path, error)


def read_text(path: Path, error: type[ClaimwatchError]) -> str:
    """A UTF-8 text file's content; a folder, an unreadable file or other bytes are `error`."""
    try:
        return path.read_text(encoding="utf-8")
    except IsADirectoryError as exc:
        raise error(f"{path}: is a folder, not a file") from exc
    except FileNotFoundError as exc:
        raise error(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({_byte(exc)} at byte {exc.start})") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or type(exc).__name__})") from exc


def parse_yaml(text: str, path: Path, error: type[ClaimwatchError]) -> object:
    """The document of YAML text from `path`; a syntax error names its line."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        raise error(f"{path}: not valid YAML: {describe_yaml_error(exc)}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {single_line(str(exc))}") from exc


def describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    """`line 4, column 1: expected ',' or ']' (while parsing a flow sequence from line 3)`."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    text = where + single_line(exc.problem or exc.context or type(exc).__name__)
    if exc.context and exc.problem:
        since = exc.context_mark
        origin = f" from line {since.line + 1}" if since and since is not mark else ""
        text += f" ({single_line(exc.context)}{origin})"
    return text


def _byte(exc: UnicodeDecodeError) -> str:
    value = exc.object[exc.start : exc.start + 1]
    return f"0x{value.hex()}" if value else "end of file"
