"""Errors of the storage layer."""

from claimwatch.errors import ClaimwatchError


class StorageError(ClaimwatchError):
    """The database cannot be reached, opened or migrated."""
