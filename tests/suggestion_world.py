"""A server with moderators, members and a small prompt library in real files (with admins'
comments and a draft prompt), for the suggestion and review tests."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from bot.adapter.client import DiscussionBot
from bot.adapter.participation_cmds import ParticipationCommands
from bot.adapter.suggestions import Suggestions
from bot.adapter.topics import Topics
from bot.config.settings import GuildConfig, Settings
from bot.prompts.loader import LibraryHolder
from tests.discord_harness import FakeDiscord, payloads

G, C, MODLOG = 10, 20, 22
ANA, BEN, MOD, MOD2, MOD_ROLE = 30, 31, 32, 33, 40
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)

JOY = """\
# Joy prompts. Mia looks after this file: ask her before removing anything.
id: joy
title: Joy
sources: []
prompts:
  # The favourite, keep it first.
  - id: joy-1
    question: What made you smile this week?   # short on purpose
    followups: ["Who was there?"]
    context: 'A small quote.'
    enabled: true
# New ones go below this line.
"""

GRIEF = """\
id: grief   # theme id
title: Grief and loss
sources: []
prompts:
- id: grief-1
  question: Who do you remember when you cook?
  followups:
  - What do you make?
  context: A quote about cooking.
- id: grief-2  # generated, waiting for a look
  question: What helped you through a loss?
  followups:
  - Who was with you?
  context: A quote about loss.
  source: e.txt
  status: draft
  enabled: false
# end of grief
"""


def write_prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir(exist_ok=True)
    (folder / "joy.yaml").write_text(JOY, encoding="utf-8")
    (folder / "grief.yaml").write_text(GRIEF, encoding="utf-8")
    return folder


def suggestion_bot(
    make_bot, tmp_path: Path, clock=lambda: NOW, database=None, **guild
) -> DiscussionBot:
    """The bot for the server, on ``database`` (default: ``tmp_path / "bot.sqlite3"``)."""
    folder = tmp_path / "prompts"
    if not folder.exists():
        write_prompts(tmp_path)
    holder = LibraryHolder(folder)
    assert holder.reload() == []
    config = GuildConfig(
        guild_id=G, moderator_role_ids=(MOD_ROLE,), mod_log_channel_id=MODLOG, **guild
    )
    settings = Settings(
        database=database or tmp_path / "bot.sqlite3", prompts_dir=folder, guilds=(config,)
    )
    return make_bot(
        settings, holder, cogs=[Topics, Suggestions, ParticipationCommands], clock=clock
    )


def guild(fd) -> dict:
    return payloads.guild(
        G,
        channels=[
            payloads.text_channel(C, G, "chat"),
            payloads.text_channel(MODLOG, G, "mod-log"),
        ],
        roles=[payloads.role(MOD_ROLE, "Moderators")],
        members=[
            fd.bot_member(),
            payloads.member(ANA, name="Ana"),
            payloads.member(BEN, name="Ben"),
            payloads.member(MOD, [MOD_ROLE], name="Mod"),
            payloads.member(MOD2, [MOD_ROLE], name="Mod2"),
        ],
    )


@contextlib.asynccontextmanager
async def running(tmp_path: Path, make_bot, **guild_options):
    bot = suggestion_bot(make_bot, tmp_path, **guild_options)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd))
        yield bot, fd


async def suggest(fd, user_id: int, question: str, note: str = "", **options):
    """``/suggest question`` then the modal submitted; returns the modal submit's replies."""
    opened = await fd.slash("suggest question", user_id=user_id, channel_id=C, **options)
    modal = opened.callback.json["data"]
    assert opened.callback_type == 9, opened.requests
    values = {"question": question, "note": note}
    return await fd.submit(modal["custom_id"], values, user_id=user_id, channel_id=C)


def buttons(message: dict) -> dict[str, str]:
    """Label → custom id of the buttons on a message body."""
    rows = message.get("components") or []
    return {b["label"]: b["custom_id"] for row in rows for b in row["components"]}


def announcements(fd) -> list:
    return fd.requests_to("POST", f"/channels/{MODLOG}/messages")


def message_id(replies) -> int:
    """The reply's message: the interaction's answer, or its first follow-up once deferred."""
    resource = (replies.callback.response or {}).get("resource")
    if resource:
        return int(resource["message"]["id"])
    [first, *_] = [r for r in replies.requests if r.method == "POST" and "/webhooks/" in r.path]
    return int(first.response["id"])
