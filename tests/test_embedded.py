"""Pages whose body is not in their markup: JSON-LD articleBody, Next.js streamed HTML."""

from __future__ import annotations

import json

from extractors.article import from_html

BODY = [
    "Das Verteidigungsministerium in Kiew hat am Montag neue Zahlen vorgelegt.",
    "Nach Angaben des Ministeriums seien mindestens 3000 Soldaten im Einsatz gewesen.",
    "Ein Sprecher sagte, man habe Beweise, die man bald veröffentlichen werde.",
    "Die Regierung in Moskau wollte sich zu den Berichten zunächst nicht äußern.",
]


def _shell(head: str, scripts: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='de'><head><title>Neue Zahlen</title>{head}</head>"
        f"<body><div id='root'></div>{scripts}</body></html>"
    )


def test_a_next_js_page_is_read_from_its_streamed_html() -> None:
    fragment = "".join(f'<p class="editor-p">{p}</p>' for p in BODY)
    halves = [fragment[: len(fragment) // 2], fragment[len(fragment) // 2 :]]
    scripts = "".join(
        f"<script>self.__next_f.push([1,{json.dumps(part)}])</script>" for part in halves
    )
    article = from_html(_shell("", scripts), url="https://example.org/a")
    assert all(p in article.text for p in BODY[:1]) and "3000 Soldaten" in article.text
    assert article.language == "de"


def test_a_page_with_only_json_ld_article_body_is_read() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": "\n".join(BODY)}
    head = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    article = from_html(_shell(head, ""), url="https://example.org/b")
    assert "Beweise" in article.text and "nicht äußern" in article.text
