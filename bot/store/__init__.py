"""SQLite storage. All SQL of the bot lives in this package."""

from aiosqlite import Connection  # the database handle the rest of the bot passes around

from bot.store.db import open_database

__all__ = ["Connection", "open_database"]
