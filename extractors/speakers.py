"""Who says it: the speaker of a sentence from its actor mentions and cues.

In order: the attribution after a quote or comma (`„…“, sagte Putin`, `…, X said`);
otherwise the first actor named in the clause of the cue (`Russland dementierte`),
or the one named right after it (`erklärte der ukrainische Militärgeheimdienst`);
a pronoun or a description (`er`, `der 70-Jährige`, `it`, `the department`) points back
to the last speaker; an outlet cited as a source (`laut BBC`) speaks only when nobody
else does, or when the source marker is the sentence's only verb of saying (`Russischen
Medien zufolge ...`); and a name not in any watch list (`John Kirby`) still counts, as
itself.

A name governed by a preposition (`gegenüber dem RND`, `in Kashmir`) is never the
subject; in English only verbs of saying come before their subject (`said Kirby`),
so the name after `told` or `accused` is whom it is said to or about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.cues import Cue, segment
from extractors.lexicon import Lexicon
from extractors.tokens import Token
from extractors.watchlist import Actor, Mention

_CLOSING_QUOTES = frozenset('“”»›‘’"')
_PART_BREAK = frozenset(",;:()–—")  # what ends a preposition's reach
_HARD_BREAK = frozenset(";:")
_DETERMINERS = frozenset("der die das des dem den ein eine einer eines the a an of von".split())
_COORDINATORS = frozenset(["und", "and", "sowie"])
_UNNAMED_SPAN = 4  # `a police officer`, `a company spokesperson`
_APPOSITION_SPAN = 12  # `sagte der Sprecher des Auswärtigen Amts, Sebastian Fischer,`
_SUBJECT_GAP = 3  # words between a subject and its verb: `have since`
_NAME_SPAN = 6  # words a name with its title may take before the verb: `…, Economy Minister X said`
_NAME_STOP = _DETERMINERS | frozenset(
    """im am auf aus bei mit nach vor zu zum zur und oder aber auch doch noch nur schon so wie
    wenn als dass ob es er sie wir ihr man dies diese dieser dieses jener and or but in on at by
    for from to with as that this these those it he she they we mr mrs ms dr prof herr frau
    präsident president minister andere anderen viele einige alle beide mehrere zwei drei vier
    fünf sechs sieben acht neun zehn whether while when if although though because since
    during after before until once nachdem während weil obwohl bevor seit falls""".split()
)
# role words that may stand before a name without being part of it: "Berater Corey Lewandowski"
_ROLES = frozenset(
    """berater beraterin sprecher sprecherin präsidentin ministerin chef chefin kanzler kanzlerin
    abgeordnete abgeordneter anwalt anwältin richter richterin experte expertin senator
    senatorin gouverneur gouverneurin spokesman spokeswoman adviser advisor lawyer judge
    senator governor expert analyst chief""".split()
)
_NOUN_SUFFIXES = (
    "ung",
    "heit",
    "keit",
    "schaft",
    "tion",
    "ität",
    "ismus",
    "ment",
    "nis",
    "tum",
    "ling",
    "chen",
    "kriege",
    "krieg",
    "soldaten",
    "truppen",
    "ministerium",
    "regierung",
    "armee",
)


@dataclass
class Speaker:
    """Who a claim is by: a known actor, or a name found in the text, and how it was found."""

    actor: Actor
    text: str
    how: str = "named"  # named, source (a marker cites it), resolved (a pronoun or description)


@dataclass
class Recent:
    """The speakers of earlier sentences that a pronoun or a description may point to."""

    person: Actor | None = None  # er, he, she, der 70-Jährige
    group: Actor | None = None  # it, they: a state, a ministry, a party
    latest: Actor | None = None  # sie: she or they, whoever spoke last
    last: Speaker | None = None  # who spoke in the sentence at `position`
    position: int = -1

    def note(self, speakers: list[Speaker], position: int) -> None:
        for speaker in speakers:
            if speaker.actor.kind == "person":
                self.person = speaker.actor
            else:
                self.group = speaker.actor
            self.latest = speaker.actor
        if speakers:
            self.last, self.position = speakers[0], position

    def pointed_to(self, word: str, lexicon: Lexicon) -> Actor | None:
        word = word.lower()
        person, group = word in lexicon.pronouns, word in lexicon.group_pronouns
        if person and group:
            return self.latest
        if group:
            return self.group
        return self.person


@dataclass(frozen=True)
class _Source:
    """A cited source: the marker (`laut`, `zufolge`, `according to`) and the words it cites."""

    marker: range
    cited: range


def cited_sources(tokens: list[Token], lexicon: Lexicon) -> list[_Source]:
    """Where the sentence cites a source: `laut X`, `nach Angaben von X`, `X zufolge`."""
    found = []
    for pattern in lexicon.sources_before:
        for start, end in pattern.find(tokens):
            found.append(_Source(range(start, end), range(end, min(len(tokens), end + 8))))
    for pattern in lexicon.sources_after:
        for start, end in pattern.find(tokens):
            found.append(_Source(range(start, end), range(max(0, start - 8), start)))
    return found


def _cited(mention: Mention, sources: list[_Source]) -> bool:
    return any(mention.start in source.cited for source in sources)


def _attribution_start(tokens: list[Token], cue: Cue) -> int | None:
    """Where a trailing attribution begins: after the quote or comma before the cue."""
    for k in range(cue.start - 1, max(-1, cue.start - _NAME_SPAN - 1), -1):
        text = tokens[k].text
        if text == "," or text in _CLOSING_QUOTES:
            return k + 1
        if not (text[:1].isupper() or text.lower() in _DETERMINERS):
            return None  # only a name may stand between: `…, Kirby said`
    return None


def trailing_attribution(tokens: list[Token], cue: Cue) -> bool:
    """Whether the cue begins an attribution after a quote or comma (`…“, sagte Putin`)."""
    return not cue.quoted and _attribution_start(tokens, cue) is not None


def _coordinated(mentions: list[Mention], first: Mention, tokens: list[Token]) -> list[Mention]:
    """`Moskau und Pjöngjang dementieren`: both speak."""
    chosen = [first]
    current = first
    for other in mentions:
        if other.start == current.end + 1 and tokens[current.end].lower in _COORDINATORS:
            chosen.append(other)
            current = other
    return chosen


def _pick(
    candidates: list[Mention], cue: Cue, tokens: list[Token], lexicon: Lexicon
) -> Mention | None:
    """The subject: the actor named before the verb, else right after it (inversion).

    Within the cue's own part of the sentence first, so in `While Hamas blamed Israel,
    Israel has not claimed responsibility` each verb has its own subject. Only the
    cue's first word anchors it, so `gab der Geheimdienst bekannt` works."""
    part = segment(tokens, cue)
    before = [m for m in candidates if m.end <= cue.start and not m.possessive]
    following = [m for m in candidates if m.start > cue.start and not m.possessive]
    # the name in apposition is more specific than the body in the description before it
    appositive = [m for m in following if _apposition(tokens, cue, m)]
    after = appositive + [m for m in following if m.start - cue.start <= 5 and m not in appositive]
    own = [m for m in before if m.start >= part.start]
    if own:
        return own[0]
    if _pronoun_after(tokens, cue, lexicon):
        return None  # `…, betont sie`, `In einem Podcast nannte sie X`: the pronoun is it
    if unnamed(tokens, cue, lexicon) or _described(tokens, cue, part, lexicon):
        return None  # `…, a police officer told AP`: someone, not a name from elsewhere
    if (
        after
        and after[0].start < part.stop
        and cue.start == part.start
        and inverts(tokens, cue, lexicon)
    ):
        return after[0]  # `..., bestätigte Putin am Freitag`: the verb opens its part
    if before:
        return before[0]
    if after and inverts(tokens, cue, lexicon):
        return after[0]
    return None


def own_subject(
    tokens: list[Token], mentions: list[Mention], cue: Cue, part: range, lexicon: Lexicon
) -> Mention | None:
    """The actor named right before the cue in its own part of the sentence, only
    auxiliaries and adverbs between (`activists have since claimed`), if any."""
    for mention in mentions:
        if not (part.start <= mention.start and mention.end <= cue.start) or mention.possessive:
            continue
        between = tokens[mention.end : cue.start]
        if len(between) > _SUBJECT_GAP or governed(tokens, mention.start, cue, lexicon):
            continue
        if not any(t.lower in lexicon.determiners | lexicon.prepositions for t in between):
            return mention  # not `its claimed territory`
    return None


def _pronoun_after(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """Whether a subject pronoun follows the verb as its subject: German `sagte er`; in
    English only where the verb opens its part (`…,” said he`), since in `X says he saw`
    the pronoun is the reported clause's."""
    if cue.end >= len(tokens) or tokens[cue.end].lower not in lexicon.subject_pronouns:
        return False
    return not lexicon.inversion or segment(tokens, cue).start == cue.start


def _apposition(tokens: list[Token], cue: Cue, mention: Mention) -> bool:
    """A name set off by commas after the description that follows the verb: `kritisiert
    die Landesvorsitzende der Familienunternehmen, Colette Boos-John, den Auftritt`."""
    if mention.start - cue.start > _APPOSITION_SPAN or tokens[mention.start - 1].text != ",":
        return False
    between = [t.text for t in tokens[cue.end : mention.start - 1]]
    closed = mention.end >= len(tokens) or tokens[mention.end].text in ",."
    return closed and bool(between) and not any(t in _PART_BREAK for t in between)


def unnamed(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """Whether the cue's own part opens with a described subject (`a police officer`)."""
    first = segment(tokens, cue).start
    short = cue.start - first <= _UNNAMED_SPAN  # not an apposition: `X, a member of Y, said`
    return first < cue.start and short and tokens[first].lower in lexicon.unnamed_subject


def _described(tokens: list[Token], cue: Cue, part: range, lexicon: Lexicon) -> bool:
    """Whether a word of the cue's own part stands in subject position and is no name:
    `…, prosecutors charged Maxwell`, `but the royal declined` (English: the word right
    before the verb, past auxiliaries and adverbs), `Die Kläger werfen Bayer vor` (German:
    the part opens with an article and its noun right before the verb)."""
    if not lexicon.verb_modifiers:  # German
        first = part.start
        return (
            first + 2 <= cue.start <= first + 3
            and tokens[first].lower in lexicon.determiners
            and all(tokens[k].text[:1].isupper() for k in range(first + 1, cue.start))
        )
    after_comma = part.start > 0 and tokens[part.start - 1].text == ","
    if after_comma and tokens[part.start].lower in lexicon.unnamed_subject:
        return False  # an apposition: `Brian Gianforte, a member of X's community said`
    k = cue.start - 1
    skipped = lexicon.verb_modifiers | lexicon.copulas | lexicon.passive_aux
    while k >= part.start and (tokens[k].lower in skipped or tokens[k].lower.endswith("ly")):
        k -= 1
    if k < part.start:
        return False
    word = tokens[k].text
    if not (word.isalpha() and word.islower()):
        return False
    return word not in lexicon.subject_links and word not in lexicon.subject_pronouns


def inverts(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """Whether the subject may follow the cue: never after a pronoun subject (`Es macht
    die Hamas verantwortlich`); in English only after verbs of saying (`said Kirby`)."""
    if cue.start > 0 and tokens[cue.start - 1].lower in lexicon.subject_pronouns:
        return False
    if cue.end < len(tokens) and tokens[cue.end].lower in lexicon.subject_pronouns:
        return False  # `sagte er`: the pronoun is the subject
    if not lexicon.inversion:
        return True
    return any(p.match_at(tokens, cue.start) is not None for p in lexicon.inversion)


def governed(tokens: list[Token], start: int, cue: Cue, lexicon: Lexicon) -> bool:
    """Whether a preposition governs the name at `start` (`gegenüber dem Redaktionsnetzwerk
    Deutschland`, `in Pakistan-administered Kashmir`): then it is not a subject."""
    for k in range(start - 1, max(-1, start - 6), -1):
        if cue.start <= k < cue.end or tokens[k].text in _PART_BREAK:
            return False
        lower = tokens[k].lower
        if lower in lexicon.prepositions:
            return True
        if not (lower in lexicon.determiners or tokens[k].text[:1].isupper()):
            return False
    return False


def resolve(
    tokens: list[Token],
    sentence: str,
    mentions: list[Mention],
    cue: Cue,
    lexicon: Lexicon,
    recent: Recent,
    sources: list[_Source] | None = None,
) -> list[Speaker]:
    """The speakers of a sentence whose main cue is `cue`; `sources` are the sentence's
    `cited_sources`, found once for all its cues (they are found here when not given)."""
    clause = segment(tokens, cue, _HARD_BREAK)
    local = [m for m in mentions if m.start in clause]
    if sources is None:
        sources = cited_sources(tokens, lexicon)
    # the cue is the source marker itself (`Russischen Medien zufolge entsandte Moskau ...`):
    # the source it cites says it, whoever the sentence is about
    own = [s for s in sources if cue.start in s.marker]
    cited_here = [m for m in local if _cited(m, own)]
    if cited_here:
        return [Speaker(cited_here[0].actor, cited_here[0].text, "source")]
    agent = _agent(tokens, cue, local, lexicon)
    if agent is not None:  # `criticised by NATO`, `rebukes from Kyiv`, `Kritik von Seoul`
        return [Speaker(m.actor, m.text) for m in _coordinated(local, agent, tokens)]
    cited_media = [
        m
        for m in local
        if m.actor.kind == "media" and (_cited(m, sources) or _channel(tokens, m, lexicon))
    ]
    candidates = [
        m for m in local if m not in cited_media and not governed(tokens, m.start, cue, lexicon)
    ]

    attribution = _attribution_start(tokens, cue) if not cue.quoted else None
    if attribution is not None and not _pronoun_after(tokens, cue, lexicon):
        trailing = [m for m in candidates if m.start >= attribution]
        if trailing:
            first = trailing[0]
            return [Speaker(m.actor, m.text) for m in _coordinated(trailing, first, tokens)]

    if cue.quoted:  # no verb of saying: the name outside the quotation speaks
        outside = [m for m in candidates if m.start > cue.start] or candidates[::-1]
        if outside:
            return [Speaker(outside[0].actor, outside[0].text)]
    chosen = _pick(candidates, cue, tokens, lexicon)
    if chosen is not None:
        return [Speaker(m.actor, m.text) for m in _coordinated(candidates, chosen, tokens)]

    body = _body(tokens, cue, lexicon)
    if body is not None and recent.group is not None:
        return [Speaker(recent.group, body, "resolved")]
    pointer = _pointer(tokens, sentence, lexicon, cue)
    if pointer:
        actor = recent.pointed_to(pointer, lexicon)
        return [Speaker(actor, pointer, "resolved")] if actor is not None else []
    # nobody else speaks: the source a marker cites (`ist nach Angaben der Bahn unklar`)
    cited = [m for m in local if _cited(m, sources)]
    if cited:
        return [Speaker(cited[0].actor, cited[0].text, "source")]
    name = unknown_name(tokens, cue, mentions, lexicon)
    if name:
        return [Speaker(name_actor(name), name)]
    return []


def _channel(tokens: list[Token], mention: Mention, lexicon: Lexicon) -> bool:
    """An outlet someone speaks to or through: the listener (`told the Associated Press`,
    `sagte dem Spiegel`), or in parentheses (`KATHMANDU (Reuters) -`). `berichtet die Kyiv
    Post` is the outlet speaking."""
    k = mention.start - 1
    while k >= 0 and tokens[k].lower in lexicon.determiners:
        if tokens[k].lower in lexicon.listener_markers:
            return True
        k -= 1
    if k >= 0 and tokens[k].lower in lexicon.listener_markers:
        return True
    before = tokens[mention.start - 1].text if mention.start else ""
    after = tokens[mention.end].text if mention.end < len(tokens) else ""
    return before == "(" and after == ")"


def _agent(
    tokens: list[Token], cue: Cue, mentions: list[Mention], lexicon: Lexicon
) -> Mention | None:
    """Who takes the stance, named after `by`, `from` or `von` right after the cue
    (`criticised by NATO`, `drew rebukes from Kyiv`, `Kritik von Seoul`), or, in a German
    passive, between the auxiliary and the participle (`wurde von der Nato kritisiert`)."""
    if cue.quoted or cue.stance == "reporting":
        return None
    markers = [k for k in (cue.end - 1, cue.end) if k < len(tokens)]
    if lexicon.language == "de":
        part = segment(tokens, cue)
        aux = [k for k in part if k < cue.start and tokens[k].lower in lexicon.passive_aux]
        if aux:
            markers += range(aux[0] + 1, cue.start)
    for k in markers:
        if tokens[k].lower not in lexicon.agent_markers:
            continue
        for mention in mentions:
            between = tokens[k + 1 : mention.start]
            # only an article, adjectives or a title between: `from Prime Minister X`
            near = mention.start > k and len(between) <= 3 and not mention.possessive
            if near and all(t.text.isalpha() for t in between):
                return mention
    return None


def _body(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> str | None:
    """A body described, not named, as the subject: `The department declined`, `…, a
    company spokesperson said`, `Ein Sprecher des Ministeriums sagte`."""
    first = segment(tokens, cue).start
    if not (first < cue.start <= first + _UNNAMED_SPAN + 1):
        return None
    if tokens[first].lower not in lexicon.determiners:
        return None
    for k in range(first, cue.start):
        if any(p.match_at(tokens, k) == k + 1 for p in lexicon.body_nouns):
            return " ".join(t.text for t in tokens[first : cue.start])
    return None


def _pointer(tokens: list[Token], sentence: str, lexicon: Lexicon, cue: Cue) -> str | None:
    """A pronoun or description next to the cue that points back: `sagte er`, `he said`,
    `Der 70-Jährige meinte`, `It said`."""
    # in English a pronoun after the verb is its subject only where the verb opens its
    # part (`…,” said he`); `Abdul Sammad says he heard` is about the reported clause
    opens = segment(tokens, cue).start == cue.start
    after = cue.end + 3 if opens or not lexicon.inversion else cue.end
    near = range(max(0, cue.start - 4), min(len(tokens), after))
    if _pronoun_after(tokens, cue, lexicon) and tokens[cue.end].lower in lexicon.pronouns:
        return tokens[cue.end].text  # `sagte er`: the pronoun right after the verb first
    for pattern in lexicon.person_descriptions:
        for match in pattern.finditer(sentence):
            if any(tokens[k].start <= match.start() < tokens[k].end for k in near):
                return match.group(0)
    for k in near:
        if not tokens[k].quoted and tokens[k].lower in lexicon.pronouns:
            return tokens[k].text
    for k in range(max(0, cue.start - 2), min(len(tokens), cue.end + 1)):
        if not tokens[k].quoted and tokens[k].lower in lexicon.group_pronouns:
            if k + 1 < len(tokens) and tokens[k + 1].lower in lexicon.copulas:
                continue  # `It is unclear whether ...`: nobody, not the last speaker
            return tokens[k].text  # `it said`, `it has denied`: right at the verb only
    return None


def unknown_name(
    tokens: list[Token], cue: Cue, known: list[Mention], lexicon: Lexicon
) -> str | None:
    """A proper name (two or more capitalised words, or an acronym) near the cue, in
    the cue's clause, in subject position."""
    taken = {k for m in known for k in range(m.start, m.end)}
    runs: list[list[int]] = []  # token indices of capitalised words in a row
    run: list[int] = []
    for index, token in enumerate(tokens):
        if index not in taken and _name_like(token, index, lexicon):
            run.append(index)
            continue
        if run:
            runs.append(run)
        run = []
    if run:
        runs.append(run)
    runs = [r[1:] if len(r) > 2 and tokens[r[0]].lower in _ROLES else r for r in runs]
    clause = segment(tokens, cue, _HARD_BREAK)
    names = [
        r
        for r in runs
        if (len(r) >= 2 or _acronym(tokens[r[0]].text))
        and r[0] in clause
        and not governed(tokens, r[0], cue, lexicon)
        and not _attributive(tokens, r, cue, lexicon)
    ]
    before = [r for r in names if r[-1] < cue.start]
    own = [r for r in before if r[0] >= segment(tokens, cue).start]
    if own or unnamed(tokens, cue, lexicon):
        before = own  # the cue's own part first: `In X, the city of Y, resident Z says`
    after = [r for r in names if 0 < r[0] - cue.start <= 5]
    chosen = before[0] if before else None
    if chosen is None and after and inverts(tokens, cue, lexicon):
        chosen = after[0]
    return " ".join(tokens[k].text for k in chosen) if chosen else None


_DEMONYM = re.compile(r"^[A-Z]\w*(an|ese|ish|ch)$")


def _attributive(tokens: list[Token], run: list[int], cue: Cue, lexicon: Lexicon) -> bool:
    """An English adjective of nationality before its noun (`North Korean troops`), not a
    name: a word like `Korean` followed by a lowercase word that is neither the verb nor
    one of its adverbs."""
    following = run[-1] + 1
    if lexicon.language != "en" or following >= len(tokens) or following == cue.start:
        return False
    word = tokens[following]
    return (
        bool(_DEMONYM.match(tokens[run[-1]].text))
        and word.text.isalpha()
        and word.text.islower()
        and word.lower not in lexicon.verb_modifiers
    )


def _acronym(text: str) -> bool:
    return 2 <= len(text) <= 6 and text.isupper() and text.isalpha()


def _name_like(token: Token, index: int, lexicon: Lexicon) -> bool:
    text = token.text
    if token.quoted or not text[:1].isupper() or not re.match(r"^[\w'’-]+$", text):
        return False
    if token.lower in _NAME_STOP:
        return False
    # German capitalises every noun: one with a noun ending is no name (`Regierung`), while
    # in English it is part of one (`the Commerce Department`)
    if lexicon.language == "de" and token.lower.endswith(_NOUN_SUFFIXES):
        return False
    return not (index == 0 and token.lower in _DETERMINERS)


def name_actor(name: str) -> Actor:
    """An actor for a speaker no watch list names: its id and side are its name."""
    return Actor(id=name, group=name, kind="person", names=[], label=name)
