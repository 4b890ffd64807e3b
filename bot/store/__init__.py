"""SQLite storage. All SQL of the bot lives in this package."""

from bot.store.db import open_database

__all__ = ["open_database"]

from aiosqlite import Connection

__all__ = ["Connection"]  # the database handle the rest of the bot passes around, unopened
