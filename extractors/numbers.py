"""Figures in a sentence, with their qualifier and what they count.

`mindestens 3.000 Soldaten` -> {"value": 3000, "qualifier": "at_least", "counts": "soldiers"}.
Dates, years, percentages and figures for another side's troops (`etwa 2000
ukrainische Soldaten` in a story about North Korean troops) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from extractors.lexicon import Lexicon
from extractors.tokens import WHOLE, Token, any_match

_DIGITS = re.compile(r"^\d+(?:[.,]\d{3})*$")
_HYPHEN_SCALE = re.compile(r"^(\d+)-(\w+)$")
_NATIONALITY = re.compile(r"(isch|ische|ischen|ischer|isches)$|^[A-Z]\w*(an|ese|ish|i)$")
_FUNCTION_WORDS = frozenset("by in to and or from this last next until before after at on".split())
_BREAK = frozenset(".;:!?")

Number = dict[str, object]


def _value(token: Token, lexicon: Lexicon) -> int | None:
    text = token.lower
    if _DIGITS.match(text):
        digits = re.sub(r"[.,]", "", text)
        return int(digits) if len(digits) <= 12 else None
    hyphen = _HYPHEN_SCALE.match(text)  # "15-hundred"
    if hyphen and hyphen[2] in lexicon.scales:
        return int(hyphen[1]) * lexicon.scales[hyphen[2]]
    return lexicon.number_words.get(text)


def _qualifier(tokens: list[Token], i: int, lexicon: Lexicon) -> str:
    for name, patterns in lexicon.qualifiers.items():
        for pattern in patterns:
            width = sum(len(s) for s in pattern.segments)
            start = i - width
            if start >= 0 and pattern.match_at(tokens, start, WHOLE) == i:
                return name
    return "exact"


def _counted(
    tokens: list[Token], i: int, lexicon: Lexicon, own: Collection[int] | None
) -> tuple[str | None, bool]:
    """What the figure at i counts, and whether it counts another side's people."""
    foreign = False
    for k in range(i + 1, min(i + 5, len(tokens))):
        token = tokens[k]
        if token.text in _BREAK or token.text == ",":
            break
        if token.lower in lexicon.not_counts:
            return None, False
        noun = _count_noun(tokens, k, lexicon)
        if noun is not None:
            return noun, foreign
        if own is not None and _NATIONALITY.search(token.text) and k not in own:
            foreign = True
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if following is not None and following.text[:1].isupper():
        return None, foreign  # a noun that is not a counted thing: "acht Luftwaffenstützpunkten"
    english_noun = (
        following is not None
        and lexicon.language == "en"
        and following.text.isalpha()
        and following.lower not in _FUNCTION_WORDS
    )
    if english_noun:
        return None, foreign
    for k in range(i - 1, max(i - 13, -1), -1):  # "die Zahl der ... Soldaten ... auf 10.000"
        token = tokens[k]
        if token.text in _BREAK:
            break
        noun = _count_noun(tokens, k, lexicon)
        if noun is not None:
            return noun, False
    return None, False


def _count_noun(tokens: list[Token], k: int, lexicon: Lexicon) -> str | None:
    """What the noun at k counts (`Soldaten` -> soldiers), if it is a counted thing."""
    for name, patterns in lexicon.count_nouns.items():
        if any(p.match_at(tokens, k, WHOLE) is not None for p in patterns):
            return name
    return None


def _event(tokens: list[Token], lexicon: Lexicon) -> str | None:
    return next(
        (name for name, plist in lexicon.count_events.items() if any_match(plist, tokens)), None
    )


def find_numbers(
    tokens: list[Token], lexicon: Lexicon, own: Collection[int] | None = None
) -> list[Number]:
    """Every counted figure in the tokens, in order.

    `own`: the positions of the tokens that name the story's own people (`North Korean`);
    a figure for people of another nationality is left out. None: no such check."""
    numbers: list[Number] = []
    event = _event(tokens, lexicon)
    i = 0
    while i < len(tokens):
        vague = _vague_at(tokens, i, lexicon)
        if vague:
            end, value, qualifier = vague
            counts, foreign = _counted(tokens, end - 1, lexicon, own)
            if not foreign:
                numbers.append(_number(value, qualifier, counts, event))
            i = end
            continue
        value = _value(tokens[i], lexicon)
        if value is None or _is_date_or_year(tokens, i, value, lexicon):
            i += 1
            continue
        end = i + 1
        if end < len(tokens) and tokens[end].lower in lexicon.scales:
            value *= lexicon.scales[tokens[end].lower]
            end += 1
        counts, foreign = _counted(tokens, end - 1, lexicon, own)
        next_word = tokens[end].lower if end < len(tokens) else ""
        measure = next_word in lexicon.not_counts or next_word == "%"
        if not foreign and not measure and (counts is not None or value >= 10):
            numbers.append(_number(value, _qualifier(tokens, i, lexicon), counts, event))
        i = end
    return numbers


def _number(value: int, qualifier: str, counts: str | None, event: str | None) -> Number:
    if event and counts in ("soldiers", "people", "civilians", None):
        counts = event
    return {"value": value, "qualifier": qualifier, "counts": counts}


def _vague_at(tokens: list[Token], i: int, lexicon: Lexicon) -> tuple[int, int, str] | None:
    for phrase, (value, qualifier) in lexicon.vague.items():
        words = phrase.split()
        if i + len(words) <= len(tokens) and all(
            tokens[i + k].lower == w for k, w in enumerate(words)
        ):
            return i + len(words), value, qualifier
    return None


def _is_date_or_year(tokens: list[Token], i: int, value: int, lexicon: Lexicon) -> bool:
    text = tokens[i].text
    following = tokens[i + 1].text if i + 1 < len(tokens) else ""
    if following == "." and len(text) <= 2:  # German ordinal: "24. Oktober"
        return True
    if text.isdigit() and len(text) == 4 and 1900 <= value <= 2100:
        # "etwa 2000 Soldaten" is a figure, "seit 2000" a year
        counted = i + 1 < len(tokens) and _count_noun(tokens, i + 1, lexicon) is not None
        return _qualifier(tokens, i, lexicon) == "exact" and not counted
    previous = tokens[i - 1].text if i else ""
    return previous in ("(", "/") and following in (")", "/", ".")
