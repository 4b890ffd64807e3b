"""Shared pieces of the posting tests: real prompt files, settings, and a recording publisher."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import yaml

from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.devserver import payloads
from bot.posting.types import Published
from bot.prompts.loader import LibraryHolder

GUILD, MODLOG = 10, 19
MOD_ROLE = 40  # the moderators' role of settings()
# libyaml writes the tests' prompt files (PyYAML's pure-Python writer took a second per run).
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_ids = itertools.count(1000)


def write_theme(folder: Path, theme_id: str, count: int, *, disabled: tuple[int, ...] = ()):
    prompts = [
        {
            "id": f"{theme_id}-{n}",
            "question": f"What does {theme_id} question {n} make you think of?",
            "followups": [f"Follow-up A to {theme_id}-{n}", f"Follow-up B to {theme_id}-{n}"],
            "context": f"“A quote about {theme_id}.” (from the essay e.txt)",
            "source": "e.txt",
            "enabled": n not in disabled,
        }
        for n in range(1, count + 1)
    ]
    data = {"id": theme_id, "title": theme_id.capitalize(), "prompts": prompts}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{theme_id}.yaml").write_text(yaml.dump(data, Dumper=DUMPER, sort_keys=False))


def library_holder(tmp_path: Path, themes: dict[str, int]) -> LibraryHolder:
    folder = tmp_path / "prompts"
    for theme_id, count in themes.items():
        write_theme(folder, theme_id, count)
    holder = LibraryHolder(folder)
    assert holder.reload() == []
    return holder


def channel(channel_id: int, cron: str = "0 9 * * *", **kw) -> ChannelConfig:
    kw.setdefault("timezone", "Europe/London")
    kw.setdefault("catch_up", timedelta(hours=1))
    kw.setdefault("followups", "at_once")  # these tests look at the whole thread at once
    return ChannelConfig(channel_id=channel_id, cron=cron, **kw)


def settings(tmp_path: Path, *channels: ChannelConfig, **guild_kw) -> Settings:
    guild = GuildConfig(
        guild_id=GUILD,
        moderator_role_ids=guild_kw.pop("moderator_role_ids", (MOD_ROLE,)),
        mod_log_channel_id=guild_kw.pop("mod_log_channel_id", MODLOG),
        channels=tuple(channels),
    )
    return Settings(
        database=tmp_path / "bot.sqlite3", prompts_dir=tmp_path / "prompts", guilds=(guild,)
    )


def community(
    fd, channel_id: int, *members: int, moderators: tuple[int, ...] = (), threads=()
) -> dict:
    """The GUILD_CREATE of the settings() guild as the bot (``fd``'s) sees it: ``channel_id`` and
    the mod log, ``members``, and ``moderators`` with the Moderators role."""
    return payloads.guild(
        GUILD,
        channels=[payloads.text_channel(c, GUILD, f"ch{c}") for c in (channel_id, MODLOG)],
        roles=[payloads.role(MOD_ROLE, "Moderators")] if moderators else [],
        members=[
            fd.bot_member(),
            *(payloads.member(m) for m in members),
            *(payloads.member(m, [MOD_ROLE]) for m in moderators),
        ],
        threads=threads,
    )


class RecordingPublisher:
    """Plays Discord for the core: keeps the messages it 'holds', raises scripted errors."""

    def __init__(self) -> None:
        # (channel, prompt, message id, post id): what Discord holds, marked with its post
        self.messages: list[tuple[int, str, int, int]] = []
        self.published: list[tuple[int, str, int]] = []  # (channel, prompt, post id)
        self.notices: list[str] = []
        self.errors: dict[int, list[Exception]] = {}
        self.lookups = 0

    async def publish(self, guild, channel, prompt, post_id) -> Published:
        pending = self.errors.get(channel.channel_id)
        if pending:
            raise pending.pop(0)
        message_id = next(_ids)
        self.messages.append((channel.channel_id, prompt.id, message_id, post_id))
        self.published.append((channel.channel_id, prompt.id, post_id))
        return Published(message_id, message_id + 1 if channel.thread else None)

    async def find_published(self, channel, prompt, since, post_id) -> Published | None:
        self.lookups += 1
        for cid, _, mid, marked in self.messages:
            if cid == channel.channel_id and marked == post_id:
                return Published(mid, mid + 1)
        return None

    async def notify_mods(self, guild, text: str) -> None:
        self.notices.append(text)
