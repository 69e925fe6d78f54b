"""A corpus folder with `manifest.yaml` (like `seeds/`): its articles in order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from claimwatch.errors import CorpusError
from claimwatch.yamlfile import read_yaml


@dataclass(frozen=True)
class CorpusEntry:
    """One article of a corpus as its manifest lists it."""

    path: Path
    published: dt.date
    url: str | None
    outlet: str | None


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError as exc:
            raise CorpusError(
                f"{where}: `published` is not a date (YYYY-MM-DD): {value!r}"
            ) from exc
    raise CorpusError(f"{where}: `published` is missing")


def read_manifest(folder: Path, order: str = "published") -> list[CorpusEntry]:
    """The manifest's articles, in publication order (or as listed, with order='manifest')."""
    manifest = folder / "manifest.yaml"
    if not folder.is_dir():
        raise CorpusError(f"corpus folder not found: {folder}")
    if not manifest.exists():
        raise CorpusError(f"{folder}: no manifest.yaml")
    data = read_yaml(manifest, CorpusError)
    items = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise CorpusError(f"{manifest}: `articles` must be a list")
    entries = []
    for n, item in enumerate(items):
        where = f"{manifest}: articles[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise CorpusError(f"{where}: needs a `file`")
        entries.append(
            CorpusEntry(
                path=folder / item["file"],
                published=_date(item.get("published"), where),
                url=item.get("url"),
                outlet=item.get("outlet"),
            )
        )
    if order == "published":
        entries.sort(key=lambda e: (e.published, e.path.name))
    return entries
