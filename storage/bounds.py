"""Values from outside, fitted to their columns before they are stored.

Feeds and servers send what they like: an ETag of 600 characters, a guid of 3,000, a
NUL byte in a title. PostgreSQL refuses all three (SQLite takes them), and one refused
value would fail a whole pass. Every value that reaches a column from outside passes
one of these functions first; the limits are the columns' own (storage/models.py).

- `fit`: control characters removed, cut to the column's length (a description).
- `fit_key`: the same, but a value that is too long keeps a prefix and ends with the
  sha256 of the whole value, so two long values stay distinct and one value always
  maps to the same key (an identity: guid, entry key, URL).
- `fit_validator`: an ETag or Last-Modified that does not fit, or carries control
  characters, is not kept at all: a cut validator can never match, so the next poll
  is a plain GET instead.
- `clean_text`: for unbounded text columns; control characters removed, line breaks
  and tabs kept.

Each function returns its input unchanged when it already fits, so applying it twice
(at the write and at a later look-up) gives the same value.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy.orm import InstrumentedAttribute

# C0 and C1 control characters and lone surrogates (which no UTF-8 database stores).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BLANKS = re.compile(r"[\t\n\r]")
_HASH_MARK = "#sha256:"
_HASH_LENGTH = len(_HASH_MARK) + 64


def length_of(column: InstrumentedAttribute) -> int | None:
    """The column's length in characters, None for unbounded text."""
    return getattr(column.property.columns[0].type, "length", None)


def clean(value: str) -> str:
    """One line: tabs and line breaks become spaces, other control characters go."""
    return _CONTROL.sub("", _BLANKS.sub(" ", value))


def clean_text(value: str | None) -> str | None:
    """Text that may span lines: control characters go, tabs and line breaks stay."""
    return None if value is None else _CONTROL_IN_TEXT.sub("", value)


def fit(column: InstrumentedAttribute, value: str | None) -> str | None:
    """Clean and cut to the column's length."""
    if value is None:
        return None
    limit = length_of(column)
    cleaned = clean(value)
    return cleaned if limit is None else cleaned[:limit]


def fit_key(column: InstrumentedAttribute, value: str | None) -> str | None:
    """Clean; when too long, a prefix and the sha256 of the whole value, to the length."""
    if value is None:
        return None
    limit = length_of(column)
    cleaned = clean(value)
    if limit is None or len(cleaned) <= limit:
        return cleaned
    if limit <= _HASH_LENGTH:
        raise ValueError(f"{column} is too short for a hashed key ({limit} characters)")
    digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
    return f"{cleaned[: limit - _HASH_LENGTH]}{_HASH_MARK}{digest}"


def fit_validator(column: InstrumentedAttribute, value: str | None) -> str | None:
    """The validator as it came, or None when it does not fit or is not clean."""
    if value is None:
        return None
    limit = length_of(column)
    if clean(value) != value or (limit is not None and len(value) > limit):
        return None
    return value
