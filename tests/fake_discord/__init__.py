"""A Discord-compatible server on 127.0.0.1 for tests that run the bot as a real process."""

from .control import Hold, Request
from .interactions import Interaction
from .server import FakeDiscord

__all__ = ["FakeDiscord", "Hold", "Interaction", "Request"]
