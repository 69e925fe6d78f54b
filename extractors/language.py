"""Language detection by function words: German, English or something else."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_GERMAN_LETTERS = re.compile("[äöüß]")
# letters of Latin-script languages that German never uses: with them, ö and ü are not German
_NOT_GERMAN_LETTERS = re.compile("[åøæðþşğıłąęřěůőűãõñç]")
_LATIN = re.compile(r"^[a-zà-ÿāăąćčďēęěğīıłńňōőœřśşšţťūůűźżž]+$")

WORDS_FILE = Path(__file__).resolve().parent / "lexicon" / "function_words.yaml"


@cache
def function_words() -> dict[str, frozenset[str]]:
    """Function words per language, from `lexicon/function_words.yaml`."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {lang: frozenset(str(w).lower() for w in words) for lang, words in data.items()}


SUPPORTED = ("de", "en")


def detect_language(text: str, sample: int = 20000) -> str:
    """The ISO code whose function words cover the text best; `und` when undecided."""
    words = [w.lower() for w in _WORDS.findall(text[:sample])]
    if len(words) < 3:
        return "und"
    if sum(bool(_LATIN.match(w)) for w in words) < len(words) / 2:
        return "und"  # mostly another script: no function-word list here can judge it
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in function_words().items()}
    foreign = sum(1 for w in words if _NOT_GERMAN_LETTERS.search(w))
    if foreign * 100 < len(words):  # a name or two (Erdoğan, Øresund) may still be quoted
        scores["de"] += sum(1 for w in words if _GERMAN_LETTERS.search(w))
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda k: scores[k])
    if ranked[0] < max(2, len(words) // 50) or ranked[0] == ranked[1]:
        return "und"
    return best
