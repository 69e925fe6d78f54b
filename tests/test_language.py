"""Language detection: German and English are read, every other language is marked
unsupported instead of being taken for one of them."""

from __future__ import annotations

import json

import pytest
import yaml

from extractors.language import detect_language
from tests.conftest import ROOT, SHARED

FUNDUS = SHARED / "corpora" / "fundus"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das Pentagon sagte, mindestens 3.000 nordkoreanische Soldaten seien in Russland.", "de"),
        ("Der Kreml wollte sich am Montag nicht zu den Berichten äußern.", "de"),
        ("Zelensky said 15-hundred North Korean soldiers had died.", "en"),
        ("The Kremlin declined to comment on the reports on Monday.", "en"),
    ],
)
def test_one_sentence_is_enough(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Türkiye'de orman yangınları sürüyor ve itfaiye ekipleri bölgeye gönderildi.",  # Turkish
        "Eleverna på privatskolan trängde på natten in och misshandlade flera andra elever.",
        "Et stort flertal af befolkningen ønsker ikke, at landet træder ud af fællesskabet.",
        "Nordmannen i førtiårene, som var tiltalt for drapet, ble dømt til livstid i retten.",
        "Við komum til Noregs til að styðja við þá sem eru að fara að bera vitni.",
        "Friedrich Merz, najpoważniejszy kandydat na kanclerza, powiedział, że granice będą zamknięte.",
        "Soudkyně dokončila práci na rozsudku a obžalovaný podle ní vinu nepřiznal.",
        "Annelies Verlinden maakt de overstap naar het Europees Hof van Justitie.",
        "気象庁は13日、日向灘で震度5弱の地震があったと発表した。",
    ],
)
def test_other_languages_are_not_german_or_english(text: str) -> None:
    assert detect_language(text) not in ("de", "en")


@pytest.mark.skipif(
    not (FUNDUS / "gold.jsonl").is_file(), reason=f"the shared page corpus is not at {FUNDUS}"
)
def test_every_shared_page_gets_its_language() -> None:
    """devset/languages.yaml: the language of each of the 258 shared pages, checked by hand."""
    labels = yaml.safe_load((ROOT / "devset" / "languages.yaml").read_text(encoding="utf-8"))
    wrong = []
    for line in (FUNDUS / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        stem = page["file"].rsplit("/", 1)[-1].removesuffix(".html.gz")
        found = detect_language(f"{page['title']}\n{page['body']}")
        expected = labels["pages"][stem]
        if (found if found in ("de", "en") else "other") != expected:
            wrong.append(f"{stem}: {found}, labelled {expected}")
    assert not wrong, wrong
