"""Errors of the fetching layer: each names the URL and why it failed."""

from claimwatch.errors import ClaimwatchError


class FetchError(ClaimwatchError):
    """A URL could not be fetched; `transient` says whether trying again soon may help."""

    transient = False


class RefusedError(FetchError):
    """The URL or a redirect hop points where claimwatch must not go."""


class TransportError(FetchError):
    """The server could not be reached or stopped answering in time."""

    transient = True


class DeadlineError(TransportError):
    """The whole request took longer than its deadline."""


class StatusError(FetchError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
        self.transient = status >= 500 or status == 429


class TooLargeError(FetchError):
    """The body, after decompression, is larger than the cap."""


class ContentError(FetchError):
    """The body is not what was asked for: not a feed, not an HTML page, bad encoding."""
