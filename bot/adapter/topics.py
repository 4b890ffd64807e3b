"""``/topic``: moderators drive the schedule — post now, look ahead, skip, pause, resume, reload
the prompt files, see the schedule. Every subcommand is gated twice (``ModGroup``) and answers
privately. A channel option defaults to the channel the command is used in (or the channel a
thread belongs to)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.checks import ModGroup
from bot.adapter.context import guild_id_of
from bot.adapter.endpoints import message_link
from bot.adapter.host_paths import without_host_paths
from bot.adapter.permissions import check_guild, report
from bot.adapter.review import start_review
from bot.adapter.tree import CHOICES_MAX, BoundedInt, clip, matching_themes, send_private
from bot.facilitation.types import NUDGE, PendingThread
from bot.posting.rotation import PlannedPost
from bot.posting.service import PostingService

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services


# The channels a moderator may name: text channels and forum (or media) channels.
PromptChannel = discord.TextChannel | discord.ForumChannel


def when(slot: datetime) -> str:
    """A Discord timestamp: each moderator sees it in their own timezone."""
    return f"<t:{int(slot.timestamp())}:f>"


def plan_line(planned: PlannedPost) -> str:
    if planned.skipped:
        return f"{when(planned.slot)} · skipped (a moderator asked)"
    if planned.prompt is None:
        return f"{when(planned.slot)} · nothing to post: no enabled prompts"
    p = planned.prompt
    question = p.question if len(p.question) <= 80 else p.question[:79] + "…"
    return f"{when(planned.slot)} · `{p.theme_id}/{p.id}` {question}"


def pending_line(thread: PendingThread, now: int) -> str | None:
    """What an open thread waits for, or None when it has nothing more to come."""
    due = thread.due
    if due is None:
        return None
    what = "nudge" if due.kind == NUDGE else "next follow-up"
    if due.quiet_until is not None:
        timing = f"held by quiet hours until <t:{due.quiet_until}:f>"
    elif due.at is None:
        timing = f"after {due.answers_needed} more answer(s)"
    elif due.answers_needed:
        timing = f"after {due.answers_needed} more answer(s), or at <t:{due.at}:f> if quiet"
    else:
        timing = "now (at the next pass)" if due.at <= now else f"at <t:{due.at}:f>"
    left = f", {thread.followups_left} follow-up(s) left" if thread.followups_left else ""
    head = f"<#{thread.thread_id}> `{thread.prompt_id}` · {thread.answers} answer(s){left}"
    return f"{head}: {what} {timing}"


class Topics(commands.Cog):
    topic = ModGroup(name="topic", description="Discussion prompts: post, schedule, reload")

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.service: PostingService = services.posting
        self.controls = services.controls
        self.suggestions = services.suggestions
        self.facilitation = services.facilitation

    async def reply(self, interaction: discord.Interaction, text: str) -> None:
        await send_private(interaction, clip(text))

    def target(
        self, interaction: discord.Interaction, channel: discord.abc.GuildChannel | None
    ) -> tuple[int, int]:
        """(guild id, channel id): the option, else where the command was used."""
        if channel is not None:
            return guild_id_of(interaction), channel.id
        here = interaction.channel
        parent = here.parent_id if isinstance(here, discord.Thread) else None
        channel_id = parent or interaction.channel_id
        if channel_id is None:  # Discord sends the channel of every command used in a server
            raise app_commands.NoPrivateMessage()
        return guild_id_of(interaction), channel_id

    # --- commands ----------------------------------------------------------------------------

    @topic.command(name="post", description="Post a prompt now")
    @app_commands.describe(
        theme="Draw from this theme",
        prompt="Post this prompt",
        channel="Where (default: here)",
        sensitive="A heavy topic: care note, no role ping unless the channel allows it",
    )
    async def post(
        self,
        interaction: discord.Interaction,
        theme: str | None = None,
        prompt: str | None = None,
        channel: PromptChannel | None = None,
        sensitive: bool = False,
    ) -> None:
        guild_id, channel_id = self.target(interaction, channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.controls.post_now(
            guild_id,
            channel_id,
            theme_id=theme,
            prompt_id=prompt,
            now=self.services.clock(),
            sensitive=sensitive,
        )
        if outcome.status == "posted" and outcome.message_id is not None:
            link = message_link(
                self.services.settings.api_base, guild_id, channel_id, outcome.message_id
            )
            await self.reply(
                interaction, f"Posted `{outcome.prompt_id}` in <#{channel_id}>: {link}"
            )
        else:
            await self.reply(interaction, f"Could not post in <#{channel_id}>: {outcome.reason}")

    @post.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return matching_themes(self.services.library.library, current)

    @post.autocomplete("prompt")
    async def prompt_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed, theme = current.lower(), getattr(interaction.namespace, "theme", None)
        return [
            app_commands.Choice(name=f"{p.id}: {p.question}"[:100], value=p.id)
            for p in self.services.library.library.enabled_prompts()
            if (not theme or p.theme_id == theme) and (typed in p.id or typed in p.question.lower())
        ][:CHOICES_MAX]

    @topic.command(name="next", description="Preview the next scheduled prompts")
    @app_commands.describe(count="How many (1-10)", channel="Which channel (default: here)")
    async def upcoming(
        self,
        interaction: discord.Interaction,
        count: app_commands.Transform[int, BoundedInt(1, 10)] = 5,
        channel: PromptChannel | None = None,
    ) -> None:
        guild_id, channel_id = self.target(interaction, channel)
        plan = await self.controls.upcoming(guild_id, channel_id, self.services.clock(), count)
        paused = await self.service.store.channels.is_paused(channel_id)
        head = f"Next in <#{channel_id}>" + (
            " (paused: nothing posts until resumed)" if paused else ""
        )
        lines = [plan_line(p) for p in plan] or ["no upcoming slots"]
        await self.reply(interaction, "\n".join([head + ":", *lines]))

    @topic.command(name="skip", description="Skip the next scheduled post")
    @app_commands.describe(channel="Which channel (default: here)")
    async def skip(
        self, interaction: discord.Interaction, channel: PromptChannel | None = None
    ) -> None:
        guild_id, channel_id = self.target(interaction, channel)
        pending = await self.controls.skip(guild_id, channel_id, self.services.clock())
        await self.reply(
            interaction, f"<#{channel_id}>: {pending} upcoming post(s) will be skipped."
        )

    @topic.command(name="pause", description="Pause the schedule of a channel")
    @app_commands.describe(channel="Which channel (default: here)")
    async def pause(
        self, interaction: discord.Interaction, channel: PromptChannel | None = None
    ) -> None:
        await self._set_paused(interaction, channel, True)

    @topic.command(name="resume", description="Resume the schedule of a channel")
    @app_commands.describe(channel="Which channel (default: here)")
    async def resume(
        self, interaction: discord.Interaction, channel: PromptChannel | None = None
    ) -> None:
        await self._set_paused(interaction, channel, False)

    async def _set_paused(
        self,
        interaction: discord.Interaction,
        channel: PromptChannel | None,
        paused: bool,
    ) -> None:
        guild_id, channel_id = self.target(interaction, channel)
        change = self.controls.pause if paused else self.controls.resume
        await change(guild_id, channel_id, self.services.clock())
        state = "paused: no scheduled posts until resumed" if paused else "resumed"
        await self.reply(interaction, f"<#{channel_id}> {state}.")

    @topic.command(name="reload", description="Read the prompt files again")
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # a large file takes time
        problems, library = await self.controls.reload()
        if problems:
            text = without_host_paths("\n".join(map(str, problems)), self.services.settings)
            await self.reply(
                interaction, f"Prompt files have problems; still using the last good ones:\n{text}"
            )
            return
        enabled = len(library.enabled_prompts())
        total = sum(len(t.prompts) for t in library.themes)
        await self.reply(
            interaction,
            f"Loaded {len(library.themes)} themes and {total} prompts ({enabled} enabled).",
        )

    @topic.command(name="schedule", description="Each channel's schedule and next times")
    async def schedule(self, interaction: discord.Interaction) -> None:
        summaries = await self.controls.schedule_summary(
            self.services.clock(), interaction.guild_id
        )
        lines = []
        for s in summaries:
            state = "paused" if s.paused else ", ".join(when(t) for t in s.next_slots)
            skips = f" · {s.pending_skips} skip(s) pending" if s.pending_skips else ""
            where = f"<#{s.channel.channel_id}> `{s.channel.cron}` ({s.channel.timezone})"
            lines.append(f"{where}: {state}{skips}")
        await self.reply(interaction, "\n".join(lines) or "No channels have a schedule.")

    @topic.command(name="pending", description="Follow-ups and nudges due in open threads")
    async def pending(self, interaction: discord.Interaction) -> None:
        now = self.services.clock()
        threads = await self.facilitation.pending(guild_id_of(interaction), now)
        at = int(now.timestamp())
        lines = [line for line in (pending_line(t, at) for t in threads) if line]
        rest = len(threads) - len(lines)
        if rest:
            lines.append(f"{rest} other open thread(s) have nothing more to come.")
        await self.reply(interaction, "\n".join(lines) or "No open prompt threads.")

    @topic.command(name="check", description="Check the bot's permissions in every channel")
    async def check(self, interaction: discord.Interaction) -> None:
        config = self.services.settings.guild(interaction.guild_id)
        if config is None:
            await self.reply(interaction, "This server is not in the bot's config.")
            return
        checks = check_guild(self.bot, config)
        head = (
            "Every channel is ready."
            if all(c.ok for c in checks)
            else "Some channels need attention:"
        )
        await self.reply(interaction, "\n".join([head, report(checks, everything=True)]))

    @topic.command(name="review", description="Review member suggestions and draft prompts")
    async def review(self, interaction: discord.Interaction) -> None:
        await start_review(interaction, self.suggestions)


COGS = [Topics]
