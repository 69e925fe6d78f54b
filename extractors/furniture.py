"""Drop page furniture from article text: navigation, captions, credits, teasers, comments.

The cues (which lines are furniture, which lines end the article) are data in
`extractors/lexicon/*.yaml`; this module only applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.lexicon import Lexicon

_BREADCRUMB = re.compile(r"^\s*\d{1,2}\.\s+\S+(\s+\S+)?\s*$")
_COMMENT_USER = re.compile(r"^(User|Nutzer|Gast|Leser|Guest|Anonymous)\s*#?\d*\s*\(", re.I)
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
_LETTER = re.compile(r"[^\W\d_]")
_DATELINE = re.compile(
    r"^[A-ZÄÖÜ][\w./-]{1,30}(?: [A-ZÄÖÜ][\w.-]+)?(?: \([^)]{1,30}\))? [–—-] (?=[A-ZÄÖÜ„\"«])"
)
_TERMINAL = re.compile(r"[.!?:;…][\"'“”«»‘’)]*\s*$")


@dataclass(frozen=True)
class Block:
    """A line of article text: a heading (no closing punctuation) or a paragraph."""

    text: str
    heading: bool


def _is_credit(line: str, lexicon: Lexicon) -> bool:
    if "©" in line:
        return True
    lower = line.lower()
    return any(marker in lower for marker in lexicon.credit_markers)


def _is_foreign_script(line: str) -> bool:
    letters = len(_LETTER.findall(line))
    return letters > 0 and len(_LATIN.findall(line)) < letters / 2


_LOOKAHEAD = 5
_PARAGRAPH_WORDS = 20


def _body_follows(lines: list[str]) -> bool:
    """Whether article paragraphs follow: two long lines ending like sentences."""
    paragraphs = [
        line for line in lines if len(line.split()) >= _PARAGRAPH_WORDS and _TERMINAL.search(line)
    ]
    return len(paragraphs) >= 2


def clean_blocks(text: str, lexicon: Lexicon, title: str = "") -> list[Block]:
    """The article's own text as blocks, furniture removed, in order."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    blocks: list[Block] = []
    body_chars = 0
    previous = ""
    teaser = False  # inside an inline teaser box: its headlines are skipped
    for index, line in enumerate(lines):
        lower = line.lower().rstrip(":")
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if body_chars > 150 and lower in lexicon.end_markers:
            break
        if body_chars > 150 and lower in lexicon.cut_markers:
            if not _body_follows(lines[index + 1 : index + 1 + _LOOKAHEAD]):
                break
            teaser = True  # `Read more` inside the article: skip the box, keep the text after it
            continue
        if teaser and not _TERMINAL.search(line):
            continue
        teaser = False
        if _COMMENT_USER.match(line):
            break
        if lower in lexicon.furniture_lines or _BREADCRUMB.match(line):
            continue
        if line == previous or _is_credit(line, lexicon) or _is_foreign_script(line):
            previous = line
            continue
        if following.startswith(line) and _is_credit(following, lexicon):
            previous = line
            continue
        words = line.split()
        if len(words) <= 2 and line.endswith(","):
            continue
        heading = not _TERMINAL.search(line) and len(words) <= 25
        if heading and len(words) <= 2 and blocks and not (title and line == title):
            # a lone word or two without punctuation: a tag, byline or dateline
            previous = line
            continue
        if not heading:
            line = _DATELINE.sub("", line, count=1)  # "Kiew – Der ukrainische Präsident ..."
        blocks.append(Block(text=line, heading=heading))
        if not heading:
            body_chars += len(line)
        previous = line
    return blocks
