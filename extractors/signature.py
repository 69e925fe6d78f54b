"""A text's MinHash signature, to recognise syndicated copies of one wire story.

Two texts whose word 5-shingles overlap by Jaccard >= 0.8 are copies: the same
agency story under different URLs, with a changed headline, a dropped
paragraph or another outlet's furniture. The signature is split into bands;
texts sharing a band are the only candidates compared, so finding copies costs
an index lookup, not a scan of the ledger.
"""

from __future__ import annotations

import hashlib
import re

PERMUTATIONS = 64
ROWS_PER_BAND = 4
SHINGLE = 5
MIN_SHINGLES = 30  # shorter texts are too alike by chance to call copies
COPY_SIMILARITY = 0.8
_PRIME = (1 << 61) - 1
_WORD = re.compile(r"\w+", re.UNICODE)


def _coefficients() -> list[tuple[int, int]]:
    pairs = []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"claimwatch-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_PRIME - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _PRIME
        pairs.append((a, b))
    return pairs


_COEFFICIENTS = _coefficients()


def signature(text: str) -> list[int] | None:
    """The MinHash signature of the text, or None when it is too short to judge."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_SHINGLES:
        return None
    hashes = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles
    ]
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _COEFFICIENTS]


def bands(sig: list[int]) -> list[str]:
    """Band keys of a signature: `index:hash` of each run of rows."""
    keys = []
    for start in range(0, len(sig), ROWS_PER_BAND):
        rows = ",".join(str(v) for v in sig[start : start + ROWS_PER_BAND])
        digest = hashlib.blake2b(rows.encode(), digest_size=12).hexdigest()
        keys.append(f"{start // ROWS_PER_BAND}:{digest}")
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
