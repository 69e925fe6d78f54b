#!/usr/bin/env python3
"""Verify the claimwatch development-set labels.

Checks every labels/*.json file:
  * valid JSON with the expected keys;
  * "file" exists in the gold corpus and matches the label file's name;
  * language is "de" or "en";
  * stance is one of the six allowed values;
  * every quote is a substring of the page's gold body or title (after
    collapsing whitespace);
  * actor_text occurs in the body/title;
  * numbers are well-formed;
  * the topics file and actors file exist and parse; the claim's topic id is
    declared in the topics file; every actor id is declared in the actors file
    and the claim's group equals the group declared for that actor.
Also checks the format of every topics/*.yaml and actors/*.yaml file and
prints per-language counts (pages, claims, stances).

Usage: python3 check_labels.py [--gold PATH] [--root DIR] [--quiet]
(--root: folder holding topics/, actors/ and labels/; default: this script's folder)
Exit code 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

try:  # PyYAML is optional; without it the YAML files are only checked for existence
    import yaml  # type: ignore
except ImportError:  # pragma: no cover
    yaml = None

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fundus" / "gold.jsonl"
STANCES = {"confirm", "deny", "evade", "assert", "accuse", "doubt"}
QUALIFIERS = {"at_least", "about", "up_to", "more_than", "exact", "thousands"}
KINDS = {"person", "state", "body", "media"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLAIM_KEYS = {"actor", "actor_text", "group", "stance", "topic", "quote"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


SUFFIX = r"(?:e|en|er|es|s)?"


def term_regex(term: str) -> str:
    """Regex for one topic term: case-insensitive word or phrase; trailing * = prefix,
    otherwise the last word tolerates the endings -e/-en/-er/-es/-s."""
    words = term.strip().split()
    parts = []
    for i, w in enumerate(words):
        if w.endswith("*"):
            parts.append(re.escape(w[:-1]) + r"\w*")
        else:
            parts.append(re.escape(w) + (SUFFIX if i == len(words) - 1 else ""))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def topic_matches(text: str, topic: dict) -> bool:
    """True when text contains a term from every match group and no exclude term."""

    def hit(terms):
        return any(re.search(term_regex(t), text, re.IGNORECASE) for t in terms)

    if any(hit([t]) for t in topic.get("exclude") or []):
        return False
    return all(hit(group) for group in topic.get("match") or [])


def load_gold(path: Path) -> dict[str, dict]:
    gold = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                gold[rec["file"]] = rec
    return gold


def load_yaml(path: Path, errors: list[str]):
    if yaml is None:
        return None
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{path.name}: YAML error: {exc}")
        return None


TOPIC_DEFS: dict[str, dict] = {}


def check_topics(path: Path, errors: list[str]) -> set[str]:
    data = load_yaml(path, errors)
    if data is None:
        return set()
    ids = set()
    where = f"topics/{path.name}"
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        errors.append(f"{where}: top-level key 'topics' must be a list")
        return ids
    for t in data["topics"]:
        tid = t.get("id")
        if not isinstance(tid, str) or not ID_RE.match(tid):
            errors.append(f"{where}: bad topic id {tid!r}")
            continue
        ids.add(tid)
        TOPIC_DEFS[tid] = t
        if not isinstance(t.get("title"), str) or not t["title"].strip():
            errors.append(f"{where}: {tid}: missing title")
        about = t.get("about")
        if (
            not isinstance(about, list)
            or not about
            or not all(isinstance(a, str) and ID_RE.match(a) for a in about)
        ):
            errors.append(f"{where}: {tid}: 'about' must be a non-empty list of ids")
        match = t.get("match")
        if not isinstance(match, list) or not 1 <= len(match) <= 2:
            errors.append(f"{where}: {tid}: 'match' must hold 1 or 2 term groups")
        else:
            for grp in match:
                if (
                    not isinstance(grp, list)
                    or not grp
                    or not all(isinstance(x, str) and x.strip() for x in grp)
                ):
                    errors.append(
                        f"{where}: {tid}: each match group must be a non-empty list of strings"
                    )
        excl = t.get("exclude")
        if excl is not None and (
            not isinstance(excl, list) or not all(isinstance(x, str) for x in excl)
        ):
            errors.append(f"{where}: {tid}: 'exclude' must be a list of strings")
        extra = set(t) - {"id", "title", "about", "match", "exclude"}
        if extra:
            errors.append(f"{where}: {tid}: unexpected keys {sorted(extra)}")
    return ids


def check_actors(path: Path, errors: list[str]) -> dict[str, str]:
    data = load_yaml(path, errors)
    actors: dict[str, str] = {}
    if data is None:
        return actors
    where = f"actors/{path.name}"
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        errors.append(f"{where}: top-level key 'actors' must be a list")
        return actors
    for a in data["actors"]:
        aid, grp = a.get("id"), a.get("group")
        if not isinstance(aid, str) or not ID_RE.match(aid):
            errors.append(f"{where}: bad actor id {aid!r}")
            continue
        if aid in actors:
            errors.append(f"{where}: duplicate actor id {aid}")
        if not isinstance(grp, str) or not ID_RE.match(grp):
            errors.append(f"{where}: {aid}: bad group {grp!r}")
        if a.get("kind") not in KINDS:
            errors.append(f"{where}: {aid}: kind must be one of {sorted(KINDS)}")
        names = a.get("names")
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and n.strip() for n in names)
        ):
            errors.append(f"{where}: {aid}: 'names' must be a non-empty list of strings")
        actors[aid] = grp
    return actors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument(
        "--root",
        type=Path,
        default=HERE,
        help="folder holding topics/, actors/ and labels/ (default: this script's folder)",
    )
    ap.add_argument("--quiet", action="store_true", help="only print errors and the final verdict")
    ap.add_argument(
        "--coverage",
        action="store_true",
        help="informational: per page, how many claim quotes the topic's match terms find",
    )
    args = ap.parse_args()
    root = args.root.resolve()

    gold = load_gold(args.gold)
    errors: list[str] = []
    if yaml is None:
        print("warning: PyYAML not installed; topics/actors files are only checked for existence")

    topic_cache: dict[Path, set[str]] = {}
    actor_cache: dict[Path, dict[str, str]] = {}
    for p in sorted((root / "topics").glob("*.yaml")):
        topic_cache[p.resolve()] = check_topics(p, errors)
    for p in sorted((root / "actors").glob("*.yaml")):
        actor_cache[p.resolve()] = check_actors(p, errors)

    pages = collections.Counter()
    claims = collections.Counter()
    stances: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    coverage: list[str] = []
    label_files = sorted((root / "labels").glob("*.json"))
    if not label_files:
        errors.append("no label files found in labels/")

    for lf in label_files:
        where = f"labels/{lf.name}"
        try:
            lab = json.loads(lf.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{where}: invalid JSON: {exc}")
            continue
        for key in ("file", "language", "topics", "actors", "claims"):
            if key not in lab:
                errors.append(f"{where}: missing key {key!r}")
        if any(k not in lab for k in ("file", "claims")):
            continue
        fname = lab["file"]
        stem = fname.removeprefix("html/").removesuffix(".html.gz")
        if lf.stem != stem:
            errors.append(f"{where}: file name does not match page stem {stem!r}")
        rec = gold.get(fname)
        if rec is None:
            errors.append(f"{where}: {fname} not in gold corpus")
            continue
        lang = lab.get("language")
        if lang not in ("de", "en"):
            errors.append(f"{where}: language must be 'de' or 'en', got {lang!r}")
        haystack = norm(rec.get("body") or "") + " \u2016 " + norm(rec.get("title") or "")

        tpath = (root / str(lab.get("topics", ""))).resolve()
        apath = (root / str(lab.get("actors", ""))).resolve()
        if not tpath.is_file():
            errors.append(f"{where}: topics file {lab.get('topics')} missing")
        if not apath.is_file():
            errors.append(f"{where}: actors file {lab.get('actors')} missing")
        topic_ids = topic_cache.get(tpath, set())
        actors = actor_cache.get(apath, {})

        if not isinstance(lab["claims"], list) or not lab["claims"]:
            errors.append(f"{where}: 'claims' must be a non-empty list")
            continue
        pages[lang] += 1
        seen = set()
        n_match = 0
        for i, c in enumerate(lab["claims"]):
            cw = f"{where}: claim {i}"
            missing = CLAIM_KEYS - set(c)
            if missing:
                errors.append(f"{cw}: missing keys {sorted(missing)}")
                continue
            extra = set(c) - CLAIM_KEYS - {"numbers"}
            if extra:
                errors.append(f"{cw}: unexpected keys {sorted(extra)}")
            if c["stance"] not in STANCES:
                errors.append(f"{cw}: bad stance {c['stance']!r}")
            q = norm(c["quote"])
            if not q:
                errors.append(f"{cw}: empty quote")
            elif q not in haystack:
                errors.append(f"{cw}: quote not found in body/title: {q[:90]!r}")
            if norm(c["actor_text"]) not in haystack:
                errors.append(f"{cw}: actor_text not found in body/title: {c['actor_text']!r}")
            if (c["actor"], q) in seen:
                errors.append(f"{cw}: duplicate claim")
            seen.add((c["actor"], q))
            if yaml is not None:
                if c["topic"] not in topic_ids:
                    errors.append(f"{cw}: topic {c['topic']!r} not declared in {lab.get('topics')}")
                if c["actor"] not in actors:
                    errors.append(f"{cw}: actor {c['actor']!r} not declared in {lab.get('actors')}")
                elif actors[c["actor"]] != c["group"]:
                    errors.append(
                        f"{cw}: group {c['group']!r} differs from declared group {actors[c['actor']]!r} of {c['actor']}"
                    )
            for n in c.get("numbers") or []:
                if not isinstance(n, dict) or set(n) != {"value", "qualifier", "counts"}:
                    errors.append(
                        f"{cw}: number entries need exactly value/qualifier/counts: {n!r}"
                    )
                    continue
                if not isinstance(n["value"], (int, float)) or isinstance(n["value"], bool):
                    errors.append(f"{cw}: number value must be numeric: {n!r}")
                if n["qualifier"] not in QUALIFIERS:
                    errors.append(f"{cw}: bad number qualifier {n['qualifier']!r}")
                if not isinstance(n["counts"], str) or not n["counts"]:
                    errors.append(f"{cw}: number 'counts' must be a non-empty string")
            claims[lang] += 1
            stances[lang][c["stance"]] += 1
            if c.get("topic") in TOPIC_DEFS and topic_matches(q, TOPIC_DEFS[c["topic"]]):
                n_match += 1
        coverage.append(
            f"{lf.stem}: {n_match}/{len(lab['claims'])} claim quotes matched by topic terms"
        )

    if not args.quiet:
        for lang in sorted(pages):
            st = ", ".join(f"{s} {stances[lang][s]}" for s in sorted(STANCES))
            print(f"{lang}: {pages[lang]} pages, {claims[lang]} claims ({st})")
        tot = collections.Counter()
        for lang in stances:
            tot.update(stances[lang])
        print(
            f"total: {sum(pages.values())} pages, {sum(claims.values())} claims "
            f"({', '.join(f'{s} {tot[s]}' for s in sorted(STANCES))})"
        )
    if args.coverage:
        for line in coverage:
            print("coverage", line)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
