"""Split a block into sentences, keeping a quote over several sentences whole.

A sentence ends at . ! ? followed by a space and a capital or an opening quote,
but never inside an open quotation, after an abbreviation, or after a day number
("am 24. Oktober"). A closing quote followed by `, sagte X` stays with its quote.
"""

from __future__ import annotations

import re

OPENING = '„“«‹‚"‘'
CLOSING = '“”»›‘’"'
PAIRS = {"„": "“”", "«": "»", "‹": "›", "‚": "‘’", "“": "”", '"': '"', "‘": "’"}
QUOTE_MARKS = frozenset(OPENING + CLOSING)

ABBREVIATIONS = frozenset(
    """z.b bzw usw etc ca dr prof nr vgl inkl ggf u.a d.h s.o mr mrs ms st jr sr gen col lt sgt
    rep sen gov jan feb mar apr jun jul aug sep sept oct nov dec no vs mio mrd u.s u.k e.g
    i.e""".split()
)

_NON_SPACE = re.compile(r"\S")
MAX_SENTENCE = 2000
"""A sentence longer than this (in characters) is cut into pieces at clause breaks. The
longest sentence of the development pages and seeds in a read language has 1,480
characters; what is longer is a page without full stops, and reading claims costs more
than linear time in a sentence's length."""
_CLAUSE_BREAKS = (", ", "; ", ": ")


def _word_before(text: str, end: int) -> str:
    """The run of non-space characters that ends at `end`, found by looking back from it
    (not by searching the text before it, which costs the whole prefix at every dot)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _is_abbreviation(text: str, dot: int) -> bool:
    word = _word_before(text, dot)
    if not word:
        return False
    word = word.lower().lstrip("(„“«\"'")
    if word in ABBREVIATIONS:
        return True
    if re.fullmatch(r"\d{1,2}", word):  # German ordinal / date: "am 24. Oktober"
        return True
    return bool(re.fullmatch(r"([a-zäöü]\.)+[a-zäöü]", word))  # u.a. / U.S.


def split_sentences(block: str) -> list[str]:
    """The sentences of one block, quotes kept together with their attribution."""
    sentences: list[str] = []
    start = 0
    stack: list[str] = []
    i = 0
    n = len(block)
    while i < n:
        ch = block[i]
        if stack and ch in stack[-1]:
            stack.pop()
        elif ch in PAIRS and (ch != '"' or not stack) and _opens(block, i):
            stack.append(PAIRS[ch])
        elif ch in ".!?" and not stack:
            end = i + 1
            while end < n and block[end] in ".!?" + CLOSING:
                end += 1
            if _ends_here(block, i, end):
                sentences.append(block[start:end].strip())
                start = end
                i = end
                continue
        i += 1
        if stack and i - start > 3000:  # an unbalanced quote: stop protecting it
            stack.clear()
    tail = block[start:].strip()
    if tail:
        sentences.append(tail)
    return [piece for s in sentences if s for piece in _bounded(s)]


def _bounded(sentence: str) -> list[str]:
    """The sentence itself, or pieces of at most MAX_SENTENCE characters cut after the
    last clause break (else the last space) that keeps a piece within the limit."""
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    pieces = []
    start = 0
    while len(sentence) - start > MAX_SENTENCE:  # offsets, not copies of the rest
        limit = start + MAX_SENTENCE
        cut = max(sentence.rfind(mark, start, limit) for mark in _CLAUSE_BREAKS)
        if cut <= start:
            cut = sentence.rfind(" ", start, limit)
        cut = cut + 1 if cut > start else limit
        pieces.append(sentence[start:cut].strip())
        start = cut
    pieces.append(sentence[start:].strip())
    return [piece for piece in pieces if piece]


def _opens(block: str, i: int) -> bool:
    """A quote mark opens when it is not glued to a preceding letter."""
    return i == 0 or not block[i - 1].isalnum()


def _ends_here(block: str, dot: int, end: int) -> bool:
    if end >= len(block):
        return True
    if not block[end].isspace():
        return False
    following = _NON_SPACE.search(block, end)  # not block[end:].lstrip(): a copy per dot
    if following is None:
        return True
    if block[dot] == "." and _is_abbreviation(block, dot):
        return False
    first = following.group()
    return first.isupper() or first in OPENING or first.isdigit()


def quoted_spans(text: str, min_words: int = 4) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (the marks excluded), by the same rules
    that keep quotes whole in `split_sentences`.

    Quotes shorter than `min_words` are scare quotes (`„hochwahrscheinlich“ genannt`):
    the writer's sentence goes on through them, so they do not count as quoted.
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if stack and ch in stack[-1][0]:
            _closers, start = stack.pop()
            if not stack and len(text[start:i].split()) >= min_words:
                spans.append((start, i))
        elif ch in PAIRS and (ch != '"' or not stack) and _opens(text, i):
            stack.append((PAIRS[ch], i + 1))
    return spans
