"""The cue index finds exactly what trying every cue pattern at every token finds."""

from __future__ import annotations

import pytest

from extractors.article import load_document
from extractors.lexicon import load_lexicon
from extractors.sentences import quoted_spans, split_sentences
from extractors.tokens import Pattern, PatternSet, Token, tokenize
from tests.conftest import SEEDS

ENGLISH = (
    'Moscow neither confirmed nor denied it. "This is fake news," Peskov told reporters, '
    "who said the US has evidence; Kyiv's spy agency accused Russia, and the UN's rapporteur "
    "declined to comment. It remains to be seen, said NATO's chief."
)


def every_pattern_everywhere(
    entries: list[tuple[object, Pattern]], tokens: list[Token]
) -> list[tuple[object, int, int]]:
    return [(label, start, end) for label, p in entries for start, end in p.find(tokens)]


def sentences(language: str) -> list[str]:
    if language == "en":
        return split_sentences(ENGLISH)
    text = "\n".join(load_document(path).text for path in sorted(SEEDS.glob("*.txt")))
    return [s for block in text.split("\n") for s in split_sentences(block)]


@pytest.mark.parametrize("language", ["de", "en"])
def test_index_finds_what_every_pattern_finds(language: str) -> None:
    cues = load_lexicon(language).cues
    checked = 0
    for sentence in sentences(language):
        tokens = tokenize(sentence, quoted_spans(sentence))
        expected = every_pattern_everywhere(cues.entries, tokens)
        assert cues.find(tokens) == expected, sentence
        checked += bool(expected)
    assert checked >= 3  # sentences with cues were among them


def test_index_keys_cover_every_kind_of_first_word() -> None:
    entries = [
        (n, Pattern(s)) for n, s in enumerate(["USA", "Kreml*", "sagte", "ab*", "wies ... zurück"])
    ]
    patterns = PatternSet(entries)
    tokens = tokenize("Die USAs sagten, Kremlchef abends wies das zurück")
    assert patterns.find(tokens) == every_pattern_everywhere(entries, tokens)
    assert {label for label, _, _ in patterns.find(tokens)} == {0, 1, 2, 3, 4}
