"""Evidence on every claim: how it was found, and the confidence from that (made-up
sentences on the packaged watch list; the rules are general, none is about one story)."""

from __future__ import annotations

from extractors.article import Article
from extractors.claims import EVIDENCE, Claim, confidence, extract_claims
from extractors.watchlist import Watchlist


def _claims(text: str, watchlist: Watchlist, language: str = "de") -> list[Claim]:
    title = text.partition("\n\n")[0]
    article = Article(title=title, text=text, language=language)
    return extract_claims(article, watchlist)


def _of(claims: list[Claim], actor: str) -> list[Claim]:
    return [c for c in claims if c.actor == actor]


def test_every_claim_says_how_it_was_found(watchlist: Watchlist) -> None:
    claims = _claims(
        "Bericht aus Moskau\n\n"
        "Russland dementierte Berichte über nordkoreanische Soldaten in Kursk. "
        "Laut dem ukrainischen Geheimdienst kämpfen nordkoreanische Soldaten in Kursk.",
        watchlist,
    )
    assert claims
    for claim in claims:
        assert claim.evidence and set(claim.evidence) <= set(EVIDENCE)
        assert claim.confidence == confidence(claim.evidence)
    (denial,) = _of(claims, "russia")
    assert denial.stance == "deny"
    assert denial.evidence == ["named", "reported", "stance-verb"]
    assert denial.confidence == "high"


def test_a_headline_is_weaker_than_the_body_sentence_that_says_the_same(
    watchlist: Watchlist,
) -> None:
    claims = _claims(
        "Russland bestätigt Einsatz nordkoreanischer Soldaten\n\n"
        "Russland hat den Einsatz nordkoreanischer Soldaten in Kursk bestätigt.",
        watchlist,
    )
    (confirmation,) = _of(claims, "russia")  # one claim per actor and stance: the body's
    assert confirmation.confidence == "high"
    assert "headline" not in confirmation.evidence
    assert confirmation.quote.startswith("Russland hat")


def test_a_title_without_the_topic_takes_it_from_the_lead(watchlist: Watchlist) -> None:
    claims = _claims(
        "Kreml bestreitet Einsatz in Kursk\n\n"
        "In Kursk sollen nordkoreanische Soldaten gegen die Ukraine kämpfen.",
        watchlist,
    )
    title = [c for c in claims if c.position == 0]
    assert [(c.group, c.stance) for c in title] == [("russia", "deny")]
    assert {"headline", "context-topic"} <= set(title[0].evidence)
    assert title[0].confidence == "medium"


def test_plain_words_of_the_story_side_that_say_not_are_a_weak_confirmation(
    watchlist: Watchlist,
) -> None:
    (plain,) = _of(
        _claims(
            "Aus Moskau\n\nPutin sagte, die Uniformierten in Kursk seien keine nordkoreanischen "
            "Soldaten.",
            watchlist,
        ),
        "putin",
    )
    assert plain.stance == "confirm"  # the stance rule is unchanged; the trust in it is not
    assert {"inferred", "says-not"} <= set(plain.evidence)
    assert plain.confidence == "medium"
    (affirmative,) = _of(
        _claims(
            "Aus Moskau\n\nPutin sagte, nordkoreanische Soldaten hätten in Kursk gekämpft.",
            watchlist,
        ),
        "putin",
    )
    # a confirmation read from plain words is an inference: never high by itself
    assert affirmative.stance == "confirm" and affirmative.confidence == "medium"
    assert "says-not" not in affirmative.evidence


def test_a_plain_confirmation_gives_way_to_the_same_side_denying_in_the_article(
    watchlist: Watchlist,
) -> None:
    claims = _claims(
        "Aus Moskau\n\n"
        "Der Kreml dementierte Berichte über nordkoreanische Soldaten in Kursk. "
        "Putin sagte, nordkoreanische Soldaten seien in Kursk willkommen.",
        watchlist,
    )
    (plain,) = _of(claims, "putin")
    assert "contradicted" in plain.evidence and plain.confidence == "medium"


def test_a_denial_in_the_speakers_own_quoted_words_is_a_denial(watchlist: Watchlist) -> None:
    german = _claims(
        "Aus Moskau\n\n„Wir weisen die Berichte über nordkoreanische Soldaten in Kursk "
        "entschieden zurück“, sagte Peskow.",
        watchlist,
    )
    assert [(c.stance, c.evidence[:3]) for c in _of(german, "peskov")] == [
        ("deny", ["named", "quote", "stance-verb"])
    ]
    english = _claims(
        "From Moscow\n\n"
        '"We deny the reports of North Korean troops in Kursk," Peskov told reporters.',
        watchlist,
        "en",
    )
    assert [c.stance for c in _of(english, "peskov")] == ["deny"]
    # somebody else's quoted words about a third party keep the plain verb's stance
    other = _claims(
        "Aus Kiew\n\n„Moskau weist die Berichte über nordkoreanische Soldaten zurück“, "
        "sagte Selenskyj.",
        watchlist,
    )
    assert [c.stance for c in _of(other, "zelensky")] != ["deny"]
