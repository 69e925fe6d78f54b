"""Errors of the extraction layer."""

from claimwatch.errors import DocumentError


class ExtractionError(DocumentError):
    """A document could not be turned into an Article."""


class WatchlistError(DocumentError):
    """A topics, actors or lexicon file is malformed."""
