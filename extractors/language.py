"""Language detection by function words: German, English or something else."""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_GERMAN_LETTERS = re.compile("[äöüß]")

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "sich",
            "mit",
            "dem",
            "den",
            "des",
            "ein",
            "eine",
            "einer",
            "auf",
            "für",
            "von",
            "zu",
            "im",
            "auch",
            "es",
            "wurde",
            "hat",
            "sind",
            "bei",
            "nach",
            "wie",
            "aus",
            "noch",
            "über",
            "wird",
            "oder",
            "aber",
            "sie",
            "er",
            "wir",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "is",
            "of",
            "to",
            "in",
            "that",
            "it",
            "was",
            "for",
            "on",
            "with",
            "as",
            "by",
            "at",
            "from",
            "this",
            "have",
            "has",
            "are",
            "not",
            "be",
            "an",
            "which",
            "but",
            "their",
            "they",
            "he",
            "she",
            "said",
            "were",
            "would",
            "been",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "des",
            "du",
            "un",
            "une",
            "est",
            "que",
            "qui",
            "dans",
            "pour",
            "pas",
            "sur",
            "au",
            "avec",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "de",
            "que",
            "en",
            "un",
            "una",
            "por",
            "con",
            "para",
            "es",
            "del",
            "se",
            "no",
            "su",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "la",
            "di",
            "che",
            "e",
            "un",
            "una",
            "per",
            "non",
            "con",
            "del",
            "della",
            "sono",
            "si",
            "gli",
            "le",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "dat",
            "is",
            "op",
            "te",
            "zijn",
            "niet",
            "met",
            "voor",
            "ook",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "de",
            "que",
            "e",
            "do",
            "da",
            "em",
            "um",
            "uma",
            "para",
            "com",
            "não",
            "no",
            "na",
        ]
    ),
}

SUPPORTED = ("de", "en")


def detect_language(text: str, sample: int = 20000) -> str:
    """The ISO code whose function words cover the text best; `und` when undecided."""
    words = [w.lower() for w in _WORDS.findall(text[:sample])]
    if len(words) < 3:
        return "und"
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in FUNCTION_WORDS.items()}
    scores["de"] += sum(1 for w in words if _GERMAN_LETTERS.search(w))
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda k: scores[k])
    if ranked[0] < max(2, len(words) // 50) or ranked[0] == ranked[1]:
        return "und"
    return best
