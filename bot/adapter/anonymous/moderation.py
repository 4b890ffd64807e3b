"""``/anonymous``: moderators stop and resume anonymous answers in their server, and the roles
in ``reveal_role_ids`` look up who wrote one. Both moderator gates on every subcommand; every
reply is private and pings nobody.

A reveal needs a written reason and is posted to the mod-log channel (who, which message, when,
why; never the author) before the answer is given: when that post fails, nothing is revealed.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.checks import ModGroup
from bot.adapter.context import guild_id_of
from bot.adapter.endpoints import message_link
from bot.adapter.mod_log import post_to_mod_log
from bot.adapter.tree import send_private
from bot.anonymity.policy import may_reveal, reason_problem

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MESSAGE_ID = re.compile(r"(\d{15,20})\s*/?\s*$")
REASON_MAX = 500


def message_id_of(text: str) -> int | None:
    """A message id, or the id at the end of a message link."""
    match = MESSAGE_ID.search(text.strip())
    return int(match.group(1)) if match else None


class AnonymousModeration(commands.Cog, name="AnonymousModeration"):
    anonymous = ModGroup(
        name="anonymous", description="Anonymous answers: stop, resume, reveal an author"
    )

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.store = services.stores.anonymous

    @anonymous.command(name="stop", description="Stop all anonymous answers in this server now")
    async def stop(self, interaction: discord.Interaction) -> None:
        guild = self.services.settings.guild(interaction.guild_id)
        now = self.services.now_seconds()
        if await self.store.stop(guild_id_of(interaction), interaction.user.id, now):
            await post_to_mod_log(
                self.bot,
                guild,
                f"<@{interaction.user.id}> stopped anonymous answers (<t:{now}:f>).",
            )
        await send_private(
            interaction,
            "Anonymous answers are stopped in this server: every press of the button is "
            "refused until `/anonymous resume`.",
        )

    @anonymous.command(name="resume", description="Accept anonymous answers again")
    async def resume(self, interaction: discord.Interaction) -> None:
        guild = self.services.settings.guild(interaction.guild_id)
        if await self.store.resume(guild_id_of(interaction)):
            now = self.services.now_seconds()
            await post_to_mod_log(
                self.bot,
                guild,
                f"<@{interaction.user.id}> resumed anonymous answers (<t:{now}:f>).",
            )
        await send_private(interaction, "Anonymous answers are accepted again in this server.")

    @anonymous.command(name="reveal", description="Look up who wrote an anonymous answer")
    @app_commands.describe(
        message="The anonymous answer's message link or id",
        reason="Why (posted to the mod-log with your name)",
    )
    async def reveal(self, interaction: discord.Interaction, message: str, reason: str) -> None:
        guild = self.services.settings.guild(interaction.guild_id)
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        if guild is None or not may_reveal(roles, guild.reveal_role_ids):
            listed = guild is not None and bool(guild.reveal_role_ids)
            await send_private(
                interaction,
                "Only members with a role listed in `reveal_role_ids` may reveal an author"
                + ("; you have none of them." if listed else " (none are listed: no one can).")
                + " Nothing was revealed.",
            )
            return
        problem = reason_problem(reason)
        if problem:
            await send_private(interaction, problem)
            return
        message_id = message_id_of(message)
        link = await self.store.answer(message_id) if message_id else None
        if link is None or link.guild_id != guild.guild_id or not link.linked:
            await send_private(
                interaction,
                "No anonymous answer is linked to that message (it may be deleted, or its "
                "author erased the link). Nothing was revealed.",
            )
            return
        now = self.services.now_seconds()
        where = message_link(
            self.services.settings.api_base, link.guild_id, link.channel_id, link.message_id
        )
        logged = await post_to_mod_log(
            self.bot,
            guild,
            f"<@{interaction.user.id}> revealed the author of the anonymous answer {where} "
            f"(<t:{now}:f>). Reason: {reason.strip()[:REASON_MAX]}",
        )
        if not logged:
            await send_private(
                interaction,
                "Every reveal is posted to the mod-log channel, and that failed (none is "
                "configured, or Discord refused). Nothing was revealed.",
            )
            return
        log.info("member %s revealed the author of %s", interaction.user.id, link.message_id)
        await send_private(
            interaction,
            f"The anonymous answer {where} was written by <@{link.member_id}> "
            f"(id {link.member_id}). This reveal is recorded in the mod-log.",
        )
