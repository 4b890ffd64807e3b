"""Which bot process handles an interaction, when several run on one database file.

Discord may deliver one interaction to every connected process of the bot and accepts one
acknowledgement; whatever a process did before its acknowledgement was refused would be done
twice. The first process to write the interaction's id here handles it; the others leave it
alone. Only the id and the time are kept, for an hour (Discord's tokens last 15 minutes).
"""

from __future__ import annotations

from bot.store.sqlite.queries import Queries

KEEP_SECONDS = 3600
ACT_KEEP_SECONDS = 7 * 86400  # a weekly act's claim outlives its slot by far
PRUNE_EVERY = 100  # claims between two deletions of old ones


class InteractionClaims(Queries):
    _claims = 0

    async def claim(self, interaction_id: int, now: int) -> bool:
        """True if this process is the first to take the interaction."""
        self._claims += 1
        if self._claims % PRUNE_EVERY == 1:
            await self._write(
                "DELETE FROM interaction_claims WHERE claimed_at < ?", (now - KEEP_SECONDS,)
            )
        taken = await self._write(
            "INSERT OR IGNORE INTO interaction_claims (interaction_id, claimed_at) VALUES (?, ?)",
            (interaction_id, now),
        )
        return taken == 1

    async def claim_act(self, act: str, now: int) -> bool:
        """True if this process is the first to do ``act`` (a scheduled act's name, with its
        slot); old claims are deleted on the way."""
        await self._write("DELETE FROM act_claims WHERE claimed_at < ?", (now - ACT_KEEP_SECONDS,))
        taken = await self._write(
            "INSERT OR IGNORE INTO act_claims (act, claimed_at) VALUES (?, ?)", (act, now)
        )
        return taken == 1
