"""Stance cues in a sentence: which stance words occur, negated or not, inside quotes or not."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from extractors.lexicon import NOT_A_CUE, REPORTING, Lexicon
from extractors.sentences import QUOTE_MARKS
from extractors.tokens import WHOLE, Pattern, Token, any_match

# Which way a stance goes: for it (1), against it (-1), neither (0).
POLARITY = {"assert": 1, "confirm": 1, "accuse": 1, "deny": -1, "evade": 0, "doubt": 0}
# What a negated cue turns into: "nicht abgestritten" is evasion, "no evidence" is doubt.
NEGATED = {"deny": "evade", "confirm": "evade", "assert": "doubt", "evade": "evade"}
# When several cues meet in one sentence, the more specific stance wins.
PRIORITY = ("evade", "deny", "confirm", "accuse", "doubt", "assert")
_CLAUSE_END = frozenset(",;:.!?")


@dataclass(frozen=True)
class Cue:
    """A stance cue found in a sentence, tokens [start, end)."""

    stance: str  # one of the six stances, or "reporting" for a plain verb of saying
    start: int
    end: int
    quoted: bool
    text: str
    negated: bool = False
    past: bool = False  # recalled as earlier: `had denied`, `bestritt zunächst`


def _negation_at(tokens: list[Token], k: int, lexicon: Lexicon) -> bool:
    token = tokens[k]
    if token.lower.endswith(("n't", "n’t")):
        return True
    return any(p.match_at(tokens, k, WHOLE) == k + 1 for p in lexicon.negations)


def _negated(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    for k in range(max(0, cue.start - 3), cue.start):
        if tokens[k].text in _CLAUSE_END:
            continue
        if _negation_at(tokens, k, lexicon):
            return True
    if lexicon.language == "de":  # verb second: "Russland bestätigte das nicht."
        for k in range(cue.end, len(tokens)):
            if tokens[k].text in _CLAUSE_END or tokens[k].quoted != cue.quoted:
                break
            if _negation_at(tokens, k, lexicon):
                return True
    return False


PASSIVE_STANCES = frozenset(["accuse", "deny", "confirm"])


def segment(tokens: list[Token], cue: Cue, breaks: frozenset[str] = _CLAUSE_END) -> range:
    """The tokens around the cue up to the nearest break (by default a comma or a clause end)."""
    start = cue.start
    while start > 0 and tokens[start - 1].text not in breaks:
        start -= 1
    end = cue.end
    while end < len(tokens) and tokens[end].text not in breaks:
        end += 1
    return range(start, end)


def _attributive(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """An inflected participle right after an article: `the disputed region`."""
    if cue.start == 0 or tokens[cue.start - 1].lower not in lexicon.determiners:
        return False
    return tokens[cue.start].lower.endswith(lexicon.adjective_endings)


def _noun(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """A cue word read as a noun after a preposition or a possessive: `with reports
    indicating`, `Moore's claims`. After an article it may be the voice: `a report found`."""
    if cue.end - cue.start != 1 or tokens[cue.start].lower not in lexicon.noun_forms:
        return False
    if cue.start == 0:
        return False
    before = tokens[cue.start - 1].lower
    return before in lexicon.noun_before or before.endswith(("'s", "’s", "s'", "s’"))


def _infinitive(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """A German verb cue in the infinitive with `zu` (`forderte X auf, Y zu verurteilen`): the
    plural forms of the lexicon are infinitives too, and what is asked for is not said.
    `um ... zu kritisieren` is what they did, so it stays."""
    if lexicon.language != "de" or cue.quoted or cue.start == 0:
        return False
    if tokens[cue.start - 1].lower != "zu" or not tokens[cue.start].lower.endswith("en"):
        return False
    return not any(tokens[k].lower == "um" for k in segment(tokens, cue))


def _agentless_passive(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """A passive stance verb without a `von X`/`by X`: its subject is the target.

    Only participles are passive: `the reports are baseless` is a denial."""
    if cue.quoted or not tokens[cue.start].lower.endswith(lexicon.participle_endings):
        return False
    part = segment(tokens, cue)
    verb_end = cue.start + 1  # `accused of`; in `dismissed reports of X` the `of` is not the verb's
    after = verb_end < len(tokens) and tokens[verb_end].lower in lexicon.passive_after
    auxiliary = any(
        tokens[k].lower in lexicon.passive_aux
        for k in part
        if (lexicon.language == "de" or cue.start - 3 <= k < cue.start)
    )
    if not (after or auxiliary):
        return False
    if lexicon.language == "en" and any(
        tokens[k].lower in lexicon.perfect or tokens[k].lower == "had"
        for k in range(max(0, cue.start - 2), cue.start)
    ):
        return False  # `has denied for months`: the perfect is active
    # German names the agent anywhere inside the verbal bracket: `wurde von der Nato ... kritisiert`
    reach = part.start if lexicon.language == "de" else cue.start - 4
    return not any(tokens[k].lower in lexicon.passive_agent for k in part if k >= reach)


def _passive_saying(tokens: list[Token], cue: Cue, lexicon: Lexicon) -> bool:
    """A verb of saying in the passive, its auxiliary right next to it and no agent:
    `die „Sieben Söhne“ genannt werden`, `he was told`. What is said has no speaker here."""
    if cue.quoted or cue.end - cue.start != 1:
        return False
    near = range(max(0, cue.start - 2), min(len(tokens), cue.end + 1))
    if not any(tokens[k].lower in lexicon.passive_aux for k in near if k != cue.start):
        return False
    after = range(cue.end, min(len(tokens), cue.end + 3))
    return not any(tokens[k].lower in lexicon.passive_agent for k in after)


def find_cues(tokens: list[Token], lexicon: Lexicon) -> list[Cue]:
    """Cues outside quotes (stance and reporting verbs) and expressive cues inside quotes."""
    raw = [
        Cue(stance, start, end, quoted, " ".join(t.text for t in tokens[start:end]))
        for (stance, quoted), start, end in lexicon.cues.find(tokens)
        if tokens[start].quoted == quoted or (quoted and _whole_short_quote(tokens, start, end))
    ]
    # longer cues swallow shorter ones inside them ("nicht abgestritten" over "abgestritten"),
    # and a phrase of another sense swallows the cue word in it ("belegte Platz zwei")
    raw.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept = _Disjoint()
    for cue in raw:
        kept.add(cue)
    result = []
    for cue in kept.cues:
        if cue.stance == NOT_A_CUE:
            continue
        if _noun(tokens, cue, lexicon):
            continue  # `with reports indicating`: a thing, nobody saying it
        if _infinitive(tokens, cue, lexicon):
            continue  # `rief den Rat auf, X zu verurteilen`: what is asked for, not said
        if cue.stance in PASSIVE_STANCES and _attributive(tokens, cue, lexicon):
            continue  # `the disputed region`, `die bestätigten Fälle`: an adjective, no verb
        if cue.stance in PASSIVE_STANCES and _agentless_passive(tokens, cue, lexicon):
            continue  # `X wurde vorgeworfen`, `X accused of`: X is the target, nobody speaks
        if cue.stance == REPORTING and _passive_saying(tokens, cue, lexicon):
            continue  # `die „Sieben Söhne“ genannt werden`: what things are called, by nobody
        if cue.stance != "evade" and not cue.quoted and _negated(tokens, cue, lexicon):
            turned = NEGATED.get(cue.stance)
            if not turned:
                continue
            cue = Cue(turned, cue.start, cue.end, cue.quoted, cue.text, negated=True)
        result.append(cue)
    recalled = [
        Cue(c.stance, c.start, c.end, c.quoted, c.text, c.negated, past=True)
        if c.stance in REVERSIBLE and not c.quoted and _recalled(tokens, c, result, lexicon)
        else c
        for c in result
    ]
    timed: dict[int, Cue] = {}  # by start, each after the cue before it
    before: Cue | None = None
    for cue in sorted(recalled, key=lambda c: c.start):
        before = timed[cue.start] = _coordinated_past(tokens, cue, before, lexicon)
    return [timed[c.start] for c in recalled]


def _coordinated_past(tokens: list[Token], cue: Cue, earlier: Cue | None, lexicon: Lexicon) -> Cue:
    """A verb joined by `and` to the stance before it, told as earlier by its time (`for
    years`, `initially`), shares that time: in `X denied it for years, and attacked his
    critics` the attacks are earlier too. A past perfect alone is background that may still
    hold (`hatten widersprochen und Zweifel geäußert`): it is not passed on."""
    if earlier is None or not earlier.past or cue.past or cue.quoted or cue.stance == REPORTING:
        return cue
    between = tokens[earlier.end : cue.start]
    if earlier.end > cue.start or any(t.text in ".;:!?" for t in between):
        return cue
    if any_match(lexicon.pluperfect, [tokens[k] for k in segment(tokens, earlier)]):
        return cue
    if not any(t.lower in lexicon.coordinators for t in between):
        return cue
    return Cue(cue.stance, cue.start, cue.end, cue.quoted, cue.text, cue.negated, past=True)


REVERSIBLE = frozenset(["deny", "confirm", "evade"])  # positions that a later one reverses


def _recalled(tokens: list[Token], cue: Cue, cues: list[Cue], lexicon: Lexicon) -> bool:
    """Whether a denial, confirmation or evasion is told as an earlier one: in the past
    perfect (`had denied`, `bestätigt hatten das bisher weder X noch Y`), marked as earlier
    (`initially denied`, `bestritt zunächst`; not for an evasion: `wollte das zunächst nicht
    bestätigen` is still so), lasting until some time ago (`denied it for years`, but
    `has denied it for years` goes on), or what came before (`nach tagelangen Dementis`).
    A marker belongs to the cue nearest to it: in `Nach tagelangen Dementis räumte X ein`
    only the denial is earlier."""
    part = segment(tokens, cue)

    def own(k: int) -> bool:
        distance = min(abs(k - cue.start), abs(k - (cue.end - 1)))
        return all(
            min(abs(k - c.start), abs(k - (c.end - 1))) >= distance for c in cues if c != cue
        )

    def marked(patterns: list[Pattern], where: range) -> bool:
        return any(own(k) and any(p.match_at(tokens, k, WHOLE) for p in patterns) for k in where)

    # German puts the auxiliary anywhere in the clause, English right before the verb
    before = part if lexicon.language == "de" else range(max(part.start, cue.start - 3), cue.start)
    if marked(lexicon.pluperfect, before):
        return True
    if cue.stance == "evade":
        return False
    if marked(lexicon.recalled, part):
        return True
    perfect = any(tokens[k].lower in lexicon.perfect for k in part)
    if not perfect and marked(lexicon.durations, part):
        return True
    for k in range(max(part.start, cue.start - 4), cue.start):
        between = tokens[k + 1 : cue.start]
        if tokens[k].lower in lexicon.after and all(t.text.islower() for t in between):
            return True
    return False


class _Disjoint:
    """Cues that do not overlap, in text order; one that overlaps a kept cue is not added.

    Kept cues are disjoint, so sorted by start they are sorted by end too: the only one a
    new cue can overlap is the last kept cue that starts before the new one ends."""

    def __init__(self) -> None:
        self.cues: list[Cue] = []
        self._starts: list[int] = []

    def add(self, cue: Cue) -> None:
        n = bisect_left(self._starts, cue.end)
        if n > 0 and self.cues[n - 1].end > cue.start:
            return
        self.cues.insert(n, cue)
        self._starts.insert(n, cue.start)


def _whole_short_quote(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the words are all of a short quote: `nannte die Berichte „Fake News“`,
    `„Quatsch“, sagte er`. A short quote is the writer's sentence going on (a scare quote),
    but one that is nothing but an expressive word is the speaker's own."""
    return (
        start > 0
        and end < len(tokens)
        and tokens[start - 1].text in QUOTE_MARKS
        and tokens[end].text in QUOTE_MARKS
    )


def main_stance(cues: list[Cue]) -> str | None:
    """The sentence's stance: the most specific cue, else a plain verb of saying (assert).

    The writer's own stance verb outside a quotation outranks the words inside it:
    `räumte ein: „Wir haben nicht genug getan“` is an admission, not a denial."""
    outside = {c.stance for c in cues if not c.quoted and c.stance != REPORTING}
    stances = outside or {c.stance for c in cues}
    for stance in PRIORITY:
        if stance in stances:
            return stance
    return "assert" if REPORTING in stances else None


AGAINST = frozenset(["deny", "evade", "doubt"])


def says_not(tokens: list[Token], lexicon: Lexicon) -> bool:
    """Whether a sentence says that something is not so: a negation in it, or a stance
    verb against it inside a quotation (`„Wir weisen das zurück“, sagte X`). For a
    sentence with a plain verb of saying only, where the negation is in what is said."""
    if any(_negation_at(tokens, k, lexicon) for k in range(len(tokens))):
        return True
    return any(
        stance in AGAINST and not quoted and tokens[start].quoted
        for (stance, quoted), start, _end in lexicon.cues.find(tokens)
    )


def own_words(tokens: list[Token], lexicon: Lexicon, own: set[int]) -> str | None:
    """The stance a speaker takes in its own quoted words about itself, where the verb
    outside only says that it speaks: `„Wir weisen das zurück“, sagte X` denies.
    The subject right before the quoted stance verb is `ich`/`we` or one of the `own`
    token positions (where the speaker itself is named); a negated verb turns as usual."""
    for (stance, quoted), start, end in lexicon.cues.find(tokens):
        if quoted or not tokens[start].quoted or stance not in ("deny", "confirm"):
            continue
        before = [k for k in range(max(0, start - 3), start) if tokens[k].quoted]
        if not any(tokens[k].lower in lexicon.first_person or k in own for k in before):
            continue
        around = [*before, *range(start, _quote_end(tokens, end))]
        negated = any(_negation_at(tokens, k, lexicon) for k in around)
        return NEGATED[stance] if negated else stance
    return None


def _quote_end(tokens: list[Token], k: int) -> int:
    while k < len(tokens) and tokens[k].quoted and tokens[k].text not in _CLAUSE_END:
        k += 1
    return k


def has_explicit(cues: list[Cue]) -> bool:
    """Whether any cue names a stance, beyond a plain verb of saying."""
    return any(c.stance != REPORTING for c in cues)
