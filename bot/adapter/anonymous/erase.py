"""A member erasing their data also erases the links to their anonymous answers, and may have
those answers deleted from the threads at the same time."""

from __future__ import annotations

import logging

import discord

from bot.store.anonymous import AnonymousStore

log = logging.getLogger(__name__)


async def erase_links(
    bot: discord.Client, store: AnonymousStore, guild_id: int, member_id: int, delete: bool
) -> tuple[int, int]:
    """Erase the member's links in a server; with ``delete``, their relayed answers are
    deleted from Discord first. Returns (links erased, messages deleted)."""
    gone: list[int] = []
    if delete:
        for answer in await store.member_answers(guild_id, member_id):
            message = bot.get_partial_messageable(answer.channel_id).get_partial_message(
                answer.message_id
            )
            try:
                await message.delete()
                gone.append(answer.message_id)
            except discord.NotFound:
                gone.append(answer.message_id)
            except discord.HTTPException as exc:
                log.warning("anonymous answer %s not deleted: %s", answer.message_id, exc)
    removed = await store.delete(gone)  # deleted messages take their records with them
    return removed + await store.forget(guild_id, member_id), len(gone)
