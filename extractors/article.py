"""Documents in, Articles out: plain text or HTML (through trafilatura). No network, no DB."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import trafilatura

from extractors.embedded import MIN_BODY, embedded_html
from extractors.errors import ExtractionError
from extractors.furniture import Block, clean_blocks
from extractors.language import SUPPORTED, detect_language
from extractors.lexicon import furniture_lexicon
from extractors.metadata import page_meta

SUFFIXES = (".txt", ".html", ".htm", ".html.gz", ".htm.gz")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# bytes that text never has: C0 controls but tab, newlines, form feed and escape, and DEL
_CONTROL = frozenset(range(0x20)) - set(b"\t\n\r\f\v\x1b") | {0x7F}
BINARY_SHARE = 0.05  # of the first 4 KiB; random bytes have about 12 %, text none


@dataclass
class Article:
    """One article's text and what is known about it."""

    text: str
    title: str = ""
    language: str = "und"
    published: date | None = None
    url: str | None = None
    outlet: str | None = None
    path: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # the cleaned text's headings and paragraphs, kept so claims need not clean it again
    blocks: list[Block] | None = field(default=None, repr=False, compare=False)


def is_document(path: Path) -> bool:
    """Whether a file name is one that `extract` reads."""
    return path.name.lower().endswith(SUFFIXES)


def read_bytes(path: Path) -> bytes:
    """The document's bytes, gunzipped when the name says so, with a size cap."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read ({exc.strerror})") from exc
    if path.name.lower().endswith(".gz"):
        try:
            decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = decomp.decompress(raw, MAX_DOCUMENT_BYTES + 1)
        except zlib.error as exc:
            raise ExtractionError(f"{path}: not valid gzip ({exc})") from exc
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ExtractionError(f"{path}: larger than {MAX_DOCUMENT_BYTES} bytes")
    return raw


def is_binary(raw: bytes) -> bool:
    """Whether bytes look like binary data rather than text or HTML in any encoding."""
    sample = raw[:4096]
    return bool(sample) and sum(b in _CONTROL for b in sample) > BINARY_SHARE * len(sample)


def decode_text(raw: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else Latin-1 fallback."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\x00", "")


def from_text(text: str, **meta: object) -> Article:
    """A plain-text article: the first non-empty line is its title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    title = next((line.strip() for line in lines if line.strip()), "")
    article = Article(text=text, title=title, **meta)  # type: ignore[arg-type]
    article.language = detect_language(text)
    return _without_furniture(article)


def from_html(html: bytes | str, url: str | None = None, **meta: object) -> Article:
    """An HTML page through trafilatura: main text without navigation or comments."""
    if isinstance(html, bytes):
        html = decode_text(html)
    if "<" not in html[:10000]:
        raise ExtractionError("not HTML: no markup in the first 10,000 characters")
    text = ""
    for favor_recall in (False, True):  # a second, more generous pass for unusual layouts
        text = (
            trafilatura.extract(
                html,
                url=url,
                include_comments=False,
                include_tables=False,
                include_images=False,
                with_metadata=False,
                deduplicate=False,  # True keeps a process-wide cache: a second copy of a text would vanish
                favor_recall=favor_recall,
            )
            or ""
        )
        if text.strip():
            break
    if len(text.strip()) < MIN_BODY:  # the body may live in a script, not in the markup
        text = max(text, _embedded_text(html, url), key=lambda t: len(t.strip()))
    if not text.strip():
        raise ExtractionError("no article text found in the page")
    meta_ = page_meta(html)
    title = meta_.title
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    article = Article(
        text=text,
        title=title,
        published=meta_.published,
        url=url,
        outlet=meta_.site_name,
        **meta,  # type: ignore[arg-type]
    )
    article.language = detect_language(text)
    return _without_furniture(article)


def _embedded_text(html: str, url: str | None) -> str:
    """The text of a body carried in JSON-LD or Next.js payloads, when the markup has none."""
    page = embedded_html(html)
    if page is None:
        return ""
    return trafilatura.extract(page, url=url, include_comments=False, favor_recall=True) or ""


def _without_furniture(article: Article) -> Article:
    """The article with navigation, captions, teasers and comments taken out.

    Only for the languages claims are read in: the cleaning rules are German and English,
    and another language's text is stored as trafilatura gave it."""
    if article.language not in SUPPORTED:
        return article
    blocks = clean_blocks(article.text, furniture_lexicon(article.language), article.title)
    article.text = "\n\n".join(block.text for block in blocks)
    article.blocks = blocks
    return article


def cut_text(article: Article, limit: int) -> bool:
    """Cut the article's text (and its blocks) to at most `limit` characters; whether it
    was longer. The blocks kept are those that begin within the limit, the last one cut."""
    if len(article.text) <= limit:
        return False
    if article.blocks is None:
        article.text = article.text[:limit]
        return True
    kept: list[Block] = []
    used = 0
    for block in article.blocks:
        room = limit - used
        if room <= 0:
            break
        kept.append(block if len(block.text) <= room else replace(block, text=block.text[:room]))
        used += len(block.text) + 2  # the blank line between blocks
    article.blocks = kept
    article.text = "\n\n".join(block.text for block in kept)
    return True


def load_document(path: Path) -> Article:
    """Read one file named .txt, .html or .html.gz into an Article; an error names the file."""
    raw = read_bytes(path)
    if is_binary(raw):
        raise ExtractionError(f"{path}: binary data, not a text or HTML document")
    if path.name.lower().endswith(".txt"):
        return from_text(decode_text(raw), path=str(path))
    try:
        return from_html(raw, path=str(path))
    except ExtractionError as exc:  # from_html does not know the file: add its name
        raise ExtractionError(f"{path}: {exc}") from exc


def body_text(html: bytes | str) -> str:
    """The article text of a page as `extract` keeps it, without its title line: what a
    publisher's body is compared with (`claimwatch.text_eval`)."""
    article = from_html(html)
    text = article.text
    if article.title and text.startswith(article.title):
        text = text[len(article.title) :].lstrip("\n")
    return text


def document_text(path: Path) -> str:
    """A document's text as attributions index it: a .txt file verbatim (as Python reads
    it, first line included), else the article text extracted from the HTML."""
    if not path.name.lower().endswith(".txt"):
        return load_document(path).text
    raw = read_bytes(path)
    if is_binary(raw):
        raise ExtractionError(f"{path}: binary data, not a text or HTML document")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def iter_documents(paths: list[Path]) -> list[Path]:
    """Expand folders (recursively) into their documents, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_document(p)))
        else:
            found.append(path)
    return found
