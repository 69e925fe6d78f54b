#!/usr/bin/env python3
"""Check the claimwatch state-actor gazetteer (*.yaml in this directory).

Verifies for every file:
  * valid YAML with a top-level ``actors`` list and a ``# Sources:`` header line;
  * each entry has the required keys id, group, kind, names (note optional,
    required for kind person) and no unknown keys;
  * id and group are lowercase-with-dashes; kind is person|state|body|media;
  * names is a non-empty list of non-empty, stripped strings;
  * ids are unique across ALL files;
  * no name is repeated, within an entry or across entries (compared
    case-insensitively, except that all-uppercase names such as "CIA" are
    compared case-sensitively because the matcher treats them that way);
    each duplicate is printed with both ids;
  * no name is shorter than 3 characters unless it is all-uppercase;
  * no bare generic title (e.g. "Präsident", "Foreign Minister") is a name.

Usage: python3 check.py [--quiet] [--stats]
Exit code 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import unicodedata
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
KINDS = {"person", "state", "body", "media"}
REQUIRED = ("id", "group", "kind", "names")
ALLOWED = set(REQUIRED) | {"note"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Bare titles that are shared by many countries and must always be qualified.
GENERIC_TITLES = {
    s.casefold()
    for s in [
        "Präsident",
        "Präsidentin",
        "President",
        "Staatschef",
        "Staatspräsident",
        "Regierungschef",
        "Ministerpräsident",
        "Premierminister",
        "Premier",
        "Prime Minister",
        "Chancellor",
        "Außenminister",
        "Außenministerin",
        "Foreign Minister",
        "Foreign Secretary",
        "Außenministerium",
        "Foreign Ministry",
        "Verteidigungsminister",
        "Verteidigungsministerin",
        "Defence Minister",
        "Defense Minister",
        "Defence Secretary",
        "Defense Secretary",
        "Verteidigungsministerium",
        "Defence Ministry",
        "Defense Ministry",
        "Regierung",
        "Government",
        "Regierungssprecher",
        "Government spokesman",
        "Sprecher",
        "Sprecherin",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Armee",
        "Army",
        "Militär",
        "Military",
        "Streitkräfte",
        "Armed Forces",
        "Geheimdienst",
        "Intelligence service",
        "Generalstab",
        "General Staff",
        "Parlament",
        "Parliament",
        "Nachrichtenagentur",
        "News agency",
        "Botschafter",
        "Ambassador",
        "Minister",
        "King",
        "König",
        "Vizepräsident",
        "Vice President",
        "Supreme Leader",
        "Staatsoberhaupt",
        "head of state",
        "Machthaber",
        "Diktator",
        "Regime",
        "the government",
        "die Regierung",
    ]
}


def is_upper(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def key(name: str) -> str:
    """Comparison key: NFC, whitespace collapsed; case-folded unless all-uppercase."""
    n = unicodedata.normalize("NFC", re.sub(r"\s+", " ", name).strip())
    return n if is_upper(n) else n.casefold()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quiet", action="store_true", help="only print problems and the verdict")
    ap.add_argument("--stats", action="store_true", help="print counts per group and kind")
    args = ap.parse_args()

    errors: list[str] = []
    files = sorted(HERE.glob("*.yaml"))
    if not files:
        print("no *.yaml files found", file=sys.stderr)
        return 1

    ids: dict[str, str] = {}  # id -> file
    names: dict[str, tuple[str, str, str]] = {}  # key -> (entry key, id, original name)
    per_file: dict[str, int] = {}
    by_group: collections.Counter[str] = collections.Counter()
    by_kind: collections.Counter[str] = collections.Counter()
    n_names = 0

    for path in files:
        text = path.read_text(encoding="utf-8")
        if not re.search(r"^# Sources:", text, re.M):
            errors.append(f"{path.name}: missing '# Sources:' header comment")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: YAML error: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
            errors.append(f"{path.name}: top-level key 'actors' must be a list")
            continue
        if set(data) - {"actors"}:
            errors.append(
                f"{path.name}: unexpected top-level keys {sorted(set(data) - {'actors'})}"
            )
        per_file[path.name] = len(data["actors"])
        for i, a in enumerate(data["actors"]):
            where = f"{path.name}[{i}]"
            if not isinstance(a, dict):
                errors.append(f"{where}: entry is not a mapping")
                continue
            aid = a.get("id")
            if isinstance(aid, str):
                where = f"{path.name}:{aid}"
            for k in REQUIRED:
                if k not in a:
                    errors.append(f"{where}: missing key '{k}'")
            extra = set(a) - ALLOWED
            if extra:
                errors.append(f"{where}: unknown keys {sorted(extra)}")
            if not isinstance(aid, str) or not ID_RE.match(aid):
                errors.append(f"{where}: bad id {aid!r}")
                continue
            if aid in ids:
                errors.append(f"{where}: duplicate id (also in {ids[aid]})")
            ids[aid] = path.name
            grp = a.get("group")
            if not isinstance(grp, str) or not ID_RE.match(grp):
                errors.append(f"{where}: bad group {grp!r}")
            kind = a.get("kind")
            if kind not in KINDS:
                errors.append(f"{where}: kind {kind!r} not in {sorted(KINDS)}")
            if kind == "person" and not (isinstance(a.get("note"), str) and a["note"].strip()):
                errors.append(f"{where}: person entries need a note (office and years)")
            if "note" in a and not isinstance(a["note"], str):
                errors.append(f"{where}: note must be a string")
            by_group[str(grp)] += 1
            by_kind[str(kind)] += 1
            nl = a.get("names")
            if not isinstance(nl, list) or not nl:
                errors.append(f"{where}: 'names' must be a non-empty list")
                continue
            for n in nl:
                if not isinstance(n, str) or not n.strip():
                    errors.append(f"{where}: bad name {n!r} (must be a non-empty string)")
                    continue
                n_names += 1
                if n != n.strip() or "  " in n:
                    errors.append(f"{where}: name {n!r} has stray whitespace")
                if len(n.strip()) < 3 and not is_upper(n):
                    errors.append(
                        f"{where}: name {n!r} shorter than 3 characters and not all-uppercase"
                    )
                if n.strip().casefold() in GENERIC_TITLES:
                    errors.append(f"{where}: bare generic title {n!r} must be qualified by country")
                k = key(n)
                entry_key = f"{path.name}[{i}]"
                if k in names:
                    other_entry, other_id, other_name = names[k]
                    if other_entry == entry_key:
                        errors.append(f"{where}: name {n!r} repeated within the entry")
                    else:
                        errors.append(
                            f"duplicate name {n!r}: {other_id} ({other_name!r}) and {aid}"
                        )
                else:
                    names[k] = (entry_key, aid, n)

    if not args.quiet:
        for f, c in per_file.items():
            print(f"{f:20s} {c:4d} entries")
        print(f"{'total':20s} {sum(per_file.values()):4d} entries, {n_names} names")
    if args.stats:
        print("kinds:", dict(sorted(by_kind.items())))
        print("groups:", dict(sorted(by_group.items())))
    for e in errors:
        print("ERROR", e)
    print("FAIL" if errors else "OK", f"({len(errors)} problems)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
