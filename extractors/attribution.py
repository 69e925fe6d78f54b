"""Who said what, in every sentence, with no topic needed: the cue, the source as written,
the actor it names, the content and the form, as character spans into the text.

Pure: text in, attributions out. It uses the same cues (`extractors.cues`) and the same
speaker resolution (`extractors.speakers`) as the claims, sentence by sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from extractors.cues import Cue, find_cues
from extractors.lexicon import REPORTING, Lexicon, load_lexicon
from extractors.sentences import quoted_spans, split_sentences
from extractors.speakers import (
    Recent,
    Speaker,
    cited_sources,
    name_actor,
    resolve,
    trailing_attribution,
)
from extractors.tokens import Token, tokenize
from extractors.watchlist import Watchlist

Span = tuple[int, int]
_COMPLEMENTIZERS = frozenset(["dass", "daß", "ob", "that", "whether", "if"])


@dataclass(frozen=True)
class Attribution:
    """One report of speech or writing: cue, source, content (character spans) and form."""

    cue: Span
    source: Span | None
    speaker: str | None  # the speaker's name: the actor's display name, else as written
    actor: str | None  # a known actor's id
    group: str | None  # its side
    content: Span | None
    form: str  # direct, indirect or reported

    def as_dict(self) -> dict[str, Any]:
        return {
            "cue": list(self.cue),
            "source": list(self.source) if self.source else None,
            "speaker": self.speaker,
            "actor": self.actor,
            "group": self.group,
            "content": list(self.content) if self.content else None,
            "form": self.form,
        }


def sentences_at(text: str) -> Iterator[tuple[int, str]]:
    """Each sentence of the text with its character offset: line by line, as the text
    stands (a sentence never runs over a line break)."""
    offset = 0
    for line in text.split("\n"):
        cursor = 0
        for sentence in split_sentences(line):
            at = line.find(sentence, cursor)
            if at < 0:  # not found as written (the splitter only strips): skipped
                continue
            cursor = at + len(sentence)
            yield offset + at, sentence
        offset += len(line) + 1


def find_attributions(text: str, language: str, watchlist: Watchlist) -> list[Attribution]:
    """Every attribution of the text, in text order (German or English; none otherwise)."""
    if language not in ("de", "en"):
        return []
    lexicon = load_lexicon(language)
    recent = Recent()
    found: list[Attribution] = []
    last_source: Span | None = None  # where the last speaker stands, in characters
    for position, (offset, sentence) in enumerate(sentences_at(text)):
        tokens = tokenize(sentence, quoted_spans(sentence))
        here = [
            _characters(a, tokens, offset)
            for a in _sentence(tokens, sentence, position, lexicon, watchlist, recent)
        ]
        if not here and recent.last is not None and _goes_on(tokens, position, lexicon, recent):
            going_on = _characters(_continued(tokens, recent.last, watchlist), tokens, offset)
            here = [replace(going_on, source=last_source)]
            recent.position = position
        last_source = next((a.source for a in reversed(here) if a.source), last_source)
        found += here
    return found


def _sentence(
    tokens: list[Token],
    sentence: str,
    position: int,
    lexicon: Lexicon,
    watchlist: Watchlist,
    recent: Recent,
) -> list[Attribution]:
    """The sentence's attributions, in token spans: one per source marker and per cue."""
    cues = [c for c in find_cues(tokens, lexicon) if not c.quoted]
    sources = cited_sources(tokens, lexicon)
    if not cues and not sources:
        return []
    mentions = watchlist.mentions(tokens)
    pronouns = lexicon.subject_pronouns | lexicon.pronouns | lexicon.group_pronouns
    out: list[Attribution] = []
    spoke: list[Speaker] = []
    markers = {k for s in sources for k in s.marker}
    sources = [s for s in sources if _plain_marker(tokens, s.marker, lexicon)]
    for source in sources:  # `laut X`, `according to X`, `X zufolge`
        cited = [m for m in mentions if m.start in source.cited]
        span = (cited[0].start, cited[0].end) if cited else _cited_words(tokens, source.cited)
        if span is None:
            continue
        marker = Cue(REPORTING, source.marker.start, source.marker.stop, False, "")
        actor = cited[0].actor.id if cited else None
        named = None if cited else _name(tokens, span, lexicon)
        out.append(_attribution(tokens, marker, span, actor, named, watchlist, lexicon, "reported"))
    for cue in cues:
        if cue.start in markers:
            continue
        if out and _participle(tokens, cue):  # `X denied it, saying ...`: X says it too
            head = out[-1]
            out.append(
                _attribution(
                    tokens, cue, head.source, head.actor, head.speaker, watchlist, lexicon, None
                )
            )
            continue
        speakers = resolve(tokens, sentence, mentions, cue, lexicon, recent, sources)
        speaker = speakers[0] if speakers else None
        span = _span_of(tokens, speaker.text, cue.start) if speaker else None
        if span is None:  # nobody known: the subject as written (`he said`, `sagte der Mann`)
            span = _subject(tokens, cue, lexicon)
        if speaker is None and span is not None and tokens[span[0]].lower not in pronouns:
            speaker = Speaker(
                name_actor(_name(tokens, span, lexicon)), _name(tokens, span, lexicon)
            )
        actor = speaker.actor.id if speaker else None
        named = speaker.text if speaker else None
        out.append(_attribution(tokens, cue, span, actor, named, watchlist, lexicon, None))
        spoke += [speaker] if speaker else []
    recent.note(spoke, position)
    return out


def _attribution(
    tokens: list[Token],
    cue: Cue,
    source: Span | None,
    actor_id: str | None,
    named: str | None,
    watchlist: Watchlist,
    lexicon: Lexicon,
    form: str | None,
) -> Attribution:
    """The attribution of one cue, in token spans: what is said is the clause after the
    cue, or, when the attribution closes the sentence (`„…“, sagte X`), all before it."""
    taken = set(range(cue.start, cue.end)) | (set(range(*source)) if source else set())
    if trailing_attribution(tokens, cue):
        first = min(cue.start, source[0]) if source else cue.start
        content = list(range(0, first))
    else:
        content = [k for k in range(cue.end, len(tokens)) if k not in taken]
    content = [k for k in content if tokens[k].text[:1].isalnum() or tokens[k].quoted]
    while content and not tokens[content[-1]].text[:1].isalnum():
        content.pop()  # a comma or mark that ends the quotation
    while content and not tokens[content[0]].text[:1].isalnum():
        content.pop(0)
    actor = watchlist.actor(actor_id) if actor_id else None
    return Attribution(
        cue=(cue.start, cue.end),
        source=source,
        speaker=watchlist.display_name(actor.id) if actor else named,
        actor=actor.id if actor else None,
        group=actor.group if actor else None,
        content=(content[0], content[-1] + 1) if content else None,
        form=form or _form(tokens, cue, content, lexicon),
    )


def _form(tokens: list[Token], cue: Cue, content: list[int], lexicon: Lexicon) -> str:
    """Direct when most of what is said is quoted; indirect when it is a clause of its own
    (`sagte, dass`, `said that`, a comma or colon after the verb, German Konjunktiv I);
    reported otherwise (`X kritisierte die Entscheidung`)."""
    words = [k for k in content if tokens[k].text[:1].isalnum()]
    if words and sum(tokens[k].quoted for k in words) * 2 > len(words):
        return "direct"
    if trailing_attribution(tokens, cue):
        return "indirect"
    after = tokens[cue.end : cue.end + 2]
    if any(t.lower in _COMPLEMENTIZERS or t.text in ",:" for t in after):
        return "indirect"
    if any(tokens[k].lower in lexicon.subjunctive for k in words):
        return "indirect"
    return "reported"


def _plain_marker(tokens: list[Token], marker: range, lexicon: Lexicon) -> bool:
    """A source marker that is one: an `ambiguous` one (`so`) only after a comma or a
    quotation and before an article or a name (`„…“, so der Minister`)."""
    words = " ".join(tokens[k].lower for k in marker)
    if words not in lexicon.ambiguous_markers:
        return True
    before = tokens[marker.start - 1] if marker.start > 0 else None
    after = tokens[marker.stop] if marker.stop < len(tokens) else None
    if after is None or not (after.lower in lexicon.determiners or after.text[:1].isupper()):
        return False
    return before is None or before.quoted or before.text in ',–-—“”"»«'


def _participle(tokens: list[Token], cue: Cue) -> bool:
    """A verb of saying as a participle right after a comma: `..., saying`, `..., adding`."""
    return (
        cue.end - cue.start == 1
        and tokens[cue.start].lower.endswith("ing")
        and cue.start > 0
        and tokens[cue.start - 1].text == ","
    )


def _subject(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> Span | None:
    """The words that say who speaks when no known actor or name does: after a closing
    verb (`…“, sagte der Sprecher`, `said the spokesman`) the words up to the clause end;
    else the pronoun or the capitalised words right before the verb, in its clause."""
    if trailing_attribution(tokens, cue):
        after = []
        for k in range(cue.end, min(len(tokens), cue.end + 6)):
            if tokens[k].text in ",;:.!?" or tokens[k].quoted:
                break
            after.append(k)
        if after:
            return (after[0], after[-1] + 1)
    before = []
    for k in range(cue.start - 1, max(-1, cue.start - 5), -1):
        token = tokens[k]
        if token.text in ",;:.!?" or token.quoted:
            break
        if token.lower in lexicon.subject_pronouns or token.text[:1].isupper():
            before.insert(0, k)
        elif before:
            break
    if before:
        return (before[0], before[-1] + 1)
    return None


def _cited_words(tokens: list[Token], cited: range) -> Span | None:
    """The words a source marker cites when no known actor is among them: up to the next
    comma or clause end, or the first lower-case word after a capitalised one
    (`laut dem Ministerium kämpfen ...`)."""
    words: list[int] = []
    for k in cited:
        token = tokens[k]
        if token.text in ",;:.!?" or token.quoted or len(words) == 5:
            break
        if token.text[:1].islower() and any(tokens[w].text[:1].isupper() for w in words):
            break
        words.append(k)
    return (words[0], words[-1] + 1) if words else None


def _name(tokens: list[Token], span: Span, lexicon: Lexicon) -> str:
    """The speaker's words without a leading article: `der Sprecher` is `Sprecher`."""
    start, end = span
    while start < end - 1 and tokens[start].lower in lexicon.determiners:
        start += 1
    return " ".join(t.text for t in tokens[start:end])


def _span_of(tokens: list[Token], text: str, near: int) -> Span | None:
    """Where the speaker's words stand in the sentence, the occurrence nearest the cue."""
    words = text.split()
    n = len(words)
    starts = [i for i in range(len(tokens) - n + 1) if [t.text for t in tokens[i : i + n]] == words]
    if not starts:
        return None
    best = min(starts, key=lambda i: abs(i - near))
    return (best, best + n)


def _goes_on(tokens: list[Token], position: int, lexicon: Lexicon, recent: Recent) -> bool:
    """A quotation standing alone, or German reported speech, right after a sentence
    whose speaker is known: the same speaker goes on."""
    if recent.position != position - 1:
        return False
    words = [t for t in tokens if t.text[:1].isalnum()]
    if words and all(t.quoted for t in words):
        return True
    return any(not t.quoted and t.lower in lexicon.subjunctive for t in words)


def _continued(tokens: list[Token], speaker: Speaker, watchlist: Watchlist) -> Attribution:
    """A sentence that goes on with the last speaker's words: it has no cue of its own,
    so the whole sentence is its cue and its content."""
    whole = (0, len(tokens))
    actor = watchlist.actor(speaker.actor.id)
    return Attribution(
        cue=whole,
        source=None,
        speaker=watchlist.display_name(actor.id) if actor else speaker.text,
        actor=actor.id if actor else None,
        group=actor.group if actor else None,
        content=whole,
        form="direct" if any(t.quoted for t in tokens) else "indirect",
    )


def _characters(attribution: Attribution, tokens: list[Token], offset: int) -> Attribution:
    """Token spans turned into character spans of the whole text."""

    def chars(span: Span | None) -> Span | None:
        if span is None:
            return None
        return (offset + tokens[span[0]].start, offset + tokens[span[1] - 1].end)

    cue = chars(attribution.cue)
    assert cue is not None
    return Attribution(
        cue,
        chars(attribution.source),
        attribution.speaker,
        attribution.actor,
        attribution.group,
        chars(attribution.content),
        attribution.form,
    )
