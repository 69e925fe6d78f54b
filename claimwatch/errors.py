"""The exceptions a user can see: each ends as one line on stderr."""


class ClaimwatchError(Exception):
    """Base class for errors reported to the user as one line."""


class ConfigError(ClaimwatchError):
    """A configuration file or setting is missing or wrong."""


class DocumentError(ClaimwatchError):
    """One input document could not be read or parsed."""


class CorpusError(ClaimwatchError):
    """A corpus folder or its manifest is missing or wrong."""


def single_line(text: str) -> str:
    """Text on one line: its lines, stripped, joined by spaces (a YAML or driver message
    may span several)."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def one_line(exc: BaseException) -> str:
    """An exception as one line: the first line of its message, else its class name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class NotFoundError(ClaimwatchError):
    """A command names something the database does not hold (an alert id, a mute)."""
