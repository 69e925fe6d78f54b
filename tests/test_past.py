"""Past and present (issue 14): a stance the article recalls as earlier is kept apart from
the positions it reports, and never decides a position on the article's date."""

from __future__ import annotations

import pytest

from extractors.article import from_text
from extractors.claims import read_claims
from extractors.watchlist import Watchlist

DE = "Nordkorea-Soldaten im Ukraine-Krieg"
EN = "North Korean troops in Russia"


def _read(text: str, watchlist: Watchlist, title: str) -> tuple[set, set]:
    read = read_claims(from_text(f"{title}\n\n{text}"), watchlist)
    return {(c.group, c.stance) for c in read.claims}, {(c.group, c.stance) for c in read.past}


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Russland hatte den Einsatz nordkoreanischer Soldaten zunächst bestritten.", DE),
        (
            "Offiziell bestätigt hatten den Einsatz nordkoreanischer Soldaten bisher weder Moskau noch Pjöngjang.",
            DE,
        ),
        ("Der Kreml bestritt den Einsatz nordkoreanischer Soldaten jahrelang.", DE),
        ("Russia had denied that North Korean troops were fighting in Kursk.", EN),
        ("Russia initially denied that North Korean troops were fighting in Kursk.", EN),
        (
            "The Kremlin, which denied the presence of North Korean troops for months, kept silent.",
            EN,
        ),
    ],
)
def test_a_recalled_stance_is_no_position_today(
    text: str, title: str, watchlist: Watchlist
) -> None:
    present, _ = _read(text, watchlist, title)
    assert not {side for side, _ in present} & {"russia", "north-korea"}, present


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Nach tagelangen Dementis räumte der Kreml den Einsatz nordkoreanischer Soldaten ein.",
            DE,
        ),
        (
            "After weeks of denials, the Kremlin confirmed that North Korean troops fought in Kursk.",
            EN,
        ),
    ],
)
def test_the_stance_told_now_wins_over_the_one_recalled(
    text: str, title: str, watchlist: Watchlist
) -> None:
    present, _ = _read(text, watchlist, title)
    assert ("russia", "confirm") in present and ("russia", "deny") not in present


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Russland bestreitet den Einsatz nordkoreanischer Soldaten.", DE),
        ("Der Kreml wollte den Einsatz nordkoreanischer Soldaten zunächst nicht bestätigen.", DE),
        ("Russia has denied for months that North Korean troops are fighting in Kursk.", EN),
    ],
)
def test_a_stance_that_still_holds_stays_a_position(
    text: str, title: str, watchlist: Watchlist
) -> None:
    present, past = _read(text, watchlist, title)
    assert {side for side, _ in present} & {"russia"} and not past, (present, past)


def test_the_recalled_stance_is_kept_apart_as_what_was_said_before(watchlist: Watchlist) -> None:
    text = "Russia had denied that North Korean troops were fighting in Kursk."
    present, past = _read(text, watchlist, EN)
    assert not present and ("russia", "deny") in past


def test_a_verb_joined_to_a_stance_told_as_earlier_is_earlier_too(watchlist: Watchlist) -> None:
    text = (
        "The Kremlin denied it for months, and attacked the reports about North Korean "
        "troops as lies."
    )
    present, past = _read(text, watchlist, EN)
    assert present == set()
    assert ("russia", "deny") in past
    # a past perfect alone is background that may still hold: the second verb stays
    still = (
        "Der Kreml hatte den Einsatz nordkoreanischer Soldaten bestritten und die Berichte "
        "über nordkoreanische Soldaten als Propaganda bezeichnet."
    )
    present, past = _read(still, watchlist, DE)
    assert ("russia", "deny") in past
    # and a stance joined without `and` to an earlier one is today's: `after years of denials`
    now, _ = _read(
        "Nach jahrelangen Dementis räumte der Kreml den Einsatz nordkoreanischer Soldaten ein.",
        watchlist,
        DE,
    )
    assert ("russia", "confirm") in now
