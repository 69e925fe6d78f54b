"""What each command does, once its arguments are parsed."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from alerts.feedfiles import write_feeds
from alerts.story import build_story, said_of
from claimwatch.attribution_eval import evaluate_attributions
from claimwatch.chart import chart_format, write_chart
from claimwatch.corpus import read_manifest
from claimwatch.errors import CorpusError, DocumentError, single_line
from claimwatch.evaluate import devset_documents, evaluate, standard_documents
from claimwatch.pipeline import replay_entry
from claimwatch.progress import progress
from claimwatch.settings import Settings, default_config_dir
from claimwatch.story_eval import evaluate_stories, story_folders, total
from extractors.article import document_text, iter_documents, load_document
from extractors.attribution import find_attributions
from extractors.claims import read_claims
from extractors.language import SUPPORTED, detect_language
from extractors.watchlist import Watchlist, load_topics, load_watchlist, load_watchlist_actors
from storage.db import open_database, transaction
from storage.ledger import timeline
from storage.models import Article, Claim

log = logging.getLogger("claimwatch")


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.load(
        config_dir=args.config,
        topics_file=args.topics,
        actors_file=args.actors,
        database_url=getattr(args, "db", None),
    )


def _watchlist(settings: Settings) -> Watchlist:
    return load_watchlist(settings.topics_file, settings.actors_file)


def _documents(names: list[str]) -> tuple[list[Path], int]:
    """The documents of the paths given (folders expanded), and how many paths were
    missing or empty (each reported as one line)."""
    failed = 0
    paths = [Path(p) for p in names]
    for missing in (p for p in paths if not p.exists()):
        print(f"claimwatch: error: {missing}: no such file or folder", file=sys.stderr)
        failed += 1
    for empty in (p for p in paths if p.is_dir() and not iter_documents([p])):
        print(f"claimwatch: error: {empty}: no .txt, .html or .html.gz documents", file=sys.stderr)
        failed += 1
    return iter_documents([p for p in paths if p.exists()]), failed


def cmd_extract(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    watchlist = _watchlist(settings)
    documents, failed = _documents(args.paths)
    with progress("extract", len(documents), args.no_progress) as tracker:
        for path in documents:
            try:
                article = load_document(path)
            except DocumentError as exc:  # reported and skipped: the other documents go on
                tracker.fail(single_line(str(exc)))
                continue
            read = read_claims(article, watchlist)
            record = {
                "path": str(path),
                "title": article.title,
                "language": article.language,
                "published": article.published.isoformat() if article.published else None,
                "url": article.url,
                "outlet": article.outlet,
                "claims_supported": article.language in SUPPORTED,
                "text": article.text,
                "claims": [c.as_dict() for c in read.claims],
                # stances the article recalls as earlier (`had denied`): no position today
                "past_claims": [c.as_dict() for c in read.past],
            }
            tracker.out.write(dumps(record) + "\n")
            tracker.step()
    failed += tracker.failed
    return 1 if failed else 0


def cmd_attributions(args: argparse.Namespace) -> int:
    """Every attribution of each document, as one JSON object per document."""
    settings = settings_from(args)
    watchlist = load_watchlist_actors(settings.actors_file)
    documents, failed = _documents(args.paths)
    with progress("attributions", len(documents), args.no_progress) as tracker:
        for path in documents:
            try:
                text = document_text(path)
            except DocumentError as exc:  # reported and skipped: the other documents go on
                tracker.fail(single_line(str(exc)))
                continue
            language = args.language or detect_language(text)
            found = find_attributions(text, language, watchlist)
            record = {
                "path": str(path),
                "language": language,
                "attributions": [a.as_dict() for a in found],
            }
            tracker.out.write(dumps(record) + "\n")
            tracker.step()
    return 1 if failed + tracker.failed else 0


def cmd_replay(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    watchlist = _watchlist(settings)
    entries = read_manifest(Path(args.corpus), order=args.order)
    sessions = open_database(settings.database_url)
    with progress("replay", len(entries), args.no_progress) as tracker:
        for entry in entries:
            try:
                alerts = replay_entry(sessions, entry, watchlist)
            except DocumentError as exc:  # reported and skipped: the other documents go on
                tracker.fail(single_line(str(exc)))
                continue
            log.info("%s: %d new alerts", entry.path.name, len(alerts))
            for alert in alerts:
                tracker.out.write(dumps(alert) + "\n")
            tracker.out.flush()
            tracker.step()
    titles = {topic.id: topic.title for topic in watchlist.topics}
    changed = write_feeds(sessions, settings.feeds_dir(), titles)
    log.info("feeds: %d of %d changed in %s", len(changed), len(titles), settings.feeds_dir())
    failed = tracker.failed
    return 1 if failed else 0


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_timeline(args: argparse.Namespace) -> int:
    if args.chart:
        chart_format(args.chart)  # a wrong suffix is refused before the database is opened
    settings = settings_from(args)
    topics = {t.id: t for t in load_topics(settings.topics_file)}
    sessions = open_database(settings.database_url, must_exist=True)
    with transaction(sessions) as session:
        rows = timeline(session, args.topic)
        if not rows and args.topic not in topics:
            print(
                f"claimwatch: error: unknown topic {args.topic!r} (known: {', '.join(sorted(topics))})",
                file=sys.stderr,
            )
            return 1
        if args.chart:
            return _chart(args, settings, rows)
        if args.json:
            for claim, article in rows:
                record = {
                    "published": claim.published.isoformat(),
                    "actor": claim.actor,
                    "group": claim.group,
                    "stance": claim.stance,
                    "numbers": claim.numbers,
                    "quote": claim.quote,
                    "outlet": article.outlet,
                    "source": article.url or article.path,
                    "evidence": claim.evidence or [],
                    "confidence": claim.confidence,
                }
                sys.stdout.write(dumps(record) + "\n")
            return 0
        header = (
            f"{'date':10}  {'actor':22}  {'stance':7}  {'quote':{args.width}}  {'trust':6}  outlet"
        )
        print(header)
        print("-" * len(header))
        for claim, article in rows:
            who = _clip(
                f"{claim.actor} ({claim.group})" if claim.group != claim.actor else claim.actor, 22
            )
            outlet = article.outlet or Path(article.path or article.url or "").name
            print(
                f"{claim.published.isoformat():10}  {who:22}  {claim.stance:7}  "
                f"{_clip(claim.quote, args.width):{args.width}}  {claim.confidence or '-':6}  {outlet}"
            )
    return 0


def _chart(args: argparse.Namespace, settings: Settings, rows: list[tuple[Claim, Article]]) -> int:
    """Write the topic's chart and print its path."""
    watchlist = _watchlist(settings)
    topic = next((t for t in watchlist.topics if t.id == args.topic), None)
    title = topic.title if topic else args.topic
    about = topic.about if topic else ()
    story = build_story(args.topic, title, said_of(rows), watchlist.display_name, about)
    write_chart(story, args.chart)
    print(args.chart)
    return 0


def cmd_evaluate_attribution(args: argparse.Namespace) -> int:
    """Score the attributions of an annotated folder, in total and by form."""
    folder = Path(args.attribution)
    watchlist = load_watchlist_actors(Settings.load().actors_file)
    count = len(list(folder.glob("*.ann.json"))) if folder.is_dir() else 0
    with progress("evaluate", count, args.no_progress) as tracker:
        language = args.language or _folder_language(folder)
        total, forms = evaluate_attributions(folder, language, watchlist, tracker.step)
    scores = {"all": total.figures(), "by_form": {f: t.figures() for f, t in forms.items()}}
    if args.json:
        sys.stdout.write(dumps({"language": language, **scores}) + "\n")
        return 0
    print(
        f"{'form':22} {'gold':>6} {'cue P':>6} {'cue R':>6} {'cue F1':>6} {'src F1':>6} speaker acc"
    )
    ordered = sorted(scores["by_form"].items(), key=lambda kv: -int(kv[1]["gold"]))
    for form, f in [("all", scores["all"]), *ordered]:
        # a prediction has no annotated form: precision is over all predictions only
        precision = (
            f"{f['cue_p']:6.3f} {f['cue_r']:6.3f} {f['cue_f1']:6.3f}"
            if form == "all"
            else f"{'-':>6} {f['cue_r']:6.3f} {'-':>6}"
        )
        print(f"{form:22} {f['gold']:6} {precision} {f['source_f1']:6.3f} {f['speaker_acc']:11.3f}")
    return 0


def _folder_language(folder: Path) -> str:
    """The language of an annotated folder, from its first texts."""
    texts = [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))[:20]
    ]
    return detect_language("\n".join(texts))


def cmd_evaluate_stories(args: argparse.Namespace) -> int:
    """Replay each labelled story and print its alert scores, then the total."""
    root = Path(args.stories)
    folders = story_folders(root)
    actors = Settings.load().actors_file  # the packaged gazetteer's actors, as a user has
    with progress("evaluate", len(folders), args.no_progress) as tracker:
        scores = evaluate_stories(root, actors, tracker.step)
    every = [*scores, total(scores)]
    if args.json:
        sys.stdout.write(dumps({s.story: s.as_dict() for s in every}) + "\n")
        return 0
    print(
        f"{'story':16}  {'alerts':>6}  {'right':>6}  {'high':>4}  {'high right':>10}  "
        f"{'reversals on time':>17}  {'delay (days)':12}  false reversals"
    )
    for s in every:
        row = s.as_dict()
        print(
            f"{s.story:16}  {s.alerts:6}  {_share(row['precision']):>6}  {s.high:4}  "
            f"{_share(row['high_precision']):>10}  {f'{s.on_time} of {s.reversals}':>17}  "
            f"{', '.join(map(str, s.delays)) or '-':12}  {s.false_reversals}"
        )
    for s in scores:
        for line in s.failed:
            print(f"claimwatch: {s.story}: {line}", file=sys.stderr)
    if args.errors:
        for line in every[-1].wrong:
            print(f"wrong: {line}")
    return 0


def _share(value: object) -> str:
    return "-" if value is None else f"{value:.3f}"


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.stories:
        return cmd_evaluate_stories(args)
    if args.attribution:
        return cmd_evaluate_attribution(args)
    # the held-out pages nobody tuned on are scored on their own labels, without the seeds
    devset = Path(args.devset) / "heldout" if args.heldout else Path(args.devset)
    pages = Path(args.pages)
    if not (devset / "labels").is_dir():
        raise CorpusError(f"no labels in {devset}/labels")
    if not pages.is_dir():
        raise CorpusError(f"pages folder not found: {pages} (the shared fundus corpus)")
    documents = (
        devset_documents(devset, pages)
        if args.heldout
        else standard_documents(devset, pages, default_config_dir().parent)
    )
    with progress("evaluate", len(documents), args.no_progress) as tracker:
        reports = evaluate(documents, tracker.step)
    if args.json:
        sys.stdout.write(dumps({lang: r.as_dict() for lang, r in sorted(reports.items())}) + "\n")
        return 0
    print(
        f"{'lang':4}  {'docs':>4}  {'side+polarity P/R/F1':>22}  {'actor+stance P/R/F1':>22}  stance acc"
    )
    for lang, report in sorted(reports.items()):
        sp, ast = report.side_polarity, report.actor_stance
        print(
            f"{lang:4}  {report.documents:4}  {sp.precision:6.3f} {sp.recall:6.3f} {sp.f1:6.3f}  "
            f"   {ast.precision:6.3f} {ast.recall:6.3f} {ast.f1:6.3f}  {report.stance_accuracy:10.3f}"
        )
    if args.errors:
        for report in reports.values():
            for line in report.errors:
                print(line)
    return 0
