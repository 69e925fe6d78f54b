from extractors.sentences import split_sentences


def test_multi_sentence_quote_stays_with_trailing_speaker() -> None:
    text = (
        "„Quatsch. Ich kenne seinen Charakter. Putin würde niemals versuchen, ein anderes Land "
        "davon zu überzeugen. Es wäre ein Schritt zur Eskalation des Konflikts, wenn die "
        "Streitkräfte eines Landes an der Kontaktlinie stünden“, sagte Lukaschenko demnach. "
        "Der 70-Jährige meinte laut BBC weiter."
    )
    sentences = split_sentences(text)
    assert len(sentences) == 2
    assert sentences[0].startswith("„Quatsch.") and sentences[0].endswith(
        "sagte Lukaschenko demnach."
    )


def test_day_numbers_and_abbreviations_do_not_split() -> None:
    text = "Am 24. Oktober sagte er, z.B. Truppen. Dann kam Dr. Müller. Die USA warnten."
    assert split_sentences(text) == [
        "Am 24. Oktober sagte er, z.B. Truppen.",
        "Dann kam Dr. Müller.",
        "Die USA warnten.",
    ]


def test_english_quote_with_attribution() -> None:
    text = '"We have evidence. They are there," Kirby said. The Pentagon agreed.'
    assert split_sentences(text) == [
        '"We have evidence. They are there," Kirby said.',
        "The Pentagon agreed.",
    ]
