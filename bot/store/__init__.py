"""SQLite storage. All SQL of the bot lives in this package."""

from bot.store.db import open_database

__all__ = ["open_database"]
