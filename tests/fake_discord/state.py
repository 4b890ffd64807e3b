"""The fake server's world: guilds, channels, threads, messages and application commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.harness import payloads as shapes

from . import payloads as p
from .payloads import Json


@dataclass
class Guild:
    id: int
    name: str
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, Json] = field(default_factory=dict)  # user id → member JSON
    roles: list[Json] = field(default_factory=list)


class World:
    """In-memory Discord data. Every id is a snowflake; every body is Discord-shaped JSON."""

    def __init__(self, bot_id: int, bot_name: str) -> None:
        self.ids = p.Snowflakes()
        self.bot = shapes.user(bot_id, bot_name, bot=True)
        self.users: dict[int, Json] = {bot_id: self.bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Json] = {}
        self.history: dict[int, list[Json]] = {}  # channel id → messages, oldest first
        self.commands: dict[int | None, list[Json]] = {}  # guild id (None = global) → commands
        self.reactors: dict[int, dict[str, list[int]]] = {}  # message id → emoji → user ids

    @property
    def bot_id(self) -> int:
        return int(self.bot["id"])

    def add_guild(self, guild_id: int, name: str, channels: dict[int, str]) -> Guild:
        everyone = shapes.everyone_role(guild_id, permissions=p.EVERYONE_PERMISSIONS)
        bot_role = shapes.role(
            self.ids.next(), self.bot["username"], permissions=p.ADMINISTRATOR, position=1
        )
        guild = Guild(guild_id, name, roles=[everyone, bot_role])
        self.guilds[guild_id] = guild
        for position, (channel_id, channel_name) in enumerate(channels.items()):
            self.add_channel(guild_id, channel_id, channel_name, position)
        self._join(guild, self.bot, [int(bot_role["id"])])
        return guild

    def add_channel(self, guild_id: int, channel_id: int, name: str, position: int = 0) -> Json:
        channel = shapes.text_channel(channel_id, guild_id, name, position=position)
        self.guilds[guild_id].channel_ids.append(channel_id)
        self.channels[channel_id] = channel
        self.history[channel_id] = []
        return channel

    def add_member(self, guild_id: int, user_id: int, name: str, roles: list[int]) -> Json:
        self.users[user_id] = shapes.user(user_id, name)
        return self._join(self.guilds[guild_id], self.users[user_id], roles)

    def _join(self, guild: Guild, user: Json, roles: list[int]) -> Json:
        member = {**shapes.member(int(user["id"]), roles, joined_at=p.now()), "user": user}
        guild.members[int(user["id"])] = member
        return member

    def guild_of(self, channel_id: int) -> Guild | None:
        channel = self.channels.get(channel_id)
        return self.guilds.get(int(channel["guild_id"])) if channel else None

    def threads(self, guild_id: int) -> list[Json]:
        return [
            c
            for c in self.channels.values()
            if c["type"] in (10, 11, 12)
            and c["guild_id"] == str(guild_id)
            and not c["thread_metadata"]["archived"]
        ]

    def guild_create(self, guild: Guild) -> Json:
        """GUILD_CREATE as sent after READY. member_count equals the members listed, so
        discord.py does not ask for member chunks."""
        return shapes.guild(
            guild.id,
            guild.name,
            channels=[self.channels[c] for c in guild.channel_ids],
            roles=guild.roles,
            members=list(guild.members.values()),
            threads=self.threads(guild.id),
            owner_id=self.bot_id,
            joined_at=p.now(),
        )

    def add_message(self, channel_id: int, author_id: int, body: Json) -> Json:
        """Store a message and return it as a gateway MESSAGE_CREATE payload would carry it."""
        channel = self.channels[channel_id]
        message = p.message(self.ids.next(), channel, self.users[author_id], body)
        self.history[channel_id].append(message)
        channel["last_message_id"] = message["id"]
        if "message_count" in channel:
            channel["message_count"] += 1
            channel["total_message_sent"] += 1
        return message

    def gateway_message(self, message: Json) -> Json:
        guild = self.guild_of(int(message["channel_id"]))
        if guild is None:
            return message
        author_id = int(message["author"]["id"])
        member = {k: v for k, v in guild.members.get(author_id, {}).items() if k != "user"}
        return {**message, "guild_id": str(guild.id), "member": member}

    def add_thread(self, parent_id: int, name: str, *, thread_id: int | None, body: Json) -> Json:
        parent = self.channels[parent_id]
        kind = int(body.get("type") or 11)
        archive = int(body.get("auto_archive_duration") or 1440)
        thread = shapes.thread(
            thread_id or self.ids.next(),
            int(parent["guild_id"]),
            int(parent["id"]),
            name,
            owner_id=self.bot_id,
            type=kind,
            auto_archive_duration=archive,
            created=p.now(),
        )
        thread_id = int(thread["id"])
        self.channels[thread_id] = thread
        self.history[thread_id] = []
        return thread

    def find_message(self, channel_id: int, message_id: int) -> Json | None:
        for message in self.history.get(channel_id, []):
            if message["id"] == str(message_id):
                return message
        return None

    def page(self, channel_id: int, query: dict[str, str]) -> list[Json]:
        """GET /channels/{id}/messages: up to ``limit`` messages, newest first, as Discord pages."""
        limit = max(1, min(100, int(query.get("limit", 50))))
        messages = self.history.get(channel_id, [])
        if "after" in query:
            chosen = [m for m in messages if int(m["id"]) > int(query["after"])][:limit]
        elif "before" in query:
            chosen = [m for m in messages if int(m["id"]) < int(query["before"])][-limit:]
        elif "around" in query:
            pivot = int(query["around"])
            older = [m for m in messages if int(m["id"]) <= pivot][-(limit - limit // 2) :]
            chosen = older + [m for m in messages if int(m["id"]) > pivot][: limit // 2]
        else:
            chosen = messages[-limit:]
        return list(reversed(chosen))

    def add_reaction(self, message: Json, user_id: int, emoji: str) -> bool:
        """A user reacts with a unicode emoji; the message's ``reactions`` counts follow, as
        Discord returns them. False if the user had already reacted with it."""
        users = self.reactors.setdefault(int(message["id"]), {}).setdefault(emoji, [])
        if user_id in users:
            return False
        users.append(user_id)
        reactions = message.setdefault("reactions", [])
        entry = next((r for r in reactions if r["emoji"]["name"] == emoji), None)
        if entry is None:
            entry = {
                "count": 0, "count_details": {"burst": 0, "normal": 0}, "me": False,
                "me_burst": False, "emoji": {"id": None, "name": emoji}, "burst_colors": [],
            }  # fmt: skip
            reactions.append(entry)
        entry["count"] += 1
        entry["count_details"]["normal"] += 1
        entry["me"] = entry["me"] or user_id == self.bot_id
        return True

    def reaction_users(self, message_id: int, emoji: str, query: dict[str, str]) -> list[Json]:
        """GET .../reactions/{emoji}: users of normal reactions, by id, ``limit`` (max 100)
        after ``after``, as Discord pages them."""
        if query.get("type", "0") != "0":
            return []
        limit = max(1, min(100, int(query.get("limit", 25))))
        after = int(query.get("after", 0))
        ids = sorted(self.reactors.get(message_id, {}).get(emoji, []))
        return [self.users[i] for i in ids if i > after][:limit]
