"""Which bot process handles an interaction, when several run on one PostgreSQL database (the
same contract as ``bot.store.sqlite.interactions``): the first process whose insert of the
interaction's id lands handles it; the primary key decides, on the server."""

from __future__ import annotations

from bot.store.postgres.queries import Queries
from bot.store.sqlite.interactions import ACT_KEEP_SECONDS, KEEP_SECONDS, PRUNE_EVERY


class InteractionClaims(Queries):
    _claims = 0

    async def claim(self, interaction_id: int, now: int) -> bool:
        """True if this process is the first to take the interaction."""
        self._claims += 1
        if self._claims % PRUNE_EVERY == 1:
            await self._write(
                "DELETE FROM interaction_claims WHERE claimed_at < $1", now - KEEP_SECONDS
            )
        taken = await self._write(
            "INSERT INTO interaction_claims (interaction_id, claimed_at) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING",
            interaction_id,
            now,
        )
        return taken == 1

    async def claim_act(self, act: str, now: int) -> bool:
        """True if this process is the first to do ``act`` (a scheduled act's name, with its
        slot); old claims are deleted on the way."""
        await self._write("DELETE FROM act_claims WHERE claimed_at < $1", now - ACT_KEEP_SECONDS)
        taken = await self._write(
            "INSERT INTO act_claims (act, claimed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            act,
            now,
        )
        return taken == 1
