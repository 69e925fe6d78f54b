"""What a pass publishes besides its own report: the story so far of every topic, as one
Prefect artifact per topic (`story-<topic>`), and each topic's alerts as an Atom feed
(`<feeds_dir>/<topic>.xml`), updated on each pass."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from alerts.feedfiles import write_feeds as write_feed_files
from alerts.story import Story, build_story, said_of
from extractors.watchlist import Watchlist
from flows.report import story_key, story_markdown
from flows.tasks import sessions_for
from storage.db import transaction
from storage.ledger import timeline


def stories(database_url: str, watchlist: Watchlist) -> list[Story]:
    """Every topic's story, from the ledger as it is now."""
    out = []
    with transaction(sessions_for(database_url)) as session:
        for topic in watchlist.topics:
            said = said_of(timeline(session, topic.id))
            out.append(
                build_story(topic.id, topic.title, said, watchlist.display_name, topic.about)
            )
    return out


def description(story: Story) -> str:
    """The artifact's one line: each side the story is about, where it stands."""
    if not story.said:
        return f"{story.title}: no claims yet"
    standing = [
        f"{story.names[side]} {story.current[side].stance} since {story.current[side].since}"
        for side in story.sides[:3]
    ]
    return f"{story.title}: " + "; ".join(standing)


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5, timeout_seconds=300)
def publish_stories(database_url: str, watchlist: Watchlist) -> list[str]:
    """Update the `story-<topic>` artifact of every topic; return their keys."""
    logger = get_run_logger()
    keys = []
    for story in stories(database_url, watchlist):
        key = story_key(story.topic)
        create_markdown_artifact(
            markdown=story_markdown(story), key=key, description=description(story)
        )
        keys.append(key)
    logger.info("stories: %s", ", ".join(keys) or "no topics")
    return keys


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2, timeout_seconds=300)
def write_feeds(database_url: str, topic_titles: dict[str, str], folder: str) -> list[str]:
    """Write every topic's Atom feed into `folder`; return the files that changed."""
    logger = get_run_logger()
    changed = write_feed_files(sessions_for(database_url), Path(folder), topic_titles)
    logger.info("feeds: %d of %d changed in %s", len(changed), len(topic_titles), folder)
    return [str(path) for path in changed]
