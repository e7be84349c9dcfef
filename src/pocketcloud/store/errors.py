"""The store's own exceptions: programming and deployment errors, never a client's AWS error."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class SchemaAheadError(StoreError):
    """The database was migrated by a newer pocketcloud than the one now running."""


class InvalidBlobIdError(StoreError, ValueError):
    """A blob id (or region name) the store did not make: refused before any file access."""


class BlobNotFoundError(StoreError, KeyError):
    """A well-formed blob id with no bytes on disk (deleted, swept, or never written)."""

    def __str__(self) -> str:  # KeyError's own __str__ shows the repr of its argument
        return str(self.args[0]) if self.args else "blob not found"


class StoreClosedError(StoreError, RuntimeError):
    """The store was closed; nothing may use it any more."""
