"""The parsers of `claimwatch alerts mute|unmute|mutes|ack` (run by claimwatch/mute_commands.py)."""

from __future__ import annotations

import argparse

from claimwatch.cli_options import command, db_option, lazy, positive, watch_options


def add_mute_commands(alerts_sub: argparse._SubParsersAction) -> None:
    """`alerts mute`, `unmute`, `mutes` and `ack` (claimwatch/mute_commands.py)."""
    mute = command(
        alerts_sub,
        "mute",
        "Mute a topic, or one actor or side of it: its new alerts are recorded as muted and "
        "not sent, until DATE (or until unmuted). The mute is kept in the database.",
        "claimwatch alerts mute nk-troops --actor russia --until 2026-01-31",
    )
    mute.add_argument("topic", metavar="TOPIC", help="topic id from topics.yaml")
    mute.add_argument(
        "--actor", metavar="ID", help="an actor or side id (default: the whole topic)"
    )
    mute.add_argument(
        "--until",
        metavar="DATE",
        help="YYYY-MM-DD (00:00 UTC that day) or an ISO datetime with offset, in the future "
        "(default: until unmuted)",
    )
    unmute = command(
        alerts_sub,
        "unmute",
        "Remove a mute (exit 1 when there is none). New alerts are sent again; alerts "
        "already muted stay muted.",
        "claimwatch alerts unmute nk-troops --actor russia",
    )
    unmute.add_argument("topic", metavar="TOPIC", help="topic id")
    target = unmute.add_mutually_exclusive_group()
    target.add_argument("--actor", metavar="ID", help="the actor or side muted (default: '*')")
    target.add_argument("--all", action="store_true", help="every mute of the topic")
    mutes = command(
        alerts_sub,
        "mutes",
        "List the mutes in force (expired ones end by themselves and are not shown).",
        "claimwatch alerts mutes --json",
    )
    mutes.add_argument("--json", action="store_true", help="one JSON object per mute")
    ack = command(
        alerts_sub,
        "ack",
        'Acknowledge alerts ("I\'ve seen it"): `alerts list` shows them as acked; delivery '
        "goes on as usual.",
        "claimwatch alerts ack 12 13",
    )
    ack.add_argument("alert_ids", nargs="+", type=positive, metavar="ALERT_ID")
    for parser, name in ((mute, "mute"), (unmute, "unmute"), (mutes, "mutes"), (ack, "ack")):
        watch_options(parser)
        db_option(parser)
        parser.set_defaults(func=lazy(f"claimwatch.mute_commands:cmd_alerts_{name}"))
