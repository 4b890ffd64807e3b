"""Which prompt a channel posts next (pure: decided from the pool and the channel's history).

Rules, all deterministic:

* **Cycles.** No prompt repeats in a channel until its whole pool has been used. History is read
  in time order; a cycle ends as soon as every prompt of the current pool has appeared in it, and
  the next cycle starts empty. Entries for prompts no longer in the pool are ignored for cycles
  (they still count for theme recency). A prompt added to the pool mid-cycle is simply unused.
* **Themes balanced.** Among themes that still have unused prompts in this cycle, the least
  recently used theme goes first; never-used themes come before used ones, ties by theme id.
* **Within a theme** the least recently used prompt goes first; never-used prompts first, in
  file (pool) order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config.settings import ChannelConfig
from bot.posting.types import HistoryEntry
from bot.prompts.model import Library, Prompt


def pool_for(library: Library, channel: ChannelConfig) -> list[Prompt]:
    """The enabled prompts a channel draws from, in file order.

    With neither ``themes`` nor ``prompts`` configured the channel uses every enabled prompt;
    otherwise it uses the prompts of the listed themes plus the listed prompts.
    """
    prompts = library.enabled_prompts()
    if not channel.themes and not channel.prompts:
        return prompts
    themes, ids = set(channel.themes), set(channel.prompts)
    return [p for p in prompts if p.theme_id in themes or p.id in ids]


def _ordered(history: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(history, key=lambda e: e.posted_at)  # stable: equal times keep given order


def _current_cycle(pool: list[Prompt], history: list[HistoryEntry]) -> tuple[set[str], int]:
    """Pool prompts used in the current cycle, and how many history entries came before it."""
    pool_ids = {p.id for p in pool}
    used: set[str] = set()
    began = 0
    for position, entry in enumerate(_ordered(history)):
        if entry.prompt_id in pool_ids:
            used.add(entry.prompt_id)
            if used >= pool_ids:
                used, began = set(), position + 1
    return used, began


def _used_in_cycle(pool: list[Prompt], history: list[HistoryEntry]) -> set[str]:
    return _current_cycle(pool, history)[0]


def cycle_position(pool: list[Prompt], history: list[HistoryEntry]) -> tuple[int, int]:
    """How many pool prompts are still unused in the current cycle, and how many history entries
    came before that cycle began (which identifies the cycle, e.g. for a once-per-cycle notice)."""
    used, began = _current_cycle(pool, history)
    return sum(1 for p in pool if p.id not in used), began


def remaining_in_cycle(pool: list[Prompt], history: list[HistoryEntry]) -> int:
    """How many pool prompts have not been posted yet in the current cycle."""
    return cycle_position(pool, history)[0]


def _pick(pool: list[Prompt], history: list[HistoryEntry]) -> Prompt:
    used = _used_in_cycle(pool, history)
    candidates = [p for p in pool if p.id not in used]
    theme_seen: dict[str, int] = {}
    prompt_seen: dict[str, int] = {}
    for position, entry in enumerate(_ordered(history)):
        theme_seen[entry.theme_id] = position
        prompt_seen[entry.prompt_id] = position
    theme = min({p.theme_id for p in candidates}, key=lambda t: (theme_seen.get(t, -1), t))
    in_theme = [(i, p) for i, p in enumerate(candidates) if p.theme_id == theme]
    return min(in_theme, key=lambda ip: (prompt_seen.get(ip[1].id, -1), ip[0]))[1]


def choose_next(pool: list[Prompt], history: list[HistoryEntry], count: int = 1) -> list[Prompt]:
    """The next ``count`` prompts, as if each were posted in turn (empty if the pool is)."""
    if not pool:
        return []
    simulated = _ordered(history)
    chosen: list[Prompt] = []
    for _ in range(count):
        prompt = _pick(pool, simulated)
        chosen.append(prompt)
        after = simulated[-1].posted_at + 1 if simulated else 0
        simulated.append(HistoryEntry(prompt.id, prompt.theme_id, after))
    return chosen


@dataclass(frozen=True)
class PlannedPost:
    slot: datetime
    prompt: Prompt | None  # None: skipped by a moderator, or the pool is empty
    skipped: bool = False


def plan_posts(
    pool: list[Prompt], history: list[HistoryEntry], slots: list[datetime], skips: int = 0
) -> list[PlannedPost]:
    """What each upcoming slot would post: the first ``skips`` slots are skipped (a skipped slot
    uses no prompt), the rest follow the rotation in turn."""
    simulated = _ordered(history)
    plan = []
    for slot in slots:
        if skips > 0:
            skips -= 1
            plan.append(PlannedPost(slot, None, skipped=True))
            continue
        prompt = choose_next(pool, simulated)[0] if pool else None
        if prompt is not None:
            when = max(int(slot.timestamp()), simulated[-1].posted_at + 1 if simulated else 0)
            simulated.append(HistoryEntry(prompt.id, prompt.theme_id, when))
        plan.append(PlannedPost(slot, prompt))
    return plan
