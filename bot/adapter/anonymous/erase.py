"""A member erasing their data also erases the links to their anonymous answers, and may have
those answers deleted from the threads at the same time."""

from __future__ import annotations

import logging

import discord

from bot.anonymity.ports import AnonymousLinks

log = logging.getLogger(__name__)


async def delete_relayed(bot: discord.Client, channel_id: int, message_id: int) -> bool:
    """Delete a relayed answer from its thread; True if it is gone (a message Discord no longer
    has counts as gone), False if Discord refused (logged)."""
    try:
        await bot.get_partial_messageable(channel_id).get_partial_message(message_id).delete()
    except discord.NotFound:
        return True
    except discord.HTTPException as exc:
        log.warning("anonymous answer %s not deleted: %s", message_id, exc)
        return False
    return True


async def erase_links(
    bot: discord.Client, store: AnonymousLinks, guild_id: int, member_id: int, delete: bool
) -> tuple[int, int]:
    """Erase the member's links in a server; with ``delete``, their relayed answers are
    deleted from Discord first. Returns (links erased, messages deleted)."""
    gone: list[int] = []
    if delete:
        for answer in await store.member_answers(guild_id, member_id):
            if await delete_relayed(bot, answer.channel_id, answer.message_id):
                gone.append(answer.message_id)
    removed = await store.delete(gone)  # deleted messages take their records with them
    return removed + await store.forget(guild_id, member_id), len(gone)
