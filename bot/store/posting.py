"""The posting feature's stores, built together over one connection and handed to the posting
service: the posts table, the resolution of interrupted claims, and the channels' moderator
state."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiosqlite

from bot.store.channel_state import ChannelStateStore
from bot.store.post_recovery import InterruptedClaims
from bot.store.posts import PostStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostingStores:
    posts: PostStore
    claims: InterruptedClaims
    channels: ChannelStateStore

    @classmethod
    def over(cls, db: aiosqlite.Connection) -> PostingStores:
        return cls(PostStore(db), InterruptedClaims(db), ChannelStateStore(db))
