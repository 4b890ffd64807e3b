"""The server report's facilitation figures: answers per post in paced and at-once channels,
and how many nudged threads got a first answer after their nudge."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.settings import GuildConfig
from bot.facilitation.ports import FacilitationRecords


@dataclass(frozen=True, slots=True)
class FacilitationFigures:
    paced_posts: int
    paced_answers: int
    at_once_posts: int
    at_once_answers: int
    nudged: int
    answered_after_nudge: int

    def lines(self) -> list[str]:
        lines = []
        parts = [
            f"{answers / posts:.1f} in {kind} channels ({posts} post(s))"
            for kind, posts, answers in (
                ("paced", self.paced_posts, self.paced_answers),
                ("at-once", self.at_once_posts, self.at_once_answers),
            )
            if posts
        ]
        if parts:
            lines.append("Answers per post: " + ", ".join(parts))
        if self.nudged:
            share = 100 * self.answered_after_nudge / self.nudged
            lines.append(
                f"Nudged threads: {self.nudged}, {self.answered_after_nudge} ({share:.0f}%)"
                " got a first answer after the nudge"
            )
        return lines


async def facilitation_figures(
    store: FacilitationRecords, guild: GuildConfig | None, guild_id: int, since: int
) -> FacilitationFigures:
    """Figures of the prompts posted in the server at or after ``since``."""
    channels = guild.channels if guild is not None else ()
    paced = [c.channel_id for c in channels if c.followups == "paced"]
    at_once = [c.channel_id for c in channels if c.followups != "paced"]
    paced_posts, paced_answers = await store.answers_per_post(guild_id, paced, since)
    at_once_posts, at_once_answers = await store.answers_per_post(guild_id, at_once, since)
    nudged, answered = await store.nudges(guild_id, since)
    return FacilitationFigures(
        paced_posts, paced_answers, at_once_posts, at_once_answers, nudged, answered
    )
