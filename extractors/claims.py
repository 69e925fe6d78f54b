"""Article -> claims: who says what about a watched topic, with which stance and figures.

Pure: no I/O, no database. The rules are general (any story, German or English);
the words they look for are data in `extractors/lexicon/` and the watch lists.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from extractors.article import Article
from extractors.cues import (
    POLARITY,
    PRIORITY,
    REPORTING,
    Cue,
    find_cues,
    has_explicit,
    main_stance,
    own_words,
    says_not,
    segment,
)
from extractors.furniture import Block, clean_blocks
from extractors.language import SUPPORTED
from extractors.lexicon import Lexicon, furniture_lexicon, load_lexicon
from extractors.numbers import find_numbers
from extractors.sentences import quoted_spans, split_sentences
from extractors.speakers import (
    Recent,
    Speaker,
    cited_sources,
    own_subject,
    resolve,
    trailing_attribution,
)
from extractors.tokens import HEADS, WHOLE, Token, any_match, tokenize
from extractors.watchlist import Actor, Mention, Topic, Watchlist


@dataclass
class Claim:
    """One actor's position on one watched topic in one article."""

    actor: str
    actor_text: str
    group: str
    stance: str
    topic: str
    quote: str
    numbers: list[dict] = field(default_factory=list)
    position: int = 0  # the sentence's index in the article, for ordering
    weak: bool = False  # a plain verb of saying on a topic taken from the context
    past: bool = False  # a stance the article recalls as earlier: never its position today
    evidence: list[str] = field(default_factory=list)  # how it was found (EVIDENCE)
    confidence: str = "medium"  # high, medium or low, from the evidence (`confidence`)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("position")
        data.pop("weak")
        data.pop("past")
        return data


@dataclass
class _Context:
    """What earlier text tells about the current sentence."""

    article_topics: set[str] = field(default_factory=set)  # named in the title or the lead
    section_topics: set[str] = field(default_factory=set)
    paragraph_topics: set[str] = field(default_factory=set)
    recent: Recent = field(default_factory=Recent)


def article_blocks(article: Article) -> list[Block]:
    """The article's own text as blocks (headings and paragraphs): those of its cleaning
    when it was read from a document, else its stored text cleaned now."""
    if article.blocks is not None:
        return article.blocks
    return clean_blocks(article.text, furniture_lexicon(article.language), article.title)


@dataclass
class ClaimsRead:
    """The claims of an article, and whether reading them stopped at its time budget."""

    claims: list[Claim]
    stopped: str | None = None  # why reading stopped before the end, if it did
    past: list[Claim] = field(default_factory=list)  # stances recalled as earlier ones


def extract_claims(article: Article, watchlist: Watchlist) -> list[Claim]:
    """Every claim in the article on a watched topic, in text order."""
    return read_claims(article, watchlist).claims


def read_claims(article: Article, watchlist: Watchlist, budget: float | None = None) -> ClaimsRead:
    """The article's claims, reading for at most `budget` seconds (None: no limit); when
    time is up, the claims of the sentences read so far, with the reason."""
    if article.language not in SUPPORTED:
        return ClaimsRead([])
    started = time.monotonic()
    lexicon = load_lexicon(article.language)
    claims: list[Claim] = []
    context = _Context()
    position = 0
    in_lead = True  # the title and the first paragraph, up to the first subheading
    blocks = article_blocks(article)
    for block in blocks:
        context.paragraph_topics = set()

        sentences = split_sentences(block.text)
        heading_topics: set[str] = set()
        if block.heading:  # a new section: only its own heading sets its topic
            context.section_topics = set()
        for sentence in sentences:
            if budget is not None and time.monotonic() - started > budget:
                reason = f"claims: reading stopped after {budget:g}s at sentence {position + 1}"
                return _split(_dedupe(claims), stopped=reason)
            found = _sentence_claims(sentence, position, watchlist, lexicon, context, block.heading)
            if not found and not block.heading:
                _note_subject(sentence, watchlist, context.recent)
            claims.extend(found)
            heading_topics |= context.paragraph_topics
            position += 1
        if block.heading:
            context.section_topics = heading_topics
        if in_lead:
            context.article_topics |= heading_topics
            in_lead = block.heading
            if not in_lead:
                claims = _title_on_lead(blocks[0], claims, watchlist, lexicon, context) + claims
    return _split(_dedupe(_weigh_inferred(claims)))


def _title_on_lead(
    title: Block, claims: list[Claim], watchlist: Watchlist, lexicon: Lexicon, context: _Context
) -> list[Claim]:
    """The title's claims on the topics of the lead, when it names none itself: a title is
    short (`Putin bestreitet Krim-Invasion`), and the lead below it says what it is about."""
    if not title.heading or any(c.position == 0 for c in claims) or not context.article_topics:
        return []
    lead = _Context(article_topics=set(context.article_topics))
    return _sentence_claims(title.text, 0, watchlist, lexicon, lead, heading=True, lead=True)


def _weigh_inferred(claims: list[Claim]) -> list[Claim]:
    """A confirmation read from what a side says plainly gives way to what the same side
    says explicitly against it in the same article (`Putin bestreitet ...`): it is marked
    `contradicted`, and its confidence falls."""
    against = {
        (c.group, c.topic)
        for c in claims
        if "stance-verb" in c.evidence and POLARITY[c.stance] < 1 and not c.past
    }
    for claim in claims:
        if "inferred" in claim.evidence and (claim.group, claim.topic) in against:
            claim.evidence = [m for m in EVIDENCE if m in {*claim.evidence, "contradicted"}]
            claim.confidence = confidence(claim.evidence)
    return claims


def _split(claims: list[Claim], stopped: str | None = None) -> ClaimsRead:
    """The article's positions, and apart from them the stances it recalls as earlier."""
    return ClaimsRead(
        [c for c in claims if not c.past], stopped, past=[c for c in claims if c.past]
    )


def _note_subject(sentence: str, watchlist: Watchlist, recent: Recent) -> None:
    """Before anybody has spoken, a person named as the subject of a sentence without a
    claim is who `er`, `he` or `der 72-Jährige` points to: `Putin trat vor die Presse. Er
    bestritt, …`. Once somebody has spoken, the last speaker stays the one pointed to."""
    if recent.person is not None:
        return
    tokens = tokenize(sentence[:120])
    first = next(iter(watchlist.mentions(tokens[:4])), None)
    if first is not None and first.actor.kind == "person" and not first.possessive:
        recent.person = recent.latest = first.actor


def _sentence_claims(
    sentence: str,
    position: int,
    watchlist: Watchlist,
    lexicon: Lexicon,
    context: _Context,
    heading: bool = False,
    lead: bool = False,
) -> list[Claim]:
    # a heading is telegraphic: what it is about, it names (`Putin bestätigt Zusammenarbeit`),
    # unless it is the title read again on the topics of its lead (`_title_on_lead`)
    context_ids = (
        set()
        if heading and not lead
        else context.article_topics | context.section_topics | context.paragraph_topics
    )
    if not context_ids and not any(t.may_match(sentence) for t in watchlist.topics):
        return []  # most sentences of most pages: nothing watched in them
    tokens = tokenize(sentence, quoted_spans(sentence))
    direct = [t for t in watchlist.topics if t.matches(tokens)]
    inherited = [
        t
        for t in watchlist.topics
        if t not in direct and t.id in context_ids and not t.excluded(tokens)
    ]
    context.paragraph_topics |= {t.id for t in direct + inherited}
    if not direct and not inherited:
        return []
    cues = find_cues(tokens, lexicon)
    # a stance told as earlier gives way to one told now (`Nach tagelangen Dementis räumte
    # X ein`); told alone, it is kept as what the actor said before (`X hatte bestritten`)
    present = [c for c in cues if not c.past]
    past = len(present) < len(cues) and not has_explicit(present)
    if not past:
        cues = present
    stance = main_stance(cues)
    impersonal = _impersonal(tokens, lexicon)
    continued = _continued(tokens, lexicon, context.recent, position)
    if stance is None and not impersonal and continued is None:
        return []
    explicit = has_explicit(cues)
    if continued is not None and stance is None:  # the speaker's reported speech goes on
        stance = "assert"
    compounds = _compounds(lexicon)
    if stance == "assert" and not explicit and any_match(lexicon.blame, tokens, compounds):
        stance = "accuse"  # blame in what is said: `„… respektlos und dumm!“, sagte X`
    # a plain "said" on a topic from the context is weak evidence: it counts only for a
    # known actor, and only when the article gives that actor no explicit stance (below)
    weak = not direct and not explicit
    if not explicit and _conditional(tokens, lexicon, cues):
        return []  # "wäre eine ernsthafte Eskalation": a hypothesis, not a claim
    if any(c.negated for c in cues) and _pluperfect(tokens, lexicon):
        return []  # "bestätigt hatte das Russland bis dahin nicht": the past, not a position
    mentions = watchlist.mentions(tokens)
    voices = _voices(tokens, sentence, mentions, cues, stance, lexicon, context.recent)
    if not voices and continued is not None:
        voices = [(Speaker(continued.actor, continued.text, "continued"), stance or "assert")]
    if not voices and impersonal:
        voices = [(Speaker(REPORTS, impersonal, "unattributed"), stance or "assert")]
    if weak:  # a country or capital is named as a place and a side far more often than as a voice
        voices = [(s, v) for s, v in voices if s.actor.names and s.actor.kind != "state"]
    if not voices:
        return []
    context.recent.note([s for s, _ in voices], position)
    admits = _own_deed(tokens, cues, lexicon)
    quoted = any(t.quoted for t in tokens)
    claims = []
    for topic in direct + inherited:
        numbers = find_numbers(tokens, lexicon, topic.core_positions(tokens))
        for speaker, said in voices:
            verb = explicit and said != "assert"
            if said == "assert" and not explicit:  # `„Wir weisen das zurück“, sagte X`
                own = {
                    k
                    for k, token in enumerate(tokens)
                    if token.quoted and _names(watchlist.actor_at(tokens, k), speaker.actor)
                }
                said = own_words(tokens, lexicon, own) or said
                verb = said != "assert"
            stance_here = _side_stance(said, speaker.actor, topic, admits)
            marks = ["headline"] if heading else []
            marks += ["context-topic"] if topic in inherited else []
            if stance_here == "confirm" and said == "assert":
                marks += ["inferred", "says-not"] if says_not(tokens, lexicon) else ["inferred"]
            evidence = _evidence(speaker, quoted, verb, marks)
            claims.append(
                Claim(
                    actor=speaker.actor.id,
                    actor_text=speaker.text,
                    group=speaker.actor.group,
                    stance=stance_here,
                    topic=topic.id,
                    quote=sentence,
                    numbers=numbers,
                    position=position,
                    weak=weak,
                    past=past,
                    evidence=evidence,
                    confidence=confidence(evidence),
                )
            )
    return claims


def _voices(
    tokens: list[Token],
    sentence: str,
    mentions: list[Mention],
    cues: list[Cue],
    stance: str | None,
    lexicon: Lexicon,
    recent: Recent,
) -> list[tuple[Speaker, str]]:
    """Who says it, with which stance.

    Stance verbs outside quotations each have their own subject (`While Hamas blamed
    Israel, Israel has not claimed responsibility` is two claims); a speaker named by
    several keeps the most specific. Otherwise the main verb's subject speaks, and a
    stance inside a quotation is the speaker's, whom the verb outside names."""
    stated = [c for c in cues if not c.quoted and c.stance != REPORTING]
    if len(stated) > 1:
        sources = cited_sources(tokens, lexicon)  # once for the sentence, not once per cue
        best: dict[str, tuple[Speaker, str]] = {}
        for cue in stated:
            for speaker in resolve(tokens, sentence, mentions, cue, lexicon, recent, sources):
                held = best.get(speaker.actor.id)
                if held is None or PRIORITY.index(cue.stance) < PRIORITY.index(held[1]):
                    best[speaker.actor.id] = (speaker, cue.stance)
        return list(best.values())
    if not cues or stance is None:
        return []
    main = next((c for c in cues if c.stance == stance), None)
    if main is None:  # verbs of saying only: a trailing `…“, sagte X` is the main clause
        main = next((c for c in cues if trailing_attribution(tokens, c)), cues[0])
    anchor = main if not main.quoted else next((c for c in cues if not c.quoted), main)
    # `Whether ... remains to be seen, Rutte said.`: all that comes before an attribution
    # that ends the sentence is the speaker's, stance words included
    anchor = next((c for c in cues if c.start > anchor.start and _closing(tokens, c)), anchor)
    voices = [(s, stance) for s in resolve(tokens, sentence, mentions, anchor, lexicon, recent)]
    return voices + _other_clauses(tokens, mentions, cues, anchor, voices, lexicon)


def _closing(tokens: list[Token], cue: Cue) -> bool:
    """A verb of saying in an attribution that closes the sentence: `…, the Pentagon said.`"""
    rest = tokens[cue.end :]
    return (
        cue.stance == REPORTING
        and trailing_attribution(tokens, cue)
        and len(rest) <= 6
        and not any(t.text in ",;:" for t in rest)
    )


def _other_clauses(
    tokens: list[Token],
    mentions: list[Mention],
    cues: list[Cue],
    anchor: Cue,
    voices: list[tuple[Speaker, str]],
    lexicon: Lexicon,
) -> list[tuple[Speaker, str]]:
    """Verbs of saying in other clauses with their own subject named right there:
    `Though authorities have said ..., activists have claimed ...` is two claims."""
    taken = {s.actor.id for s, _ in voices}
    anchor_part = segment(tokens, anchor)
    more = []
    for cue in cues:
        part = segment(tokens, cue)
        if cue.quoted or cue.start in anchor_part:
            continue
        subject = own_subject(tokens, mentions, cue, part, lexicon)
        if subject is not None and subject.actor.id not in taken:
            taken.add(subject.actor.id)
            said = cue.stance
            if said == REPORTING:
                blamed = any_match(lexicon.blame, tokens[cue.end : part.stop], _compounds(lexicon))
                said = "accuse" if blamed else "assert"
            more.append((Speaker(subject.actor, subject.text), said))
    return more


# How a claim was found, as its `evidence` lists it: one word for who speaks, one for the
# kind of statement, one for the verb, and the marks that weaken it.
EVIDENCE = (
    "named",  # the speaker is named in the sentence
    "source",  # a source marker cites the speaker: `laut`, `according to`, `so X`
    "resolved",  # a pronoun or a description points to an earlier speaker
    "continued",  # the sentence goes on with the words of the sentence before
    "unattributed",  # nobody is named: `it is reported that`
    "quote",  # the sentence quotes the speaker directly
    "reported",  # reported speech: no quotation
    "stance-verb",  # a verb that names the stance: denied, räumte ein, confirmed
    "said",  # a plain verb of saying only
    "inferred",  # the stance is read from what the story's own side says plainly
    "says-not",  # ... and what it says holds a negation or a denial in its own words
    "contradicted",  # ... and the same side says explicitly against it in the article
    "context-topic",  # the topic is the article's or paragraph's, not the sentence's
    "headline",  # a title or subheading: telegraphic, no sentence around it
)
RANK = {"low": 0, "medium": 1, "high": 2}
STRONG_SPEAKERS = frozenset({"named", "source"})
WEAKENING = frozenset({"inferred", "says-not", "contradicted", "context-topic", "headline"})


def confidence(evidence: list[str]) -> str:
    """How far a claim can be trusted, from how it was found: `high` for a statement,
    quoted or reported, of a speaker named or cited, in a body sentence on the topic;
    `low` for nobody named, or a plain "said" on a topic from the context; `medium`
    otherwise (a pronoun resolved, a headline, a topic from the context, a confirmation
    read from plain words rather than a verb that states it)."""
    found = set(evidence)
    if "unattributed" in found or {"said", "context-topic"} <= found:
        return "low"
    if found & STRONG_SPEAKERS and not found & WEAKENING:
        return "high"
    return "medium"


def _evidence(speaker: Speaker, quoted: bool, explicit: bool, marks: list[str]) -> list[str]:
    """The claim's evidence: who speaks, how, with which verb, then the other `marks`."""
    found = [speaker.how, "quote" if quoted else "reported", "stance-verb" if explicit else "said"]
    return found + [m for m in EVIDENCE if m in marks]


REPORTS = Actor(id="reports", group="reports", kind="media", names=[], label="unattributed reports")


def _continued(
    tokens: list[Token], lexicon: Lexicon, recent: Recent, position: int
) -> Speaker | None:
    """The speaker of the sentence before, when this one goes on with their words: a
    quotation standing alone, or German reported speech (`Das sei nicht seine Absicht
    gewesen`), right after a sentence that named who speaks."""
    if recent.last is None or recent.position != position - 1:
        return None
    words = [t for t in tokens if t.text[:1].isalnum()]
    if words and all(t.quoted for t in words):
        return recent.last
    if any(not t.quoted and t.lower in lexicon.subjunctive for t in words):
        return recent.last
    return None


def _impersonal(tokens: list[Token], lexicon: Lexicon) -> str | None:
    for pattern in lexicon.impersonal:
        hits = pattern.find(tokens)
        if hits:
            start, end = hits[0]
            return " ".join(t.text for t in tokens[start:end])
    return None


_HARD_BREAKS = frozenset(".;:!?")
_COMPLEMENTIZERS = frozenset(["dass", "daß", "ob", "that", "whether"])


def _conditional(tokens: list[Token], lexicon: Lexicon, cues: list[Cue]) -> bool:
    """A conditional in the main statement; after a verb of saying or inside a reported
    `dass`/`that` clause it is reported speech (`berichtet, dass ... vorbereitet würden`,
    `has vowed it would never rule out`), not a hypothesis."""
    said = min((c.end for c in cues if not c.quoted), default=len(tokens))
    for i in range(len(tokens)):
        if tokens[i].lower in _COMPLEMENTIZERS or i >= said:
            return False
        if any(p.match_at(tokens, i, WHOLE) is not None for p in lexicon.conditionals):
            return True
    return False


def _pluperfect(tokens: list[Token], lexicon: Lexicon) -> bool:
    return any_match(lexicon.pluperfect, tokens)


def _compounds(lexicon: Lexicon) -> int:
    return HEADS if lexicon.language == "de" else WHOLE  # `Propagandalüge`


def _own_deed(tokens: list[Token], cues: list[Cue], lexicon: Lexicon) -> bool:
    """Whether what is confirmed is the speaker's own deed: `confirmed receiving a
    letter`, `bestätigte, den Brief erhalten zu haben`. That is an admission by anyone."""
    for cue in cues:
        if cue.stance != "confirm" or cue.quoted or cue.end >= len(tokens):
            continue
        following = tokens[cue.end]
        if following.text.isalpha() and following.lower.endswith(lexicon.own_deed_endings):
            return True
        rest = tokens[cue.end : segment(tokens, cue, _HARD_BREAKS).stop]
        if any_match(lexicon.own_deed, rest):
            return True
    return False


def _names(actor: Actor | None, speaker: Actor) -> bool:
    return actor is not None and actor.id == speaker.id


def _side_stance(stance: str, actor: Actor, topic: Topic, admits: bool = False) -> str:
    """`confirm` is for the side the story is about, or anyone's admission of their own
    deed; others who confirm something assert it."""
    own_side = actor.group in topic.about
    if stance == "confirm" and not (own_side or admits):
        return "assert"
    if stance == "assert" and own_side:
        return "confirm"
    return stance


def _dedupe(claims: list[Claim]) -> list[Claim]:
    """One claim per (actor, stance, topic, figures) in an article: the first of those
    with the strongest evidence (a body sentence rather than the headline that sums it up).

    A weak claim (a plain verb of saying, the topic from the context) gives way to any
    explicit claim of the same actor on the topic, and to one of the same side with the
    same polarity. A weak confirmation (the story's own side speaking plainly) gives way
    to any explicit claim of its side: `„wir arbeiten mit unseren Freunden zusammen“,
    sagte Putin` confirms nothing for a side whose Kremlin `dementierte`."""
    explicit = [c for c in claims if not c.weak]
    by_actor = {(c.actor, c.topic) for c in explicit}
    by_side = {(c.group, c.topic) for c in explicit}
    by_side_polarity = {(c.group, c.topic, POLARITY[c.stance]) for c in explicit}

    def yields(claim: Claim) -> bool:
        if (claim.actor, claim.topic) in by_actor:
            return True
        if claim.stance == "confirm":
            return (claim.group, claim.topic) in by_side
        return (claim.group, claim.topic, POLARITY[claim.stance]) in by_side_polarity

    claims = [c for c in claims if not c.weak or not yields(c)]
    best: dict[tuple, Claim] = {}  # the first claim of the strongest evidence, per key
    for claim in claims:
        key = (claim.actor, claim.stance, claim.topic, repr(claim.numbers))
        held = best.get(key)
        if held is None or RANK[claim.confidence] > RANK[held.confidence]:
            best[key] = claim
    kept = {id(c) for c in best.values()}
    return [c for c in claims if id(c) in kept]
