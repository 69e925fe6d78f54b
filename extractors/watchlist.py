"""Topics and actors: what the user watches, read from YAML into matchers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache
from pathlib import Path

from claimwatch.yamlfile import read_yaml
from extractors.errors import WatchlistError
from extractors.tokens import HEADS, PARTS, WHOLE, Pattern, Token, any_match, stem, tokenize

ACTOR_KINDS = ("person", "state", "body", "media", "group")
GAZETTEER_DIR = Path(__file__).resolve().parent / "gazetteer"


@dataclass
class Topic:
    """A watched story: a sentence is on it when it has a term of every `match` group."""

    id: str
    title: str
    about: frozenset[str]
    match: list[list[Pattern]]
    exclude: list[Pattern]

    def __post_init__(self) -> None:
        self._quick = [_first_words(group) for group in self.match]

    def may_match(self, text: str) -> bool:
        """A cheap test on raw text: some term of every group could start in it."""
        lower = text.lower()
        return all(quick.search(lower) for quick in self._quick)

    def matches(self, tokens: list[Token]) -> bool:
        if not self.may_match(" ".join(t.lower for t in tokens)):
            return False
        return all(any_match(group, tokens, PARTS) for group in self.match)

    def excluded(self, tokens: list[Token]) -> bool:
        return any_match(self.exclude, tokens, HEADS)

    def core_positions(self, tokens: list[Token]) -> set[int]:
        """The positions of the tokens that name the story's core entity (`North Korean`)."""
        return {
            k
            for pattern in self.match[0]
            for start, end in pattern.find(tokens, PARTS)
            for k in range(start, end)
        }


@dataclass
class Actor:
    """Someone whose statements count, with the side they speak for."""

    id: str
    group: str
    kind: str
    names: list[Pattern]
    label: str = ""


@dataclass
class Mention:
    """An actor named in a sentence, tokens [start, end)."""

    actor: Actor
    start: int
    end: int
    text: str
    possessive: bool = False


@dataclass
class Watchlist:
    """Topics and actors together, with an index for fast name look-up."""

    topics: list[Topic]
    actors: list[Actor]
    _index: dict[str, list[tuple[Pattern, Actor]]] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Actor] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for actor in reversed(self.actors):  # the first of an id wins, as a scan would find it
            self._by_id[actor.id] = actor
        for actor in self.actors:
            for pattern in actor.names:
                self._index.setdefault(_key(pattern), []).append((pattern, actor))

    def actor(self, actor_id: str) -> Actor | None:
        return self._by_id.get(actor_id)

    def display_name(self, identifier: str) -> str:
        """How alerts name an actor or a side: the actor's own name that spells its id
        (`ISW` for isw, `Kyiv Post` for kyiv-post, `EU` for eu), else the id in title
        case (`south-korea` -> `South Korea`); a side is named as the actor of its id."""
        actor = self.actor(identifier)
        if actor is not None:
            wanted = _spelled(identifier)
            for pattern in actor.names:
                if _spelled(pattern.source) == wanted:
                    return pattern.source
        return title_case(identifier)

    def actor_at(self, tokens: list[Token], i: int) -> Actor | None:
        """The actor named at token `i`, inside a quotation or not."""
        best = self._longest_at(tokens, i)
        return best[1] if best is not None else None

    def mentions(self, tokens: list[Token]) -> list[Mention]:
        """Actors named outside quotations, longest match first, no overlaps."""
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            best = None if token.quoted else self._longest_at(tokens, i)
            if best is None:
                following = tokens[i + 1] if i + 1 < len(tokens) else None
                compound = None if token.quoted else self._compound(token, following)
                if compound is not None:
                    found.append(Mention(compound, i, i + 1, token.text))
                i += 1
                continue
            end, actor = best
            text = " ".join(t.text for t in tokens[i:end])
            last = tokens[end - 1].lower
            possessive = last.endswith(("s", "'s", "’s")) and not any(
                p.match_at(tokens[i:end], 0, WHOLE) == end - i and p.source.lower().endswith("s")
                for p in actor.names
            )
            found.append(Mention(actor, i, end, text, possessive))
            i = end
        return found

    def _compound(self, token: Token, following: Token | None) -> Actor | None:
        """The actor whose spokesperson or head a compound names (`ein Nato-Sprecher`);
        not when a name follows, which makes the compound a title (`Kreml-Sprecher Peskow`)."""
        if following is not None and following.text[:1].isupper():
            return None
        named, _, head = token.text.rpartition("-")
        if not named:  # closed: `eine Bahnsprecherin`, `der Regierungssprecher`
            head = next((h for h in _ROLE_HEADS if token.lower.endswith(h)), "")
            named = token.text[: len(token.text) - len(head)]
            if len(named) < 3 or not named[0].isupper():
                return None
        if head.lower() not in _ROLE_HEADS:
            return None
        for name in (named, named.removesuffix("s")):  # the linking s: `Regierungs|sprecher`
            words = tokenize(name)
            best = self._longest_at(words, 0) if words else None
            if best is not None and best[0] == len(words):  # the name is all of it
                return best[1]
        return None

    def _longest_at(self, tokens: list[Token], i: int) -> tuple[int, Actor] | None:
        """The longest actor's name that starts at token i: where it ends, and whose."""
        token = tokens[i]
        best: tuple[int, Actor] | None = None
        for key in {token.stem, token.lower[:4], token.text}:
            for pattern, actor in self._index.get(key, ()):
                end = pattern.match_at(tokens, i, WHOLE)
                if end is not None and (best is None or end > best[0]):
                    best = (end, actor)
        return best


# the heads of compounds that name someone speaking for an actor: `Nato-Sprecher`, `EU-Chefin`
_ROLE_HEADS = frozenset(
    "sprecher sprecherin sprecherinnen chef chefin spokesman spokeswoman spokesperson".split()
)


def title_case(identifier: str) -> str:
    """`russia` -> `Russia`, `united-states` -> `United States`; names stay as they are."""
    if identifier != identifier.lower():
        return identifier
    return " ".join(part.capitalize() for part in identifier.split("-"))


def _spelled(text: str) -> str:
    return " ".join(re.sub(r"[-_.]", " ", text.lower()).split())


def _key(pattern: Pattern) -> str:
    word = pattern.first
    if word.exact_case:
        return word.text
    if word.wildcard:
        return word.text[:4]
    return stem(word.text)


def _first_words(patterns: list[Pattern]) -> re.Pattern[str]:
    """A regex that finds where any of the patterns could start (a superset of matches)."""
    heads = sorted({stem(p.first.text).lower()[:5] for p in patterns})
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(h) for h in heads) + ")")


TOPIC_KEYS = ("id", "title", "about", "match", "exclude")
ACTOR_KEYS = ("id", "group", "kind", "names", "label", "note")


def _load_yaml(path: Path, key: str) -> list:
    """The list under `key` of a watch-list file."""
    data = read_yaml(path, WatchlistError)
    if not isinstance(data, dict):
        raise WatchlistError(f"{path}: expected a mapping with a `{key}:` list at the top")
    unknown = sorted(set(map(str, data)) - {key})
    if unknown:
        raise WatchlistError(f"{path}: unknown key {unknown[0]!r} (the file has one key, `{key}`)")
    entries = data.get(key)
    if not isinstance(entries, list):
        raise WatchlistError(f"{path}: `{key}` must be a list")
    return entries


def _entry(item: object, where: str) -> tuple[str, dict]:
    """An entry's id and mapping."""
    if not isinstance(item, dict):
        raise WatchlistError(f"{where}: expected a mapping with an `id`")
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise WatchlistError(f"{where}: needs an `id` (a non-empty string)")
    return entry_id, item


def _known_keys(entry: dict, keys: tuple[str, ...], where: str) -> None:
    """An unknown key is an error naming the nearest known one (`mtch`: `match`)."""
    unknown = sorted(set(map(str, entry)) - set(keys))
    if unknown:
        hint = get_close_matches(unknown[0], keys, n=1)
        maybe = f"did you mean {hint[0]!r}? " if hint else ""
        raise WatchlistError(
            f"{where}: unknown key {unknown[0]!r} ({maybe}known: {', '.join(keys)})"
        )


def _term(value: object, where: str) -> Pattern:
    """One word or phrase; it must have a letter or digit, and no word may be a bare `*`."""
    if not isinstance(value, str):
        raise WatchlistError(f"{where}: a word or phrase (a string) is required, got {value!r}")
    if not any(c.isalnum() for c in value):
        raise WatchlistError(f"{where}: {value!r} has no letter or digit")
    if any(not word.strip("*") for word in value.replace("...", " ").split()):
        raise WatchlistError(f"{where}: {value!r} has a bare `*` (write `word*`)")
    return Pattern(value)


def _terms(value: object, where: str) -> list[Pattern]:
    """A non-empty list of words or phrases."""
    if not isinstance(value, list):
        raise WatchlistError(f"{where}: a list of words or phrases is required, got {value!r}")
    if not value:
        raise WatchlistError(f"{where}: an empty list (it would never match)")
    return [_term(v, f"{where}[{k}]") for k, v in enumerate(value)]


def _sides(value: object, where: str) -> frozenset[str]:
    """`about`: a side id or a list of them."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise WatchlistError(f"{where}: a side id or a list of side ids is required, got {value!r}")
    return frozenset(v.strip() for v in items)


def _text(value: object, default: str, where: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise WatchlistError(f"{where}: a string is required, got {value!r}")
    return str(value)


def _topic(item: object, n: int, path: Path) -> Topic:
    topic_id, entry = _entry(item, f"{path}: topics[{n}]")
    where = f"{path}: topic {topic_id!r}"
    _known_keys(entry, TOPIC_KEYS, where)
    match = entry.get("match")
    if not isinstance(match, list) or not match:
        raise WatchlistError(f"{where}: match: a list of term lists is required, got {match!r}")
    return Topic(
        id=topic_id,
        title=_text(entry.get("title"), topic_id, f"{where}: title"),
        about=_sides(entry.get("about") or [], f"{where}: about"),
        match=[_terms(group, f"{where}: match[{k}]") for k, group in enumerate(match)],
        exclude=_terms(entry["exclude"], f"{where}: exclude") if entry.get("exclude") else [],
    )


def load_topics(path: Path) -> list[Topic]:
    """Topics from a `topics:` file; a mistake is one error naming file, topic and key."""
    entries = _load_yaml(path, "topics")
    if not entries:
        raise WatchlistError(f"{path}: `topics` is empty (nothing to watch)")
    topics: list[Topic] = []
    for n, item in enumerate(entries):
        topic = _topic(item, n, path)
        if any(t.id == topic.id for t in topics):
            raise WatchlistError(f"{path}: topic {topic.id!r}: defined twice")
        topics.append(topic)
    return topics


def _actor(item: object, n: int, path: Path) -> Actor:
    actor_id, entry = _entry(item, f"{path}: actors[{n}]")
    where = f"{path}: actor {actor_id!r}"
    _known_keys(entry, ACTOR_KEYS, where)
    kind = entry.get("kind", "person")
    if kind not in ACTOR_KINDS:
        raise WatchlistError(f"{where}: kind: one of {', '.join(ACTOR_KINDS)}, got {kind!r}")
    names = _terms(entry.get("names"), f"{where}: names")
    group = _text(entry.get("group"), actor_id, f"{where}: group").strip()
    if not group:
        raise WatchlistError(f"{where}: group: an empty side id")
    return Actor(
        id=actor_id,
        group=group,
        kind=kind,
        names=names,
        label=_text(entry.get("label"), names[0].source, f"{where}: label"),
    )


def load_actors(path: Path) -> list[Actor]:
    """Actors from an `actors:` file; a mistake is one error naming file, actor and key."""
    actors: list[Actor] = []
    for n, item in enumerate(_load_yaml(path, "actors")):
        actor = _actor(item, n, path)
        if any(a.id == actor.id for a in actors):
            raise WatchlistError(f"{path}: actor {actor.id!r}: defined twice")
        actors.append(actor)
    return actors


def check_sides(topics: list[Topic], actors: list[Actor], topics_file: Path) -> None:
    """Every side a topic is `about` is the group of some actor: a typo would make the
    story's own side `assert` forever. The error names the nearest known sides."""
    known = sorted({actor.group for actor in actors})
    for topic in topics:
        for side in sorted(topic.about - set(known)):
            nearest = get_close_matches(side, known, n=3)
            hint = f"nearest: {', '.join(nearest)}" if nearest else "no side of a similar name"
            raise WatchlistError(
                f"{topics_file}: topic {topic.id!r}: about: unknown side {side!r} ({hint}; "
                "sides are the groups of actors.yaml and the gazetteer)"
            )


def load_gazetteer() -> list[Actor]:
    """The packaged state actors, every file of `extractors/gazetteer/`."""
    return list(_gazetteer())


@cache
def _gazetteer() -> tuple[Actor, ...]:
    # packaged data, read once per process: ~460 actors take a second to parse
    return tuple(a for path in sorted(GAZETTEER_DIR.glob("*.yaml")) for a in load_actors(path))


def load_watchlist_actors(actors_file: Path) -> Watchlist:
    """The user's actors and the gazetteer's, with no topics."""
    return Watchlist(topics=[], actors=_with_gazetteer(load_actors(actors_file)))


def _with_gazetteer(actors: list[Actor]) -> list[Actor]:
    """The actors given, then the gazetteer's that they do not already name."""
    own_ids = {a.id for a in actors}
    return actors + [a for a in load_gazetteer() if a.id not in own_ids]


def load_watchlist(
    topics_file: Path, actors_file: Path, gazetteer: bool = True, known_sides: bool = True
) -> Watchlist:
    """The user's topics and actors; the gazetteer fills in actors the user did not list.

    With `known_sides` (the default), a topic `about` a side no actor speaks for is an
    error; the labelled development set turns it off, since its labels name the sides a
    story is about even when no listed actor speaks for them."""
    actors = load_actors(actors_file)
    if gazetteer:
        actors = _with_gazetteer(actors)
    topics = load_topics(topics_file)
    if known_sides:
        check_sides(topics, actors, topics_file)
    return Watchlist(topics=topics, actors=actors)
