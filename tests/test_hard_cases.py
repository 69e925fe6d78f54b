"""The hard cases of DESIGN.md, each on its own, with sentences from the seed corpus."""

from __future__ import annotations

import pytest

from extractors.article import from_text, load_document
from extractors.claims import Claim, extract_claims
from extractors.lexicon import load_lexicon
from extractors.numbers import find_numbers
from extractors.tokens import tokenize
from extractors.watchlist import Watchlist
from tests.conftest import SEEDS


def claims_of(
    text: str, watchlist: Watchlist, title: str = "Nordkorea-Soldaten im Ukraine-Krieg"
) -> list[Claim]:
    return extract_claims(from_text(f"{title}\n\n{text}"), watchlist)


def pairs(claims: list[Claim]) -> set[tuple[str, str]]:
    return {(c.actor, c.stance) for c in claims}


def test_multi_sentence_quote_with_trailing_speaker(watchlist: Watchlist) -> None:
    text = (
        "„Quatsch. Ich kenne seinen Charakter. Putin würde niemals versuchen, ein anderes Land davon "
        "zu überzeugen, seine Armee in Russlands Sonderoperation in der Ukraine einzubeziehen. Es wäre "
        "ein Schritt zur Eskalation des Konflikts, wenn die Streitkräfte eines Landes, auch "
        "Weißrusslands, an der Kontaktlinie stünden“, sagte Lukaschenko demnach."
    )
    (claim,) = claims_of(text, watchlist)
    assert (claim.actor, claim.group, claim.stance) == ("lukashenko", "belarus", "deny")
    assert claim.quote.startswith("„Quatsch.") and claim.quote.endswith(
        "sagte Lukaschenko demnach."
    )


def test_nicht_abgestritten_is_evade_not_deny(watchlist: Watchlist) -> None:
    text = "Russlands Präsident Wladimir Putin hat eine Entsendung nordkoreanischer Truppen nach Russland nicht abgestritten."
    assert pairs(claims_of(text, watchlist)) == {("putin", "evade")}


def test_did_not_deny_is_evade_in_english(watchlist: Watchlist) -> None:
    text = "Russian President Vladimir Putin did not deny that North Korean troops were in Russia."
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("putin", "evade")}


def test_reported_denial_is_the_denier_speaking(watchlist: Watchlist) -> None:
    text = (
        "Russland dementierte auch Berichte über die Präsenz nordkoreanischer Soldaten in der Ukraine, "
        "die an der Seite der russischen Truppen kämpfen."
    )
    (claim,) = claims_of(text, watchlist)
    assert (claim.actor, claim.group, claim.stance) == ("russia", "russia", "deny")


def test_cited_outlet_is_not_the_actor(watchlist: Watchlist) -> None:
    text = "Alexander Lukaschenko dementierte laut BBC Berichte über nordkoreanische Soldaten in Russland."
    assert pairs(claims_of(text, watchlist)) == {("lukashenko", "deny")}


def test_outlet_quoting_someone_else_is_not_the_actor(watchlist: Watchlist) -> None:
    text = (
        "„Die ersten Einheiten des nordkoreanischen Militärs sind bereits im Kampfgebiet eingetroffen“, "
        "so eine Mitteilung des ukrainischen Geheimdienstes HUR, die von der Kyiv Post zitiert wurde."
    )
    assert pairs(claims_of(text, watchlist)) == {("ukraine-intelligence", "assert")}


def test_outlet_reporting_itself_is_an_actor(watchlist: Watchlist) -> None:
    text = (
        "Die ukrainische Zeitung Kyiv Post hatte vergangene Woche unter Berufung auf Geheimdienstquellen "
        "berichtet, dass sechs nordkoreanische Soldaten bei einem ukrainischen Raketenangriff auf russisch "
        "besetztes Gebiet bei Donezk getötet worden seien."
    )
    (claim,) = claims_of(text, watchlist)
    assert (claim.actor, claim.stance) == ("kyiv-post", "assert")
    assert claim.numbers == [{"value": 6, "qualifier": "exact", "counts": "dead"}]


@pytest.mark.parametrize(
    "text",
    [
        "Für den designierten neuen Chef der Münchner Sicherheitskonferenz (MSC), Jens Stoltenberg, wäre "
        "ein Einsatz nordkoreanischer Kräfte im Ukraine-Krieg „eine ernsthafte Eskalation“.",
        "Das Mitwirken nordkoreanischer Truppen wäre ein einseitiger feindseliger Akt mit ernsthaften "
        "Konsequenzen für den Frieden, hieß es in einer vom EU-Außenbeauftragten veröffentlichten Erklärung.",
        "A deployment of North Korean troops would be a serious escalation, the NATO chief said.",
    ],
)
def test_conditionals_make_no_claim(text: str, watchlist: Watchlist) -> None:
    assert claims_of(text, watchlist) == []


def test_furniture_makes_no_claim(watchlist: Watchlist) -> None:
    text = (
        "1. Startseite\n2. Politik\n\nKommentare\n\n"
        "Russland bestätigt nordkoreanische Soldaten in Kursk, sagte Putin (Archivbild).\n"
        "Russland bestätigt nordkoreanische Soldaten in Kursk, sagte Putin (Archivbild). © KCNA/AFP\n\n"
        "Das Wetter in Kursk war am Montag mild und die Straßen waren leer, berichtete ein Reporter vor Ort.\n\n"
        "Der Alltag ging weiter, die Geschäfte waren geöffnet und die Menschen gingen zur Arbeit in der Stadt.\n\n"
        "Auch interessant\n\nPutin bestätigt nordkoreanische Soldaten, sagte der Kreml.\n\n"
        "Kommentare\n\nUser #1698 (nicht angemeldet)\n\n"
        "Selenskyj wirft Nordkorea den Einsatz von Soldaten vor."
    )
    article = from_text(f"Ein Tag in Kursk\n\n{text}")
    assert "User #1698" not in article.text and "Startseite" not in article.text
    assert extract_claims(article, watchlist) == []


def test_seed_comments_and_captions_make_no_claim(watchlist: Watchlist) -> None:
    article = load_document(SEEDS / "003_41deaae23a4276fc.txt")
    assert "User #1698" not in article.text and "Zarensky" not in article.text
    assert "Kremlin Pool Photo" not in article.text
    for claim in extract_claims(article, watchlist):
        assert "Zarensky" not in claim.quote and "via AP" not in claim.quote


def test_missiles_are_not_the_troops_topic(watchlist: Watchlist) -> None:
    text = (
        "Experten berichten seit langem, dass Russland in der Ukraine nordkoreanische Raketen einsetze, "
        "was Moskau und Pjöngjang jedoch bestreiten."
    )
    assert claims_of(text, watchlist) == []


def test_other_troops_figures_are_not_north_korean_troop_numbers(watchlist: Watchlist) -> None:
    article = load_document(SEEDS / "001_72d36e5363322bec.txt")
    nato = load_document(SEEDS / "004_729835a188ec9516.txt")
    for claim in extract_claims(article, watchlist) + extract_claims(nato, watchlist):
        assert claim.numbers == [] or all(n["value"] != 2000 for n in claim.numbers), claim.quote
    text = "„Etwa 2.000 ukrainische Soldaten wurden im Gebiet Kursk blockiert“, sagte Putin über nordkoreanische Soldaten."
    for claim in claims_of(text, watchlist):
        assert claim.numbers == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "mindestens 3.000 nordkoreanische Soldaten", (3000, "at_least", "soldiers")),
        ("de", "bis zu 10.000 nordkoreanische Soldaten", (10000, "up_to", "soldiers")),
        ("de", "etwa 2000 nordkoreanische Soldaten", (2000, "about", "soldiers")),
        ("de", "rund 12.000 Soldaten aus Nordkorea", (12000, "about", "soldiers")),
        ("de", "tausende nordkoreanische Soldaten", (1000, "thousands", "soldiers")),
        ("en", "about 1,500 North Korean troops", (1500, "about", "soldiers")),
        ("en", "more than 10,000 North Korean soldiers", (10000, "more_than", "soldiers")),
        ("en", "15-hundred North Korean soldiers", (1500, "exact", "soldiers")),
        ("en", "ten thousand North Korean troops", (10000, "exact", "soldiers")),
        ("en", "several thousand North Korean troops", (1000, "thousands", "soldiers")),
    ],
)
def test_figures_of_the_story_with_their_qualifier(
    language: str, text: str, expected: tuple, watchlist: Watchlist
) -> None:
    """The story's own people may be named by several words (`North Korean`) between the
    figure and the noun; a four-digit figure with a qualifier is no year."""
    tokens = tokenize(text)
    (topic,) = watchlist.topics
    found = find_numbers(tokens, load_lexicon(language), topic.core_positions(tokens))
    value, qualifier, counts = expected
    assert found == [{"value": value, "qualifier": qualifier, "counts": counts}]


@pytest.mark.parametrize(
    ("language", "text"),
    [("de", "etwa 2.000 ukrainische Soldaten"), ("en", "about 2,000 Ukrainian soldiers")],
)
def test_figures_of_another_side_are_left_out(
    language: str, text: str, watchlist: Watchlist
) -> None:
    tokens = tokenize(text)
    (topic,) = watchlist.topics
    assert find_numbers(tokens, load_lexicon(language), topic.core_positions(tokens)) == []


@pytest.mark.parametrize(
    ("language", "text"), [("de", "seit 2000 im Amt"), ("en", "in 2014 the army")]
)
def test_a_year_is_no_figure(language: str, text: str) -> None:
    assert find_numbers(tokenize(text), load_lexicon(language)) == []


def test_two_actors_in_one_sentence(watchlist: Watchlist) -> None:
    text = "Moskau und Pjöngjang dementieren den Einsatz nordkoreanischer Soldaten in der Ukraine."
    assert pairs(claims_of(text, watchlist)) == {("russia", "deny"), ("north-korea", "deny")}


def test_third_party_confirming_asserts(watchlist: Watchlist) -> None:
    text = "John Kirby, Sprecher des Nationalen Sicherheitsrates der USA, bestätigte die Zahl von 3.000 nordkoreanischen Soldaten."
    (claim,) = claims_of(text, watchlist)
    assert (claim.actor, claim.group, claim.stance) == ("kirby", "united-states", "assert")
    assert claim.numbers == [{"value": 3000, "qualifier": "exact", "counts": "soldiers"}]


def test_pronoun_points_back_to_the_last_speaker(watchlist: Watchlist) -> None:
    text = (
        "Selenskyj warf Nordkorea die Entsendung von Soldaten vor. "
        "„Wir haben Beweise für die Verlegung nordkoreanischer Truppen“, sagte er."
    )
    assert pairs(claims_of(text, watchlist)) == {("zelensky", "accuse"), ("zelensky", "assert")}


def test_speaker_not_in_any_watchlist_keeps_their_name(watchlist: Watchlist) -> None:
    text = "Jane Doerfler, an analyst, said North Korean troops had arrived in Kursk."
    claims = claims_of(text, watchlist, title="North Korean troops in Kursk")
    assert pairs(claims) == {("Jane Doerfler", "assert")}


def test_a_plain_said_gives_way_to_the_speakers_explicit_stance(watchlist: Watchlist) -> None:
    text = (
        "Putin hat eine Entsendung nordkoreanischer Truppen nicht abgestritten. „Russland arbeitet "
        "mit seinen nordkoreanischen Freunden zusammen, das ist bekannt“, sagte Putin in Kasan."
    )
    assert pairs(claims_of(text, watchlist)) == {("putin", "evade")}


def test_a_plain_said_of_the_own_side_yields_to_its_explicit_stance(watchlist: Watchlist) -> None:
    text = (
        "Nordkoreanische Soldaten sollen in der Region Kursk eingetroffen sein. Der Kreml "
        "dementierte das. „Wir arbeiten mit unseren Freunden eng zusammen“, sagte Putin."
    )
    assert pairs(claims_of(text, watchlist)) == {("kremlin", "deny")}


def test_a_plain_said_gives_way_to_an_explicit_claim_of_the_same_side(watchlist: Watchlist) -> None:
    text = (
        "Russland hat die Entsendung nordkoreanischer Soldaten bestätigt. "
        "„Das Abenteuer Kiews ist gescheitert“, sagte Putin."
    )
    assert pairs(claims_of(text, watchlist)) == {("russia", "confirm")}


def test_the_source_a_marker_cites_says_it(watchlist: Watchlist) -> None:
    text = "Der BBC zufolge schickte Moskau nordkoreanische Soldaten in die Region Kursk."
    assert pairs(claims_of(text, watchlist)) == {("bbc", "assert")}
    text = "Laut BBC schickte Moskau nordkoreanische Soldaten in die Region Kursk."
    assert pairs(claims_of(text, watchlist)) == {("bbc", "assert")}


def test_a_pronoun_after_a_trailing_verb_is_its_subject(watchlist: Watchlist) -> None:
    text = (
        "Selenskyj warf Russland den Einsatz nordkoreanischer Soldaten vor. "
        "Pjöngjang schicke immer mehr nordkoreanische Soldaten, betonte er."
    )
    assert pairs(claims_of(text, watchlist)) == {("zelensky", "accuse"), ("zelensky", "assert")}


def test_an_expletive_it_points_back_to_nobody(watchlist: Watchlist) -> None:
    text = (
        "The Kremlin denied that North Korean troops were in Kursk. "
        "It is unclear whether North Korean troops have seen combat."
    )
    assert pairs(claims_of(text, watchlist, title="North Korean troops")) == {("kremlin", "deny")}


def test_a_plain_said_on_the_context_topic_counts_for_a_known_third_party(
    watchlist: Watchlist,
) -> None:
    text = (
        "Nordkoreanische Soldaten sollen in der Region Kursk eingetroffen sein. "
        "„Das ist eine gefährliche Entwicklung für die ganze Region“, sagte John Kirby."
    )
    assert pairs(claims_of(text, watchlist)) == {("kirby", "assert")}


def test_blame_in_what_is_said_makes_it_an_accusation(watchlist: Watchlist) -> None:
    text = (
        "„Der Einsatz nordkoreanischer Soldaten ist ein klarer Verstoß gegen das Völkerrecht“, "
        "sagte Selenskyj."
    )
    assert pairs(claims_of(text, watchlist)) == {("zelensky", "accuse")}


def test_the_target_of_a_passive_accusation_is_not_its_speaker(watchlist: Watchlist) -> None:
    text = "Nordkorea wird vorgeworfen, Tausende Soldaten nach Russland geschickt zu haben."
    assert claims_of(text, watchlist) == []
    text = "North Korea accused of sending thousands of soldiers to Russia"
    assert claims_of(text, watchlist, title="North Korean troops in Russia") == []


def test_a_quoted_first_person_negation_is_a_denial(watchlist: Watchlist) -> None:
    text = (
        '"We do not have any North Korean troops in Kursk," Kremlin spokesman Dmitry Peskov said.'
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("peskov", "deny")}


def test_the_writers_stance_verb_outranks_the_quote(watchlist: Watchlist) -> None:
    text = (
        "Russland räumte die Entsendung nordkoreanischer Soldaten ein: „Wir haben nicht gelogen, "
        "sie haben geholfen, Kursk zu befreien.“"
    )
    assert pairs(claims_of(text, watchlist)) == {("russia", "confirm")}


def test_an_attributive_participle_is_no_stance(watchlist: Watchlist) -> None:
    text = "The disputed presence of North Korean troops in Kursk was discussed in Seoul on Monday."
    assert claims_of(text, watchlist, title="North Korean troops in Russia") == []


def test_a_trailing_speaker_may_carry_a_long_title(watchlist: Watchlist) -> None:
    text = "Russia has moved North Korean troops to the front, the Ukrainian President Volodymyr Zelensky said."
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("zelensky", "assert")}


def test_a_cue_word_after_a_preposition_is_a_noun(watchlist: Watchlist) -> None:
    text = "Russia keeps North Korean troops near Kursk, with reports indicating more will come."
    assert claims_of(text, watchlist, title="North Korean troops in Russia") == []


def test_coming_under_fire_is_shooting_not_blame(watchlist: Watchlist) -> None:
    text = "North Korean troops in Kursk came under fire from drones, Russia said."
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert claims and "accuse" not in {c.stance for c in claims}


def test_a_breach_of_international_law_in_what_is_said_is_blame(watchlist: Watchlist) -> None:
    text = (
        "Der Einsatz nordkoreanischer Soldaten in Russland sei eine Verletzung des Völkerrechts, "
        "sagte Selenskyj."
    )
    assert pairs(claims_of(text, watchlist)) == {("zelensky", "accuse")}


def test_blasted_someone_is_an_accusation(watchlist: Watchlist) -> None:
    text = "Zelensky blasted Moscow for hiding North Korean troops in Kursk."
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("zelensky", "accuse")}


def test_each_stance_verb_has_its_own_subject(watchlist: Watchlist) -> None:
    text = (
        "While Ukraine has accused North Korea of sending troops to Kursk, "
        "Pyongyang has not confirmed the deployment of its soldiers."
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("ukraine", "accuse"), ("north-korea", "evade")}


def test_a_name_after_a_preposition_is_not_the_speaker(watchlist: Watchlist) -> None:
    text = "Gegenüber dem Sender Radio Moskau bestätigte Selenskyj den Einsatz nordkoreanischer Soldaten."
    assert pairs(claims_of(text, watchlist)) == {("zelensky", "assert")}


def test_whom_it_is_told_to_is_not_the_speaker(watchlist: Watchlist) -> None:
    text = "North Korean troops have reached the front near Kursk, a Ukrainian officer told Radio Liberty."
    assert claims_of(text, watchlist, title="North Korean troops in Russia") == []


def test_it_points_back_to_the_last_state_or_body(watchlist: Watchlist) -> None:
    text = (
        "The Kremlin declined to comment on North Korean troops on Monday. "
        "On Tuesday it denied that North Korean troops were fighting in Kursk."
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert {(c.group, c.stance) for c in claims} == {("russia", "evade"), ("russia", "deny")}


def test_the_object_after_a_pronoun_subject_is_no_speaker(watchlist: Watchlist) -> None:
    text = "It blamed Russia for the deployment of North Korean troops in Kursk."
    assert claims_of(text, watchlist, title="North Korean troops in Russia") == []


def test_a_separable_verb_closes_its_clause_after_a_long_middle(watchlist: Watchlist) -> None:
    text = (
        "Selenskyj warf der russischen Führung am Montag in Kiew die heimliche Verlegung "
        "nordkoreanischer Soldaten vor."
    )
    assert pairs(claims_of(text, watchlist)) == {("zelensky", "accuse")}


def test_reported_speech_goes_on_with_the_last_speaker(watchlist: Watchlist) -> None:
    text = (
        "Selenskyj warf Russland den Einsatz nordkoreanischer Soldaten vor. "
        "Die nordkoreanischen Soldaten seien bereits an der Front im Gebiet Kursk."
    )
    claims = claims_of(text, watchlist)
    assert pairs(claims) == {("zelensky", "accuse"), ("zelensky", "assert")}
    assert claims[1].quote.startswith("Die nordkoreanischen Soldaten seien")


def test_a_quotation_standing_alone_is_the_last_speakers(watchlist: Watchlist) -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov said on Monday that he had read the reports about North "
        "Korean troops in Kursk. "
        '"This is nonsense, there are no North Korean troops in Kursk."'
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert ("peskov", "deny") in pairs(claims)


def test_reported_speech_without_a_speaker_before_is_no_claim(watchlist: Watchlist) -> None:
    text = "Die nordkoreanischen Soldaten seien bereits an der Front im Gebiet Kursk."
    assert claims_of(text, watchlist) == []


def test_an_inline_teaser_box_does_not_end_the_article(watchlist: Watchlist) -> None:
    paragraph = (
        "Die Lage an der Front im Gebiet Kursk blieb am Wochenende nach Angaben aus Kiew "
        "angespannt, während beide Seiten neue Angriffe mit Drohnen und Artillerie meldeten."
    )
    text = (
        f"{paragraph}\n\nAuch interessant\n\nSo lebt es sich in einer Kleinstadt an der Grenze\n\n"
        f"{paragraph}\n\nSelenskyj warf Russland den Einsatz nordkoreanischer Soldaten im Gebiet "
        "Kursk vor, wo sie seit Wochen an der Seite russischer Truppen kämpfen würden, wie er sagte."
        f"\n\n{paragraph}\n\nAuch interessant\n\nPutin bestätigt nordkoreanische Soldaten, sagte der Kreml."
    )
    article = from_text(f"Ein Tag in Kursk\n\n{text}")
    assert "Kleinstadt" not in article.text and "sagte der Kreml" not in article.text
    assert pairs(extract_claims(article, watchlist)) == {("zelensky", "accuse")}


def test_a_described_subject_takes_no_name_from_another_clause(watchlist: Watchlist) -> None:
    title = "North Korean troops in Russia"
    text = (
        "When Kim Jong Un met Putin in Moscow, officials accused North Korea of sending "
        "troops to Kursk."
    )
    assert claims_of(text, watchlist, title=title) == []
    # but a relative pronoun or a conjunction carries the subject on
    text = "Kim Jong Un, who denied sending North Korean troops, met Putin in Moscow."
    assert pairs(claims_of(text, watchlist, title=title)) == {("kim-jong-un", "deny")}


def test_a_body_described_not_named_points_back_to_the_last_body(watchlist: Watchlist) -> None:
    title = "North Korean troops in Russia"
    text = (
        "South Korea's spy agency said North Korean troops had arrived in Russia. "
        "The agency declined to say how many North Korean troops were in Kursk."
    )
    claims = claims_of(text, watchlist, title=title)
    assert {(c.group, c.stance) for c in claims} == {
        ("south-korea", "assert"),
        ("south-korea", "evade"),
    }
    # no body spoke before: a described body is nobody
    text = "The agency declined to say how many North Korean troops were in Kursk."
    assert claims_of(text, watchlist, title=title) == []


def test_dismissing_a_person_is_no_denial(watchlist: Watchlist) -> None:
    title = "North Korean troops in Russia"
    text = "Zelensky is considering dismissing the commander over North Korean troops in Kursk."
    assert claims_of(text, watchlist, title=title) == []
    text = "The Kremlin dismissed reports of North Korean troops in Kursk as fake."
    assert pairs(claims_of(text, watchlist, title=title)) == {("kremlin", "deny")}


def test_the_subject_may_stand_inside_a_german_evasion(watchlist: Watchlist) -> None:
    text = (
        "Zu nordkoreanischen Soldaten in Kursk verweigerte der Kremlsprecher jede Aussage. "
        "Dazu äußerte sich das Verteidigungsministerium in Moskau nicht."
    )
    assert {c.stance for c in claims_of(text, watchlist)} == {"evade"}


def test_a_name_set_off_by_commas_after_the_verb_is_its_subject(watchlist: Watchlist) -> None:
    text = (
        "Den Einsatz nordkoreanischer Soldaten kritisierte der Sprecher des Weißen Hauses für "
        "nationale Sicherheit, John Kirby, scharf."
    )
    assert pairs(claims_of(text, watchlist)) == {("kirby", "accuse")}


def test_a_cue_word_in_a_phrase_of_another_sense_is_no_cue(watchlist: Watchlist) -> None:
    text = "Nordkorea belegte mit seinen Soldaten in Kursk den zweiten Platz."
    assert claims_of(text, watchlist) == []
    text = "Russia denied entry to relatives of North Korean troops."
    assert claims_of(text, watchlist, title="North Korean troops in Russia") == []
    text = "Russia denied that North Korean troops were in Kursk."
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("russia", "deny")}


def test_a_pronoun_after_says_belongs_to_the_reported_clause(watchlist: Watchlist) -> None:
    text = (
        "Putin denied that North Korean troops were in Kursk. In Sudzha, the main town of the "
        "Kursk region, resident Ivan Petrov says he saw North Korean troops."
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("putin", "deny"), ("Ivan Petrov", "assert")}


def test_a_verb_of_saying_in_the_passive_has_no_speaker(watchlist: Watchlist) -> None:
    text = "Pjöngjang schickte Soldaten nach Kursk, die dort „Freiwillige“ genannt werden."
    assert claims_of(text, watchlist) == []
    text = "Pjöngjang habe Soldaten nach Kursk geschickt, wurde von Kiew mitgeteilt."
    assert pairs(claims_of(text, watchlist)) == {("ukraine", "assert")}


def test_each_clause_with_its_own_subject_is_a_claim(watchlist: Watchlist) -> None:
    text = (
        "Though Seoul has said North Korean troops are in Kursk, Kyiv has claimed that "
        "thousands of them fight there."
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert {(c.group, c.stance) for c in claims} == {
        ("south-korea", "assert"),
        ("ukraine", "assert"),
    }


def test_would_after_a_verb_of_saying_is_reported_speech(watchlist: Watchlist) -> None:
    title = "North Korean troops in Russia"
    text = "Pyongyang has vowed it would never rule out sending more troops to Russia."
    assert pairs(claims_of(text, watchlist, title=title)) == {("north-korea", "confirm")}
    text = "Sending more North Korean troops to Russia would be an escalation, Seoul said."
    assert claims_of(text, watchlist, title=title) == []


def test_the_stance_taker_named_after_by_from_or_von(watchlist: Watchlist) -> None:
    title = "North Korean troops in Russia"
    cases = {
        "Russia was criticised by NATO for deploying North Korean troops in Kursk.": "nato",
        "Moscow has come under heavy criticism from Seoul over North Korean troops.": "south-korea",
        "Russland wurde von der Nato für den Einsatz nordkoreanischer Soldaten kritisiert.": "nato",
        "Der Einsatz nordkoreanischer Soldaten stieß auf scharfe Kritik von Südkorea.": "south-korea",
    }
    for text, group in cases.items():
        claims = (
            claims_of(text, watchlist, title=title)
            if "Korean" in text
            else claims_of(text, watchlist)
        )
        assert {(c.group, c.stance) for c in claims} == {(group, "accuse")}, text
    text = "The deployment of North Korean troops drew rebukes from Ukraine and South Korea."
    claims = claims_of(text, watchlist, title=title)
    assert {(c.group, c.stance) for c in claims} == {
        ("ukraine", "accuse"),
        ("south-korea", "accuse"),
    }


def test_confirming_ones_own_deed_is_an_admission_by_anyone(watchlist: Watchlist) -> None:
    title = "North Korean troops in Russia"
    text = "Seoul confirmed receiving a letter about North Korean troops in Kursk."
    assert pairs(claims_of(text, watchlist, title=title)) == {("south-korea", "confirm")}
    text = "Seoul confirmed that North Korean troops were in Kursk."
    assert pairs(claims_of(text, watchlist, title=title)) == {("south-korea", "assert")}


def test_failing_to_act_is_blame_in_english(watchlist: Watchlist) -> None:
    text = "Kyiv said Seoul had failed to stop North Korean troops from reaching Kursk."
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert pairs(claims) == {("ukraine", "accuse")}


def test_studying_a_ruling_or_declining_to_speculate_is_evasion(watchlist: Watchlist) -> None:
    text = "Der Kreml will das Urteil zu nordkoreanischen Soldaten gründlich prüfen."
    assert pairs(claims_of(text, watchlist)) == {("kremlin", "evade")}
    text = (
        "“It would be premature to speculate about North Korean troops in Kursk,” "
        "a Kremlin spokesman said."
    )
    claims = claims_of(text, watchlist, title="North Korean troops in Russia")
    assert {(c.group, c.stance) for c in claims} == {("russia", "evade")}


def test_a_pronoun_right_after_a_german_verb_is_its_subject(watchlist: Watchlist) -> None:
    text = (
        "Die Außenministerin Annalena Baerbock sprach in Kiew über nordkoreanische Soldaten. "
        "In einem Interview mit dem „Spiegel“ nannte sie Putin einen Lügner."
    )
    assert pairs(claims_of(text, watchlist)) == {("baerbock", "assert")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a separable particle closes its clause; `zu` before more words is a preposition
        (
            "Der Kreml gab keine Stellungnahme zu nordkoreanischen Soldaten ab.",
            ("kremlin", "evade"),
        ),
        (
            "Kirby gab zu bedenken, dass nordkoreanische Soldaten kaum Kampferfahrung hätten.",
            ("kirby", "assert"),
        ),
        # a short quote that is nothing but an expressive word is the speaker's
        ("Peskow nannte Berichte über nordkoreanische Soldaten „Fake News“.", ("peskov", "deny")),
        ("„Quatsch“, sagte Peskow zu Berichten über nordkoreanische Soldaten.", ("peskov", "deny")),
    ],
)
def test_cues_of_the_issue_in_german(text: str, expected: tuple, watchlist: Watchlist) -> None:
    assert pairs(claims_of(text, watchlist)) == {expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # all that comes before an attribution closing the sentence is the speaker's
        (
            "Whether North Korean troops will fight in Ukraine remains to be seen, Rutte said.",
            {("rutte", "doubt")},
        ),
        (
            "The reports of North Korean troops in Kursk are unverified, the Pentagon said.",
            {("us-intelligence", "doubt")},
        ),
        # `North Korean troops`: an adjective of nationality, not a speaker's name; the
        # outlet reporting itself speaks
        ("Reuters reported that North Korean troops were in Kursk.", {("reuters", "assert")}),
        # an outlet as the listener or in a dateline is not the speaker
        (
            "“North Korean troops are already in Kursk,” Lina Khatib, an analyst at Chatham "
            "House, told the Associated Press.",
            {("Lina Khatib", "assert")},
        ),
        (
            "SEOUL (Reuters) - North Korean troops have entered combat in Kursk, officials said.",
            set(),
        ),
    ],
)
def test_speakers_of_the_issue_in_english(text: str, expected: set, watchlist: Watchlist) -> None:
    assert (
        pairs(claims_of(text, watchlist, title="North Korean troops in the Ukraine war"))
        == expected
    )


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        # before anybody has spoken, the person named as a subject is who `er` points to
        (
            "Wladimir Putin trat am Freitag vor die Presse. Er bestritt, dass nordkoreanische "
            "Soldaten in Kursk kämpfen.",
            "Nordkorea-Soldaten im Ukraine-Krieg",
            {("putin", "deny")},
        ),
        (
            "Wladimir Putin trat am Freitag vor die Presse. Der 72-Jährige bestritt, dass "
            "nordkoreanische Soldaten in Kursk kämpfen.",
            "Nordkorea-Soldaten im Ukraine-Krieg",
            {("putin", "deny")},
        ),
        (
            "Vladimir Putin spoke to reporters on Friday. He denied that North Korean troops "
            "were fighting in Kursk.",
            "North Korean troops in the Ukraine war",
            {("putin", "deny")},
        ),
        # a compound naming an actor's spokesperson names the actor; before a name it is a title
        (
            "Die Angaben über nordkoreanische Soldaten seien widersprüchlich, sagte ein Nato-Sprecher.",
            "Nordkorea-Soldaten im Ukraine-Krieg",
            {("nato", "doubt")},
        ),
        (
            "Kreml-Sprecher Dmitri Peskow dementierte den Einsatz nordkoreanischer Soldaten.",
            "Nordkorea-Soldaten im Ukraine-Krieg",
            {("peskov", "deny")},
        ),
        (  # a compound of a lone letter names nobody
            "Ein s-Sprecher sagte, nordkoreanische Soldaten seien in Kursk.",
            "Nordkorea-Soldaten im Ukraine-Krieg",
            set(),
        ),
    ],
)
def test_who_speaks_without_being_named_at_the_verb(
    text: str, title: str, expected: set, watchlist: Watchlist
) -> None:
    assert pairs(claims_of(text, watchlist, title=title)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # nobody else speaks: the source a marker cites takes the stance
        (
            "Ob nordkoreanische Soldaten noch in Kursk sind, ist nach Angaben der Nato unklar.",
            {("nato", "doubt")},
        ),
        # a closed compound naming an actor's spokesperson
        (
            "Nordkoreanische Soldaten seien bereits in Kursk, erklärte ein Pentagonsprecher.",
            {("us-intelligence", "assert")},
        ),
    ],
)
def test_cited_sources_and_closed_compounds(text: str, expected: set, watchlist: Watchlist) -> None:
    assert pairs(claims_of(text, watchlist)) == expected


def test_an_english_body_nobody_listed_is_named(watchlist: Watchlist) -> None:
    """A capitalised English noun ending (`Department`) is part of a name, unlike German
    nouns such as `Regierung` that are capitalised anyway."""
    text = (
        "The Commerce Department did not respond to a request for comment on North Korean troops."
    )
    claims = claims_of(text, watchlist, title="North Korean troops in the Ukraine war")
    assert [(c.actor_text, c.stance) for c in claims] == [("Commerce Department", "evade")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the plural of every stance verb (`werfen ... vor`), with each subject its claim
        (
            "Die USA und Südkorea werfen Russland den Einsatz nordkoreanischer Soldaten vor.",
            {("united-states", "accuse"), ("south-korea", "accuse")},
        ),
        # an article and its noun before the verb are the subject: no name after the verb
        ("Die Abgeordneten werfen Russland den Einsatz nordkoreanischer Soldaten vor.", set()),
        # `zu verurteilen` is what is asked for, not what the asked one says
        (
            "Selenskyj forderte die Nato auf, den Einsatz nordkoreanischer Soldaten zu verurteilen.",
            {("zelensky", "accuse")},
        ),
    ],
)
def test_german_plural_verbs_and_their_subjects(
    text: str, expected: set, watchlist: Watchlist
) -> None:
    assert pairs(claims_of(text, watchlist)) == expected
