"""The demo's community: one server with two prompt channels, a lounge for conversation starters
and a mod-log, a moderator and a dozen members, and the config that points the bot at the local
server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

GUILD = 900000000000000001
DISCUSSION, STORIES, MODLOG = 900000000000000011, 900000000000000012, 900000000000000013
LOUNGE = 900000000000000014  # where members ask for a conversation starter (/starter)
MOD_ROLE = 900000000000000021
MODERATOR = 900000000000000100
MANAGE_MESSAGES = 1 << 13
START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # a Monday; the demo runs Monday to Sunday
DAYS = 7
CHANNEL_NAMES = {
    DISCUSSION: "discussion", STORIES: "stories", MODLOG: "mod-log", LOUNGE: "lounge",
}  # fmt: skip
# When the demo config posts (UTC): every evening in #discussion, three middays in #stories,
# each channel from its own themes (ids of the shipped prompt files).
SCHEDULE = {DISCUSSION: "0 18 * * *", STORIES: "0 12 * * MON,WED,FRI"}
THEMES = {
    DISCUSSION: [
        "bridges", "collaboration", "community", "dialogue", "empathy", "heteronormativity",
        "intersectionality", "leadership", "learning", "resilience", "safe-spaces",
        "self-reflection", "solidarity", "stereotypes",
    ],
    STORIES: ["stories", "voices", "traditions", "visibility", "self-expression"],
}  # fmt: skip
# #discussion asks its follow-ups as the conversation goes (after every two answers, or six hours
# of quiet after one); #stories posts them with the prompt. Both nudge a thread quiet for a day.
PACING = {  # #discussion also pins its newest prompt (and unpins the one before)
    DISCUSSION: "        followups: paced\n        followup_after_answers: 2\n        pin: true\n",
    STORIES: "        followups: at_once\n",
}
QUIET_DAY = 4  # Friday: nobody answers the #stories prompt until the bot nudges its thread


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str


NAMES = "Mei Arjun Hana Kai Lin Ravi Sora Priya Jun Ayesha Tuan Noor".split()  # noqa: SIM905
MEMBERS = tuple(Member(900000000000000200 + n, name) for n, name in enumerate(NAMES))
OPTS_OUT = MEMBERS[3]  # Kai asks the bot to stop recording midweek
ANSWERS = (
    "This one hits home. My family never had words for it, but we had food and silence.",
    "I only found people like me online at first; meeting them in person changed everything.",
    "Honestly still figuring this out. Reading the others here helps.",
    "My grandmother surprised me: she understood more than I expected.",
    "For me it was a teacher who treated my identity as ordinary. That mattered.",
    "I translate myself a lot, between languages and between communities.",
    "Same! And the code-switching is exhausting some days.",
    "I want to answer this properly later, but yes: stories made me feel less alone.",
)
EMOJI = ("👍", "❤️", "🌈", "🙏")


def config_text(database: Path, prompts_dir: Path, api_base: str, gateway_url: str) -> str:
    """The demo's config.yaml: the bot's real config format, pointed at the local server."""
    channels = "".join(
        f"""      - channel_id: {channel_id}
        cron: "{cron}"
        timezone: UTC
        catch_up: 30m
        themes: [{", ".join(THEMES[channel_id])}]
{PACING[channel_id]}"""
        for channel_id, cron in SCHEDULE.items()
    )
    return f"""database: {database}
prompts_dir: {prompts_dir}
log_level: WARNING
api_base: {api_base}
gateway_url: {gateway_url}
guilds:
  - guild_id: {GUILD}
    moderator_role_ids: [{MOD_ROLE}]
    mod_log_channel_id: {MODLOG}
    starter_channels: [{LOUNGE}]
    channels:
{channels}"""
