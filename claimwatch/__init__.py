"""claimwatch: a scheduled news monitor that tells you when the story changes."""

__version__ = "0.1.0"
