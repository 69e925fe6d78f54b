"""Topics and actors: what the user watches, read from YAML into matchers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

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

    def __post_init__(self) -> None:
        for actor in self.actors:
            for pattern in actor.names:
                self._index.setdefault(_key(pattern), []).append((pattern, actor))

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

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


def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WatchlistError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise WatchlistError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise WatchlistError(f"{path}: expected a mapping at the top")
    return data


def _terms(value: object, where: str) -> list[Pattern]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WatchlistError(f"{where} must be a list of words or phrases")
    return [Pattern(v) for v in value]


def load_topics(path: Path) -> list[Topic]:
    """Topics from a `topics:` file."""
    data = _load_yaml(path)
    entries = data.get("topics")
    if not isinstance(entries, list) or not entries:
        raise WatchlistError(f"{path}: `topics` must be a non-empty list")
    topics = []
    for n, entry in enumerate(entries):
        where = f"{path}: topics[{n}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise WatchlistError(f"{where}: needs an `id`")
        match = entry.get("match")
        if not isinstance(match, list) or not match:
            raise WatchlistError(f"{where} ({entry['id']}): `match` must be a list of term lists")
        groups = [_terms(g, f"{where}.match[{k}]") for k, g in enumerate(match)]
        topics.append(
            Topic(
                id=entry["id"],
                title=str(entry.get("title", entry["id"])),
                about=frozenset(entry.get("about") or ()),
                match=groups,
                exclude=_terms(entry.get("exclude") or [], f"{where}.exclude")
                if entry.get("exclude")
                else [],
            )
        )
    return topics


def load_actors(path: Path) -> list[Actor]:
    """Actors from an `actors:` file."""
    data = _load_yaml(path)
    entries = data.get("actors")
    if not isinstance(entries, list):
        raise WatchlistError(f"{path}: `actors` must be a list")
    actors = []
    for n, entry in enumerate(entries):
        where = f"{path}: actors[{n}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise WatchlistError(f"{where}: needs an `id`")
        kind = entry.get("kind", "person")
        if kind not in ACTOR_KINDS:
            raise WatchlistError(f"{where} ({entry['id']}): kind must be one of {ACTOR_KINDS}")
        names = _terms(entry.get("names"), f"{where} ({entry['id']}).names")
        actors.append(
            Actor(
                id=entry["id"],
                group=str(entry.get("group") or entry["id"]),
                kind=kind,
                names=names,
                label=str(entry.get("label") or entry.get("names")[0]),
            )
        )
    return actors


def load_gazetteer() -> list[Actor]:
    """The packaged state actors, every file of `extractors/gazetteer/`."""
    return list(_gazetteer())


@cache
def _gazetteer() -> tuple[Actor, ...]:
    # packaged data, read once per process: ~460 actors take a second to parse
    return tuple(a for path in sorted(GAZETTEER_DIR.glob("*.yaml")) for a in load_actors(path))


def load_watchlist(topics_file: Path, actors_file: Path, gazetteer: bool = True) -> Watchlist:
    """The user's topics and actors; the gazetteer fills in actors the user did not list."""
    actors = load_actors(actors_file)
    if gazetteer:
        own_ids = {a.id for a in actors}
        actors += [a for a in load_gazetteer() if a.id not in own_ids]
    return Watchlist(topics=load_topics(topics_file), actors=actors)
