"""How a prompt post looks when it is sensitive or takes anonymous answers: the content
warning, the care note and support links, the "Answer anonymously" button, and whether the
channel's role is pinged. The publisher asks these; it builds nothing of this itself."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.adapter.context import cog_named
from bot.adapter.ui_errors import BotView, answers_errors
from bot.anonymity.policy import offered
from bot.config.settings import ChannelConfig, GuildConfig
from bot.prompts.model import Prompt

CARE_FIELD = "Taking care"
ANSWER_LABEL = "Answer anonymously"
DELETE_LABEL = "Delete my anonymous answer"
COG_NAME = "Anonymous"
FIELD_MAX = 1024  # characters in an embed field's value (Discord's limit)
UNAVAILABLE = "Anonymous answers are not available right now. Nothing was posted or stored."


def care_text(guild: GuildConfig | None) -> str:
    """The guild's care note and support links, one per line ('' when none are configured)."""
    if guild is None:
        return ""
    return "\n".join([*([guild.care_note] if guild.care_note else []), *guild.support_links])


def decorate_embed(
    embed: discord.Embed, prompt: Prompt, guild: GuildConfig | None
) -> discord.Embed:
    """A content warning goes in front and the question and context quote behind spoilers
    (embed titles show no spoilers, so the question moves to the description); a sensitive
    prompt gets the care note and support links as a field, in plain view."""
    if prompt.content_warning:
        embed.title = f"Content warning: {prompt.content_warning}"
        embed.description = f"||{prompt.question}||"
        for index, field in enumerate(embed.fields):  # the essay's quote is behind it too
            value = str(field.value)
            if len(value) > FIELD_MAX - 4:
                value = value[: FIELD_MAX - 5].rstrip() + "…"
            embed.set_field_at(
                index, name=field.name, value=f"||{value}||", inline=bool(field.inline)
            )
    care = care_text(guild) if prompt.sensitive else ""
    if care:
        embed.add_field(name=CARE_FIELD, value=care, inline=False)
    return embed


def pings_role(channel: ChannelConfig, prompt: Prompt) -> bool:
    """A sensitive prompt pings the channel's role only where ``ping_sensitive`` allows it."""
    return not prompt.sensitive or channel.ping_sensitive


def answer_view(
    guild: GuildConfig | None, prompt: Prompt, post_id: int | None
) -> discord.ui.View | None:
    """The view with the "Answer anonymously" button when the guild offers it on this prompt,
    else None. The button's custom id names the post, so it works after a restart."""
    if guild is None or post_id is None or not offered(guild.anonymous_answers, prompt.sensitive):
        return None
    view = BotView(timeout=None)
    view.add_item(AnswerButton(post_id, prompt.sensitive))
    return view


def thread_intro(
    guild: GuildConfig | None, prompt: Prompt, post_id: int | None
) -> tuple[str, discord.ui.View | None] | None:
    """The thread's first message: the care note of a sensitive prompt and the anonymous
    button when offered; None when there is neither."""
    view = answer_view(guild, prompt, post_id)
    care = care_text(guild) if prompt.sensitive else ""
    lines = [f"**{CARE_FIELD}**\n{care}"] if care else []
    if view is not None:
        lines.append(
            f"Prefer not to put your name on it? Use **{ANSWER_LABEL}**: the bot posts your "
            "answer here as \u201cAnonymous member\u201d."
        )
    return ("\n\n".join(lines), view) if lines else None


def _cog(interaction: discord.Interaction):
    return cog_named(interaction.client, COG_NAME)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"anon:answer:(?P<post>[0-9]{1,20})(?P<sensitive>:s)?",
):
    """On a prompt post and its thread's first message; opens the anonymous answer form."""

    def __init__(self, post_id: int, sensitive: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label=ANSWER_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"anon:answer:{post_id}" + (":s" if sensitive else ""),
            )
        )
        self.post_id = post_id
        self.sensitive = sensitive

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["post"]), bool(match["sensitive"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        if cog is None:
            await interaction.response.send_message(UNAVAILABLE, ephemeral=True)
            return
        await cog.open_form(interaction, self.post_id, self.sensitive)


class DeleteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"anon:delete:(?P<message>[0-9]{1,20})"
):
    """On the author's private confirmation; deletes their relayed answer and its record."""

    def __init__(self, message_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=DELETE_LABEL,
                style=discord.ButtonStyle.danger,
                custom_id=f"anon:delete:{message_id}",
            )
        )
        self.message_id = message_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DeleteButton:
        return cls(int(match["message"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        if cog is None:
            await interaction.response.send_message(UNAVAILABLE, ephemeral=True)
            return
        await cog.delete_own(interaction, self.message_id)
