"""The `claimwatch` command: extract, replay, timeline, alerts.

Every command has --help with an example. Errors are one line on stderr and a
non-zero exit; a bad document is reported and skipped, never the end of the run.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from claimwatch import __version__
from claimwatch.cli_mute import add_mute_commands
from claimwatch.cli_options import Parser as _Parser
from claimwatch.cli_options import command as _command
from claimwatch.cli_options import db_option as _db_option
from claimwatch.cli_options import lazy as _lazy
from claimwatch.cli_options import positive as _positive
from claimwatch.cli_options import progress_option as _progress_option
from claimwatch.cli_options import server_options as _server_options
from claimwatch.cli_options import watch_options as _watch_options
from claimwatch.errors import ClaimwatchError, single_line

log = logging.getLogger("claimwatch")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="claimwatch",
        description="A news monitor that tells you when the story changes.",
        epilog="example:\n  claimwatch replay seeds && claimwatch timeline nk-troops",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"claimwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    extract = _command(
        sub,
        "extract",
        "Print each document's text and claims as one JSON object per line (no DB, no network).",
        "claimwatch extract seeds/ page.html.gz --topics my-topics.yaml",
    )
    extract.add_argument(
        "paths", nargs="+", metavar="PATH", help=".txt, .html, .html.gz or folders"
    )
    _watch_options(extract)
    _progress_option(extract)
    extract.set_defaults(func=_lazy("claimwatch.commands:cmd_extract"))

    attributions = _command(
        sub,
        "attributions",
        "Print who said what in every sentence (cue, source, content, form as character "
        "spans), one JSON object per document; no topic needed.",
        "claimwatch attributions article.txt ../shared/corpora/spkatt/train --language de",
    )
    attributions.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=".txt (offsets into the file as it is), "
        ".html, .html.gz (offsets into the extracted text) or folders",
    )
    attributions.add_argument(
        "--language", choices=("de", "en"), help="the documents' language (default: detected)"
    )
    _watch_options(attributions)
    _progress_option(attributions)
    attributions.set_defaults(func=_lazy("claimwatch.commands:cmd_attributions"))

    replay = _command(
        sub,
        "replay",
        "Run a corpus folder with manifest.yaml through the pipeline; print new alerts as JSON lines.",
        "claimwatch replay seeds --db sqlite:///var/seeds.db",
    )
    replay.add_argument("corpus", metavar="CORPUS", help="folder with manifest.yaml")
    replay.add_argument(
        "--order",
        choices=("published", "manifest"),
        default="published",
        help="feed articles by publication date (default) or as the manifest lists them",
    )
    _watch_options(replay)
    _db_option(replay)
    _progress_option(replay)
    replay.set_defaults(func=_lazy("claimwatch.commands:cmd_replay"))

    timeline = _command(
        sub,
        "timeline",
        "Show a topic's claim ledger as a table (date, actor, stance, quote, outlet), as JSON, "
        "or as a chart of the sides' positions over time.",
        "claimwatch timeline nk-troops --json\n  claimwatch timeline nk-troops --chart var/nk-troops.png",
    )
    timeline.add_argument("topic", metavar="TOPIC", help="topic id from topics.yaml")
    shape = timeline.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one JSON object per claim")
    shape.add_argument(
        "--chart",
        metavar="FILE",
        type=Path,
        help="write a chart (.png or .svg): one lane per side, stance by colour and marker, "
        "figures below",
    )
    timeline.add_argument("--width", type=_positive, default=90, help="quote width in the table")
    _watch_options(timeline)
    _db_option(timeline)
    timeline.set_defaults(func=_lazy("claimwatch.commands:cmd_timeline"))

    run = _command(
        sub,
        "run",
        "Run one monitoring pass over DIR/feeds.yaml in-process; print new alerts as JSON lines.",
        "claimwatch run --config ~/claimwatch-config --db sqlite:///var/claimwatch.db",
    )
    run.add_argument(
        "--prefect-home",
        default="var/prefect",
        metavar="DIR",
        help="where the temporary Prefect server keeps its data when PREFECT_API_URL is unset",
    )
    _watch_options(run)
    _db_option(run)
    run.set_defaults(func=_lazy("claimwatch.service:cmd_run"))

    serve = _command(
        sub,
        "serve",
        "Serve the monitor on its schedule as a Prefect deployment (starts a local Prefect "
        "server with its dashboard unless PREFECT_API_URL is set).",
        "claimwatch serve --config config --now",
    )
    serve.add_argument("--now", action="store_true", help="also start a pass right away")
    _server_options(serve)
    serve.add_argument(
        "--prefect-home", default="var/prefect", metavar="DIR", help="local Prefect server data"
    )
    _watch_options(serve)
    _db_option(serve)
    serve.set_defaults(func=_lazy("claimwatch.service:cmd_serve"))

    deploy = _command(
        sub,
        "deploy",
        "Register the monitor (and with --shards N its shard runs) on a Prefect work pool of "
        "the server in PREFECT_API_URL; `prefect worker start --pool NAME` runs the passes.",
        "PREFECT_API_URL=http://127.0.0.1:4200/api claimwatch deploy --config config "
        "--pool claimwatch --shards 4",
    )
    deploy.add_argument("--pool", required=True, metavar="NAME", help="work pool (process type)")
    deploy.add_argument(
        "--shards",
        type=_positive,
        default=1,
        metavar="N",
        help="split each pass into N shard runs, feeds by host (default: 1, one run per pass)",
    )
    _watch_options(deploy)
    deploy.set_defaults(func=_lazy("claimwatch.deploy:cmd_deploy"))

    health = _command(
        sub,
        "health",
        "Exit 0 while `serve` serves monitor/claimwatch (for a container healthcheck).",
        "PREFECT_API_URL=http://127.0.0.1:4200/api claimwatch health",
    )
    _server_options(health)
    health.set_defaults(func=_lazy("claimwatch.service:cmd_health"))

    alerts = _command(
        sub,
        "alerts",
        "The alert outbox: list it, test the routes, send what is pending, mute, ack.",
        "claimwatch alerts list --status pending --json",
    )
    alerts_sub = alerts.add_subparsers(
        dest="alerts_command", metavar="ACTION", parser_class=_Parser
    )
    alerts_sub.required = True
    alerts_list = _command(
        alerts_sub,
        "list",
        "List alerts with their status (pending, delivered, failed, muted), whether acked, and "
        "where each stands per route (delivered, waiting-for-digest, retrying, failed, muted, "
        "pending).",
        "claimwatch alerts list --status failed --json",
    )
    alerts_list.add_argument("--status", choices=("pending", "delivered", "failed", "muted"))
    alerts_list.add_argument(
        "--muted", action="store_true", help="muted alerts only (same as --status muted)"
    )
    alerts_list.add_argument(
        "--json", action="store_true", help="one JSON object per alert, with its routes"
    )
    _watch_options(alerts_list)
    _db_option(alerts_list)
    alerts_list.set_defaults(func=_lazy("claimwatch.alert_commands:cmd_alerts_list"))
    add_mute_commands(alerts_sub)
    alerts_feed = _command(
        alerts_sub,
        "feed",
        "Write a topic's alerts as an Atom feed now (default: FEEDS_DIR/TOPIC.xml; "
        "FEEDS_DIR is $CLAIMWATCH_FEEDS_DIR, else feeds_dir of alerts.yaml, else var/feeds).",
        "claimwatch alerts feed nk-troops --out - | head",
    )
    alerts_feed.add_argument("topic", metavar="TOPIC", help="topic id from topics.yaml")
    alerts_feed.add_argument(
        "--out", metavar="FILE", help="write the feed to FILE instead, or to stdout with -"
    )
    _watch_options(alerts_feed)
    _db_option(alerts_feed)
    alerts_feed.set_defaults(func=_lazy("claimwatch.alert_commands:cmd_alerts_feed"))
    alerts_test = _command(
        alerts_sub,
        "test",
        "Send a test message to every URL of every route (DIR/alerts.yaml, "
        "$CLAIMWATCH_ALERT_URLS) and print each result; exit 1 if any failed.",
        "claimwatch alerts test --config ~/claimwatch-config",
    )
    _watch_options(alerts_test)
    alerts_test.set_defaults(func=_lazy("claimwatch.alert_commands:cmd_alerts_test"))
    alerts_send = _command(
        alerts_sub,
        "send",
        "Deliver the pending alerts once (no Prefect): a line per route; exit 1 if a send failed.",
        "claimwatch alerts send --config ~/claimwatch-config --db sqlite:///var/claimwatch.db",
    )
    alerts_send.add_argument(
        "--max-attempts",
        type=_positive,
        default=5,
        metavar="N",
        help="give a delivery up after N failed attempts (default: 5)",
    )
    _watch_options(alerts_send)
    _db_option(alerts_send)
    alerts_send.set_defaults(func=_lazy("claimwatch.alert_commands:cmd_alerts_send"))
    evaluate = _command(
        sub,
        "evaluate",
        "Score the claim extractor against the hand-labelled development set and the seeds.",
        "claimwatch evaluate --pages ../shared/corpora/fundus --errors\n"
        "  claimwatch evaluate --heldout --json\n"
        "  claimwatch evaluate --stories\n"
        "  claimwatch evaluate --attribution ../shared/corpora/spkatt/train --language de",
    )
    evaluate.add_argument(
        "--devset", default="devset", metavar="DIR", help="labels (default: devset)"
    )
    evaluate.add_argument(
        "--pages",
        default="../shared/corpora/fundus",
        metavar="DIR",
        help="the labelled pages (default: ../shared/corpora/fundus)",
    )
    what = evaluate.add_mutually_exclusive_group()
    what.add_argument(
        "--heldout",
        action="store_true",
        help="score the held-out pages (DIR/heldout), which no rule was tuned on, without the seeds",
    )
    what.add_argument(
        "--stories",
        nargs="?",
        const="devset/stories",
        metavar="DIR",
        help="replay the labelled stories of DIR (default: devset/stories) and score their "
        "stance-change alerts: precision, high-severity precision, reversals alerted within a "
        "day, delay, false reversals",
    )
    what.add_argument(
        "--attribution",
        metavar="DIR",
        help="score `attributions` on a folder of NAME.txt + NAME.ann.json (character spans): "
        "cue P/R/F1, source F1, speaker accuracy, by form",
    )
    evaluate.add_argument(
        "--language", choices=("de", "en"), help="the language of the --attribution folder"
    )
    evaluate.add_argument(
        "--errors", action="store_true", help="list each missed and extra claim (or wrong alert)"
    )
    evaluate.add_argument("--json", action="store_true", help="scores as one JSON object")
    _progress_option(evaluate)
    evaluate.set_defaults(func=_lazy("claimwatch.commands:cmd_evaluate"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not getattr(args, "verbose", False):
        # trafilatura logs ERROR lines for every page it cannot parse; claimwatch reports
        # such a document itself, in one line
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return int(args.func(args) or 0)
    except ClaimwatchError as exc:
        print(f"claimwatch: error: {single_line(str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("claimwatch: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
