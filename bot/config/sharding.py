"""Sharding: which of the bot's gateway shards this process runs, and so which guilds it serves.

Discord splits a bot's guilds over ``shard_count`` gateway connections: a guild is on shard
``(guild_id >> 22) % shard_count``, and each connection hears only the guilds of its shard.
``shard_count`` and ``shard_ids`` come from the config file, or from the environment variables
``SHARD_COUNT`` and ``SHARD_IDS``, which win (so one config file serves every process of a
deployment). ``SHARD_IDS`` is a comma-separated list of shard ids and ranges: ``0,1`` or ``0-3``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from yaml.nodes import Node, SequenceNode

from bot.config.values import is_ascii_number
from bot.errors import Problem
from bot.yaml_nodes import NodeReader

COUNT_KEY, IDS_KEY = "shard_count", "shard_ids"
COUNT_ENV, IDS_ENV = "SHARD_COUNT", "SHARD_IDS"
SHARD_KEYS = (COUNT_KEY, IDS_KEY)
# Far more shards than any bot needs (Discord asks for one per 1,000-2,500 guilds); a larger
# number is a typing mistake, and running every shard of it would need that many connections.
MAX_SHARDS = 100_000


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a guild is on: Discord's own formula."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Sharding:
    """``count`` shards in all; this process runs ``ids`` (sorted, each below ``count``)."""

    count: int
    ids: tuple[int, ...]

    def shard_of(self, guild_id: int) -> int:
        return shard_of(guild_id, self.count)

    def serves(self, guild_id: int) -> bool:
        """True if the guild is on one of this process's shards."""
        return self.shard_of(guild_id) in self.ids

    @property
    def syncs_commands(self) -> bool:
        """The process holding shard 0 registers the slash commands; the others do not, so a
        deployment of many processes registers them once."""
        return 0 in self.ids

    def __str__(self) -> str:
        return f"shard{'s' if len(self.ids) > 1 else ''} {_ranges(self.ids)} of {self.count}"


def _ranges(ids: tuple[int, ...]) -> str:
    """``0-3,7`` for (0, 1, 2, 3, 7)."""
    parts: list[str] = []
    start = prev = None
    for i in (*ids, None):
        if start is not None and i is not None and prev is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = i
    return ",".join(parts)


@dataclass(frozen=True)
class _Given:
    """A value as given: where (a node of the file, or an environment variable) and what."""

    value: object
    node: Node | None = None
    env: str | None = None

    def where(self, path: str) -> str:
        """How a message about another value names this one: ``SHARD_COUNT`` or
        ``config.yaml:3``."""
        if self.env is not None:
            return self.env
        assert self.node is not None
        return f"{path}:{self.node.start_mark.line + 1}"


class ShardValues:
    """Reads ``shard_count`` and ``shard_ids`` from the file's top-level keys and the
    environment, each problem on the node or variable it comes from."""

    def __init__(self, nodes: NodeReader, env: Mapping[str, str]) -> None:
        self.nodes = nodes
        self.env = env

    def sharding(self, fields: dict[str, Node]) -> Sharding | None:
        """None when neither the file nor the environment says anything about shards (or
        what they say has problems, which are recorded)."""
        count_given = self._given(fields, COUNT_KEY, COUNT_ENV)
        ids_given = self._given(fields, IDS_KEY, IDS_ENV)
        if count_given is None and ids_given is None:
            return None
        count = None if count_given is None else self._count(count_given)
        entries = None if ids_given is None else self._ids(ids_given)
        if ids_given is not None and count_given is None:
            self._problem(
                ids_given,
                f"needs {COUNT_KEY} too (how many shards the bot has in all, across every"
                f" process; or set {COUNT_ENV})",
                IDS_KEY,
            )
            return None
        if ids_given is not None and entries is None:
            return None
        unique = entries is None or self._unique(entries)
        if count is None:
            return None
        if entries is None:
            return Sharding(count, tuple(range(count)))
        assert count_given is not None and ids_given is not None
        if not (self._in_range(entries, count, count_given, ids_given) and unique):
            return None
        return Sharding(count, tuple(sorted(shard for shard, _ in entries)))

    def _in_range(
        self, entries: list[tuple[int, _Given]], count: int, count_given: _Given, ids_given: _Given
    ) -> bool:
        """Each listed shard is below the count; a problem for each one that is not."""
        from_elsewhere = ids_given.env is not None or count_given.env is not None
        source = f", from {count_given.where(self.nodes.path)}" if from_elsewhere else ""
        bad: dict[int, list[int]] = {}
        for shard, where in entries:
            if shard >= count:
                bad.setdefault(id(where), []).append(shard)
        for _, where in entries:
            shards = bad.pop(id(where), None)
            if shards:
                shown = ", ".join(map(str, shards[:5])) + (", …" if len(shards) > 5 else "")
                self._problem(
                    where,
                    f"shard {shown} out of range: shard ids run from 0 to {count - 1}"
                    f" ({COUNT_KEY} is {count}{source})",
                )
        return not any(shard >= count for shard, _ in entries)

    # --- one value ---------------------------------------------------------------------------

    def _given(self, fields: dict[str, Node], key: str, env_name: str) -> _Given | None:
        text = self.env.get(env_name)
        if text is not None and text.strip():
            return _Given(text.strip(), env=env_name)
        node = fields.get(key)
        if node is None or self.nodes.is_null(node):
            return None
        return _Given(None, node=node)

    def _problem(self, given: _Given, message: str, key: str = "") -> None:
        """A problem on the variable or node ``given`` came from; ``key`` opens the message
        in the file (a variable's name already opens it)."""
        if given.env is not None:
            self.nodes.problems.append(Problem(given.env, None, message))
        else:
            self.nodes.problem(given.node, f"{key} {message}" if key else message)

    def _count(self, given: _Given) -> int | None:
        if given.env is not None:
            text = str(given.value)
            value: object = int(text) if is_ascii_number(text) else None
        else:
            assert given.node is not None
            value = self.nodes.scalar(given.node)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self._problem(given, "must be a whole number of at least 1", COUNT_KEY)
            return None
        if value > MAX_SHARDS:
            self._problem(given, f"must be at most {MAX_SHARDS:,}", COUNT_KEY)
            return None
        return value

    def _ids(self, given: _Given) -> list[tuple[int, _Given]] | None:
        """The listed shard ids, each with where it was given; None (with a problem) if an
        entry is not a shard id."""
        entries = self._env_ids(given) if given.env is not None else self._file_ids(given)
        if entries is None:
            return None
        if not entries:
            self._problem(given, "must list at least one shard", IDS_KEY)
            return None
        return entries

    def _unique(self, entries: list[tuple[int, _Given]]) -> bool:
        """No shard listed twice; a problem at each repetition."""
        seen: set[int] = set()
        twice = False
        for shard, where in entries:
            if shard in seen:
                twice = True
                listed = IDS_ENV if where.env else IDS_KEY
                self._problem(where, f"shard {shard} is listed twice in {listed}")
            seen.add(shard)
        return not twice

    def _file_ids(self, given: _Given) -> list[tuple[int, _Given]] | None:
        assert given.node is not None
        if not isinstance(given.node, SequenceNode):
            self.nodes.problem(given.node, f"{IDS_KEY} must be a list of shard ids, e.g. [0, 1]")
            return None
        entries, ok = [], True
        for item in given.node.value:
            value = self.nodes.scalar(item)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.nodes.problem(item, f"each entry of {IDS_KEY} must be a shard id (0, 1, …)")
                ok = False
                continue
            entries.append((value, _Given(value, node=item)))
        return entries if ok else None

    def _env_ids(self, given: _Given) -> list[tuple[int, _Given]] | None:
        """``0,1,5`` or ranges ``0-3``; spaces around entries are allowed."""
        entries = []
        for part in str(given.value).split(","):
            low, dash, high = part.strip().partition("-")
            numbers = (low.strip(), high.strip()) if dash else (low.strip(),)
            if not all(is_ascii_number(n) for n in numbers) or int(numbers[0]) > int(numbers[-1]):
                self._problem(
                    given,
                    f"{part.strip()!r} is not a shard id or range: {IDS_ENV} lists shard ids"
                    " and ranges separated by commas, e.g. 0,1 or 0-3",
                )
                return None
            first, last = int(numbers[0]), int(numbers[-1])
            if last - first > MAX_SHARDS:
                self._problem(given, f"the range {part.strip()} is larger than any shard count")
                return None
            entries += [(i, given) for i in range(first, last + 1)]
        return entries
