"""Errors of the alerts layer."""

from claimwatch.errors import ClaimwatchError


class FeedWriteError(ClaimwatchError):
    """A topic's Atom feed could not be written to its file."""
