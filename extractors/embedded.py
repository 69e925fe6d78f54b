"""Article bodies that a page carries outside its HTML: JSON-LD `articleBody`, and the
HTML fragments a Next.js app streams in `self.__next_f.push([1, "..."])` scripts.

Used only when trafilatura finds no text in the page's markup itself.
"""

from __future__ import annotations

import html as htmllib
import json
import re

_LD = re.compile(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.I | re.S)
_NEXT = re.compile(r'self\.__next_f\.push\(\[1,\s*"((?:[^"\\]|\\.)*)"\]\)', re.S)
_MARKUP = re.compile(r"</?(?:p|h[1-6]|div|br|strong|em|blockquote|ul|li)\b", re.I)
MIN_BODY = 200


def embedded_html(page: str) -> str | None:
    """A minimal HTML page holding the embedded body, or None when there is none."""
    body = _ld_body(page)
    if body:
        paragraphs = "".join(f"<p>{htmllib.escape(p)}</p>" for p in body.split("\n") if p.strip())
        return f"<html><body><article>{paragraphs}</article></body></html>"
    fragments = []
    for raw in _NEXT.findall(page):
        try:
            text = json.loads(f'"{raw}"')
        except json.JSONDecodeError:
            continue
        if _MARKUP.search(text):  # a piece of the body, not the app's own data
            fragments.append(text)
    joined = "".join(fragments)
    if len(joined) < MIN_BODY or "<p" not in joined:
        return None
    return f"<html><body><article>{joined}</article></body></html>"


def _ld_body(page: str) -> str | None:
    for block in _LD.findall(page):
        try:
            data = json.loads(block.strip())
        except json.JSONDecodeError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]):
            body = item.get("articleBody") if isinstance(item, dict) else None
            if isinstance(body, str) and len(body) >= MIN_BODY:
                return body
    return None
