"""The per-language cue lists (`extractors/lexicon/*.yaml`), loaded into patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from claimwatch.yamlfile import read_yaml
from extractors.errors import WatchlistError
from extractors.tokens import Pattern, PatternSet, compile_all

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
STANCES = ("confirm", "deny", "evade", "assert", "accuse", "doubt")
QUALIFIERS = ("at_least", "up_to", "about", "more_than")
REPORTING = "reporting"  # a plain verb of saying: a cue with no stance of its own
NOT_A_CUE = "not a cue"  # a phrase where a cue word has another sense (`claimed the lives`)


@dataclass
class Lexicon:
    """Cues of one language: furniture, attribution, stance, numbers."""

    language: str
    furniture_lines: frozenset[str]
    cut_markers: frozenset[str]
    end_markers: frozenset[str]
    credit_markers: tuple[str, ...]
    negations: list[Pattern]
    conditionals: list[Pattern]
    pluperfect: list[Pattern]
    recalled: list[Pattern]  # `zunächst`, `initially`: what a stance verb says was earlier
    durations: list[Pattern]  # `jahrelang`, `for years`: earlier, unless still ongoing
    perfect: frozenset[str]  # `has`, `hat`: a duration that goes on to now
    after: frozenset[str]  # `nach`, `after`: a stance before the one the sentence tells
    pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    subject_pronouns: frozenset[str]
    first_person: frozenset[str]
    ambiguous_markers: frozenset[str]
    coordinators: frozenset[str]
    copulas: frozenset[str]
    verb_modifiers: frozenset[str]
    subject_links: frozenset[str]
    prepositions: frozenset[str]
    inversion: list[Pattern]
    unnamed_subject: frozenset[str]
    subjunctive: frozenset[str]
    person_descriptions: list[re.Pattern[str]]
    body_nouns: list[Pattern]
    sources_before: list[Pattern]
    sources_after: list[Pattern]
    impersonal: list[Pattern]
    reporting: list[Pattern]
    not_cues: list[Pattern]
    stances: dict[str, list[Pattern]]
    quoted: dict[str, list[Pattern]]
    blame: list[Pattern]
    passive_aux: frozenset[str]
    passive_after: frozenset[str]
    passive_agent: frozenset[str]
    agent_markers: frozenset[str]
    own_deed: list[Pattern]
    own_deed_endings: tuple[str, ...]
    participle_endings: tuple[str, ...]
    determiners: frozenset[str]
    adjective_endings: tuple[str, ...]
    noun_forms: frozenset[str]
    noun_before: frozenset[str]
    qualifiers: dict[str, list[Pattern]]
    number_words: dict[str, int]
    scales: dict[str, int]
    vague: dict[str, tuple[int, str]]
    not_counts: frozenset[str]
    count_nouns: dict[str, list[Pattern]] = field(default_factory=dict)
    count_events: dict[str, list[Pattern]] = field(default_factory=dict)
    separable_particles: frozenset[str] = frozenset()
    listener_markers: frozenset[str] = frozenset()
    cues: PatternSet[tuple[str, bool]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for plist in [*self.stances.values(), self.reporting, self.not_cues]:
            for pattern in plist:
                last = pattern.segments[-1]
                if len(pattern.segments) > 1 and len(last) == 1:
                    pattern.closes = last[0].text in self.separable_particles
        # every cue labelled (stance, inside quotes), in the order cues are taken: stances
        # and verbs of saying outside quotes, expressive words inside, then other senses
        groups = [
            *((stance, False, plist) for stance, plist in self.stances.items()),
            (REPORTING, False, self.reporting),
            *((stance, True, plist) for stance, plist in self.quoted.items()),
            (NOT_A_CUE, False, self.not_cues),
        ]
        self.cues = PatternSet(((s, quoted), p) for s, quoted, plist in groups for p in plist)


def _strings(data: dict, key: str, source: Path) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WatchlistError(f"{source}: `{key}` must be a list of strings")
    return value


def _stance_map(data: dict, key: str, source: Path) -> dict[str, list[Pattern]]:
    value = data.get(key, {}) or {}
    unknown = set(value) - set(STANCES)
    if unknown:
        raise WatchlistError(f"{source}: `{key}` has unknown stances {sorted(unknown)}")
    return {stance: compile_all(_strings(value, stance, source)) for stance in value}


def _read(path: Path) -> dict:
    data = read_yaml(path, WatchlistError)
    if not isinstance(data, dict):
        raise WatchlistError(f"{path}: a lexicon must be a mapping")
    return data


@cache
def load_lexicon(language: str) -> Lexicon:
    """The lexicon of a supported language (`de`, `en`)."""
    path = LEXICON_DIR / f"{language}.yaml"
    if not path.is_file():
        raise WatchlistError(f"no lexicon for language {language!r}")
    data = _read(path)
    counts = _read(LEXICON_DIR / "counts.yaml")
    lower = lambda key: frozenset(s.lower() for s in _strings(data, key, path))  # noqa: E731
    vague = {k.lower(): (int(v[0]), str(v[1])) for k, v in (data.get("vague") or {}).items()}
    return Lexicon(
        language=language,
        furniture_lines=lower("furniture_lines"),
        cut_markers=lower("cut_markers"),
        end_markers=lower("end_markers"),
        credit_markers=tuple(s.lower() for s in _strings(data, "credit_markers", path)),
        negations=compile_all(_strings(data, "negations", path)),
        conditionals=compile_all(_strings(data, "conditionals", path)),
        pluperfect=compile_all(_strings(data, "pluperfect", path)),
        recalled=compile_all(_strings(data, "recalled", path)),
        durations=compile_all(_strings(data, "durations", path)),
        perfect=lower("perfect"),
        after=lower("after"),
        pronouns=lower("pronouns"),
        group_pronouns=lower("group_pronouns"),
        subject_pronouns=lower("subject_pronouns"),
        first_person=lower("first_person"),
        ambiguous_markers=lower("ambiguous_markers"),
        coordinators=lower("coordinators"),
        copulas=lower("copulas"),
        verb_modifiers=lower("verb_modifiers"),
        subject_links=lower("subject_links"),
        prepositions=lower("prepositions"),
        inversion=compile_all(_strings(data, "inversion", path)),
        unnamed_subject=lower("unnamed_subject"),
        subjunctive=lower("subjunctive"),
        person_descriptions=[re.compile(p) for p in _strings(data, "person_descriptions", path)],
        body_nouns=compile_all(_strings(data, "body_nouns", path)),
        sources_before=compile_all(_strings(data, "sources_before", path)),
        sources_after=compile_all(_strings(data, "sources_after", path)),
        impersonal=compile_all(_strings(data, "impersonal", path)),
        reporting=compile_all(_strings(data, "reporting", path)),
        not_cues=compile_all(_strings(data, "not_cues", path)),
        stances=_stance_map(data, "stances", path),
        quoted=_stance_map(data, "quoted", path),
        blame=compile_all(_strings(data, "blame", path)),
        passive_aux=lower("passive_aux"),
        passive_after=lower("passive_after"),
        passive_agent=lower("passive_agent"),
        agent_markers=lower("agent_markers"),
        own_deed=compile_all(_strings(data, "own_deed", path)),
        own_deed_endings=tuple(_strings(data, "own_deed_endings", path)),
        participle_endings=tuple(_strings(data, "participle_endings", path)),
        determiners=lower("determiners"),
        adjective_endings=tuple(_strings(data, "adjective_endings", path)),
        noun_forms=lower("noun_forms"),
        noun_before=lower("noun_before"),
        qualifiers={q: compile_all(v) for q, v in (data.get("qualifiers") or {}).items()},
        number_words={k.lower(): int(v) for k, v in (data.get("number_words") or {}).items()},
        scales={k.lower(): int(v) for k, v in (data.get("scales") or {}).items()},
        vague=vague,
        not_counts=lower("not_counts"),
        count_nouns={k: compile_all(v) for k, v in (counts.get("nouns") or {}).items()},
        count_events={k: compile_all(v) for k, v in (counts.get("events") or {}).items()},
        separable_particles=lower("separable_particles"),
        listener_markers=lower("listener_markers"),
    )


def furniture_lexicon(language: str) -> Lexicon:
    """The lexicon to clean a page with; German and English cues together for others."""
    if language in ("de", "en"):
        return load_lexicon(language)
    return _mixed_furniture()


@cache
def _mixed_furniture() -> Lexicon:
    # built once: a Lexicon indexes its cues when it is made
    de, en = load_lexicon("de"), load_lexicon("en")
    return replace(
        de,
        furniture_lines=de.furniture_lines | en.furniture_lines,
        cut_markers=de.cut_markers | en.cut_markers,
        end_markers=de.end_markers | en.end_markers,
        credit_markers=de.credit_markers + en.credit_markers,
    )
