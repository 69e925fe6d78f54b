"""Tokens with offsets, stems that forgive inflection, and phrase patterns.

One matcher serves topics, actors and stance cues: a pattern is a sequence of
words; `word*` matches any ending, a plain word matches its inflected forms
(`Russland`/`Russlands`, `russische`/`russischen`), an all-capital word (`USA`)
matches only itself, and `...` stands for a gap of up to six words, or up to fifteen when the
pattern closes its clause (separable verbs: `wirft ... vor`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

L = TypeVar("L")

_TOKEN = re.compile(r"\d+(?:[.,]\d{3})+(?:,\d+)?|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_ENDINGS = ("’s", "'s", "ern", "en", "er", "es", "em", "e", "s")
GAP = 6
LONG_GAP = 15
"""A gap longer than GAP is allowed when the pattern ends its clause: the particle of a
German separable verb closes the clause however long its middle (`Kritiker warfen dem
Präsidenten Blasphemie und einen ausgeprägten Narzissmus vor.`)."""
_CLAUSE_CLOSERS = frozenset(',.;:!?)–—"“”»«„') | frozenset(
    ["und", "and", "oder", "or", "aber", "but"]
)

WHOLE, PARTS, HEADS = 0, 1, 2
"""How far a word may match inside a token: whole tokens only; parts of hyphenated
compounds (`Nordkorea-Soldaten`); also the head of a closed compound (`Kurzstreckenraketen`)."""


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark with its place in the sentence."""

    text: str
    start: int
    end: int
    lower: str
    stem: str
    quoted: bool = False


def stem(word: str) -> str:
    """Lowercase with one inflection ending removed (long words only)."""
    low = word.lower()
    for ending in _ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 4:
            return low[: -len(ending)]
    return low


def tokenize(text: str, quoted_spans: Sequence[tuple[int, int]] = ()) -> list[Token]:
    """Tokens of a sentence; `quoted` marks those inside a quotation."""
    inside = _Spans(quoted_spans)
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        tokens.append(Token(word, start, end, word.lower(), stem(word), inside.covers(start, end)))
    return tokens


class _Spans:
    """Character ranges, asked whether one of them covers [start, end) in log time: the
    ranges that begin at or before `start`, and the furthest any of them reaches."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._reach = list(accumulate((b for _, b in ordered), max))

    def covers(self, start: int, end: int) -> bool:
        n = bisect_right(self._starts, start)
        return n > 0 and self._reach[n - 1] >= end


@dataclass(frozen=True)
class Word:
    """One word of a pattern."""

    text: str
    wildcard: bool
    exact_case: bool
    stem: str  # of text, computed once: matching compares it with every token's stem

    def matches(self, token: Token, compounds: int = WHOLE) -> bool:
        if self._matches_whole(token):
            return True
        if compounds >= PARTS and "-" in token.text:
            parts = [p for p in token.text.split("-") if p]
            if any(self._matches_whole(Token(p, 0, 0, p.lower(), stem(p))) for p in parts):
                return True
        if compounds >= HEADS and not self.exact_case:
            # the head of a German compound: "Kurzstreckenraketen" for "Rakete*"
            at = token.lower.find(self.text, 3)
            rest = token.lower[at + len(self.text) :]
            return at >= 3 and (self.wildcard or rest in _ENDINGS or rest == "")
        return False

    def _matches_whole(self, token: Token) -> bool:
        if self.exact_case:
            return token.text == self.text or token.text == self.text + "s"
        if self.wildcard:
            return token.lower.startswith(self.text)
        return token.lower == self.text or token.stem == self.stem


class Pattern:
    """A phrase of words and gaps, matched against tokens."""

    def __init__(self, source: str) -> None:
        self.source = source
        # the last word after a gap must close its clause: a German separable particle
        # (`gab ... zu.`), not the same word as a preposition (`gab keine Stellungnahme zu X`)
        self.closes = False
        self.segments: list[list[Word]] = []
        for segment in source.split("..."):
            words = [_word(w) for w in segment.replace("-", " - ").split() if w]
            words = _rejoin_hyphens(words, segment)
            if words:
                self.segments.append(words)
        if not self.segments:
            raise ValueError(f"empty pattern: {source!r}")

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"

    @property
    def first(self) -> Word:
        return self.segments[0][0]

    def match_at(self, tokens: Sequence[Token], i: int, compounds: int = WHOLE) -> int | None:
        """End index (exclusive) of a match starting at token i, else None."""
        pos = i
        for k, segment in enumerate(self.segments):
            if k == 0:
                end = _match_segment(segment, tokens, pos, compounds)
            else:
                end = None
                for skip in range(LONG_GAP + 1):
                    if pos + skip < len(tokens) and tokens[pos + skip].text in ".;:!?":
                        break
                    end = _match_segment(segment, tokens, pos + skip, compounds)
                    near = skip <= GAP and not (self.closes and k == len(self.segments) - 1)
                    if end is not None and (near or _closes_clause(tokens, end)):
                        break
                    end = None
            if end is None:
                return None
            pos = end
        return pos

    def find(self, tokens: Sequence[Token], compounds: int = WHOLE) -> list[tuple[int, int]]:
        """All (start, end) matches in the tokens."""
        found = []
        for i in range(len(tokens)):
            end = self.match_at(tokens, i, compounds)
            if end is not None:
                found.append((i, end))
        return found


def _word(raw: str) -> Word:
    wildcard = raw.endswith("*")
    text = raw.rstrip("*")
    letters = [c for c in text if c.isalpha()]
    exact = len(letters) >= 2 and all(c.isupper() for c in letters)
    text = text if exact else text.lower()
    return Word(text, wildcard, exact, stem(text))


def _rejoin_hyphens(words: list[Word], segment: str) -> list[Word]:
    """`Kreml-Chef` is one token in text, so keep it one word in the pattern."""
    if "-" not in segment:
        return words
    return [_word(w) for w in segment.split() if w]


def _match_segment(
    segment: list[Word], tokens: Sequence[Token], i: int, compounds: int
) -> int | None:
    if i + len(segment) > len(tokens):
        return None
    for k, word in enumerate(segment):
        if not word.matches(tokens[i + k], compounds):
            return None
    return i + len(segment)


def _closes_clause(tokens: Sequence[Token], end: int) -> bool:
    return end >= len(tokens) or tokens[end].lower in _CLAUSE_CLOSERS


class PatternSet(Generic[L]):
    """Labelled patterns, each tried only at the tokens where its first word may match.

    `find` gives what trying every pattern at every token gives, in the same order
    (pattern by pattern, then by start), for whole-token matching."""

    def __init__(self, entries: Iterable[tuple[L, Pattern]]) -> None:
        self.entries = list(entries)
        self._index: dict[tuple[str, str], list[int]] = {}
        for n, (_, pattern) in enumerate(self.entries):
            for key in _first_word_keys(pattern.first):
                self._index.setdefault(key, []).append(n)

    def find(self, tokens: Sequence[Token]) -> list[tuple[L, int, int]]:
        """Every (label, start, end) match in the tokens."""
        starts: dict[int, list[int]] = {}
        for i, token in enumerate(tokens):
            for n in {n for key in _token_keys(token) for n in self._index.get(key, ())}:
                starts.setdefault(n, []).append(i)
        found = []
        for n in sorted(starts):
            label, pattern = self.entries[n]
            for i in starts[n]:
                end = pattern.match_at(tokens, i)
                if end is not None:
                    found.append((label, i, end))
        return found


def _first_word_keys(word: Word) -> list[tuple[str, str]]:
    """Where a word may match a whole token (see Word._matches_whole): a superset."""
    if word.exact_case:
        return [("text", word.text), ("text", word.text + "s")]
    if word.wildcard:
        return [("prefix", word.text[:4])]
    return [("lower", word.text), ("stem", word.stem)]


def _token_keys(token: Token) -> list[tuple[str, str]]:
    prefixes = [("prefix", token.lower[:n]) for n in range(5)]
    return [("text", token.text), ("lower", token.lower), ("stem", token.stem), *prefixes]


def any_match(patterns: Sequence[Pattern], tokens: Sequence[Token], compounds: int = WHOLE) -> bool:
    """Whether any of the patterns matches anywhere in the tokens."""
    return any(
        p.match_at(tokens, i, compounds) is not None for p in patterns for i in range(len(tokens))
    )


def compile_all(sources: Iterable[str]) -> list[Pattern]:
    """Patterns from strings, skipping blanks."""
    return [Pattern(s) for s in sources if s and s.strip()]
