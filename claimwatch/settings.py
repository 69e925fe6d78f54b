"""One options object, built once from files and the environment and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from alerts.routes import Route, load_feeds_dir, load_routes
from claimwatch.errors import ConfigError
from feeds.config import FeedsConfig, load_feeds_config

DEFAULT_DB_FILE = "var/claimwatch.db"
DEFAULT_FEEDS_DIR = "var/feeds"


def default_config_dir() -> Path:
    """The packaged defaults: `config/` in a checkout, `claimwatch/defaults` in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "config", here / "defaults"):
        if (candidate / "topics.yaml").is_file():
            return candidate
    raise ConfigError(f"no packaged config found next to {here}")


def with_password(url: str, password: str) -> str:
    """The database URL with the password put in, escaped (any character may be in it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).set(password=password).render_as_string(hide_password=False)
    except ArgumentError as exc:
        raise ConfigError(f"CLAIMWATCH_DATABASE_URL: not a database URL: {exc}") from exc


@dataclass(frozen=True)
class Settings:
    """Where the watch lists and the database are; read once at start."""

    config_dir: Path
    topics_file: Path
    actors_file: Path
    database_url: str
    feeds_file: Path | None = None
    defaults_dir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)  # the CLAIMWATCH_* variables at start

    def feeds(self) -> FeedsConfig:
        """feeds.yaml from the config folder (else the packaged example), env overrides applied."""
        if self.feeds_file is None or not self.feeds_file.is_file():
            raise ConfigError(f"no feeds.yaml in {self.config_dir} (see config/feeds.yaml)")
        return load_feeds_config(self.feeds_file, self.env)

    def routes(self) -> list[Route]:
        """The alert routes of alerts.yaml (else the packaged one) and CLAIMWATCH_ALERT_URLS.

        The whole environment is passed: route URLs may name secrets as ${VARIABLE}."""
        return load_routes(self.config_dir, self.defaults_dir or default_config_dir(), os.environ)

    def feeds_dir(self) -> Path:
        """Where the topics' Atom feeds go: $CLAIMWATCH_FEEDS_DIR, else `feeds_dir:` of
        alerts.yaml, else var/feeds; a relative path is relative to the working directory."""
        chosen = self.env.get("CLAIMWATCH_FEEDS_DIR", "").strip()
        if not chosen:
            defaults = self.defaults_dir or default_config_dir()
            chosen = load_feeds_dir(self.config_dir, defaults) or DEFAULT_FEEDS_DIR
        return Path(chosen)

    @classmethod
    def load(
        cls,
        config_dir: str | Path | None = None,
        topics_file: str | Path | None = None,
        actors_file: str | Path | None = None,
        database_url: str | None = None,
        environ: dict[str, str] | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        defaults = default_config_dir()
        cdir = Path(config_dir) if config_dir else defaults
        if not cdir.exists():
            raise ConfigError(f"config directory not found: {cdir}")
        if not cdir.is_dir():
            raise ConfigError(f"config directory {cdir} is a file, not a folder")
        if database_url is not None and not database_url.strip():
            raise ConfigError("--db: the database URL is empty")

        def pick(explicit: str | Path | None, name: str) -> Path:
            path = Path(explicit) if explicit else cdir / f"{name}.yaml"
            if path.exists() and not path.is_file():
                raise ConfigError(f"{name} file {path} is a folder, not a file")
            if explicit and not path.is_file():
                raise ConfigError(f"{name} file not found: {path}")
            return path if path.is_file() else defaults / f"{name}.yaml"

        url = database_url or env.get("CLAIMWATCH_DATABASE_URL") or ""
        if not url:
            db_file = Path(env.get("CLAIMWATCH_DB_FILE", DEFAULT_DB_FILE))
            url = f"sqlite:///{db_file}"
        elif env.get("CLAIMWATCH_DATABASE_PASSWORD"):
            url = with_password(url, env["CLAIMWATCH_DATABASE_PASSWORD"])
        return cls(
            config_dir=cdir,
            topics_file=pick(topics_file, "topics"),
            actors_file=pick(actors_file, "actors"),
            database_url=url,
            feeds_file=pick(None, "feeds"),
            defaults_dir=defaults,
            env={k: v for k, v in env.items() if k.startswith("CLAIMWATCH_")},
        )
