"""The demo's readable transcript: what the bot posted (read back from the local server, as a
member would see it) and what the simulated people did, stamped with simulated time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.demo import community as c
from bot.devserver.payloads import snowflake_time

WIDTH = 100


class Transcript:
    def __init__(
        self,
        server: Any,
        clock: Callable[[], datetime],
        names: dict[int, str],
        out: Callable[[str], None],
    ) -> None:
        self.server = server
        self.clock = clock
        self.names = names
        self.out = out
        self.lines: list[str] = []
        self.seen: set[str] = set()
        self.pins_shown = 0

    def _emit(self, when: datetime | None, where: str, text: str, *, cut: bool = True) -> None:
        stamp = when.strftime("%a %H:%M") if when else " " * 9
        line = f"{stamp}  {where:<14} {text}"
        self.lines.append(line)
        self.out(line if len(line) <= WIDTH or not cut else line[: WIDTH - 1] + "…")

    def say(self, text: str) -> None:
        self.lines.append(text)
        self.out(text)

    def where(self, channel_id: int) -> str:
        if channel_id in c.CHANNEL_NAMES:
            return "#" + c.CHANNEL_NAMES[channel_id]
        thread = self.server.state.channels.get(channel_id)
        parent = int(thread["parent_id"]) if thread and thread.get("parent_id") else 0
        return "  ↳ thread" if parent in c.CHANNEL_NAMES else f"<{channel_id}>"

    def action(self, user_id: int, channel_id: int, text: str, note: str = "") -> None:
        self._emit(self.clock(), self.where(channel_id), f"{self.names[user_id]}{note} {text}")

    def member_said(self, user_id: int, channel_id: int, text: str, note: str = "") -> None:
        said = f"{self.names[user_id]}{note}: {text}"
        self._emit(self.clock(), self.where(channel_id), said)

    def reply(self, text: str) -> None:
        """The bot's answer to a command (seen only by the member who asked)."""
        for n, line in enumerate(text.splitlines()):
            prefix = "bot (only you can see this): " if n == 0 else "    "
            self._emit(None, "", prefix + line, cut=False)

    def edited(self, channel_id: int, text: str) -> None:
        self._emit(self.clock(), self.where(channel_id), text)

    def show_new(self) -> None:
        """Print the bot's messages and threads that appeared since the last call, in order."""
        new = []
        for channel_id in [*c.CHANNEL_NAMES, *(int(t["id"]) for t in self.server.threads())]:
            for message in self.server.messages(channel_id):
                if message["id"] not in self.seen:
                    self.seen.add(message["id"])
                    if message["author"]["id"] == str(self.server.bot_id):
                        new.append(message)  # members' messages are shown as they are sent
        for message in sorted(new, key=lambda m: int(m["id"])):
            self._message(message)

    def _message(self, message: dict) -> None:
        when = snowflake_time(message["id"])
        where = self.where(int(message["channel_id"]))
        author = "bot"
        content = (message.get("content") or "").strip()
        if content:
            self._emit(when, where, f"{author}: {content}")
        for embed in message.get("embeds") or []:
            footer = (embed.get("footer") or {}).get("text") or ""
            if footer.endswith("a /starter"):  # an answer to /starter, for everyone to see
                buttons = [
                    b["label"] for row in message.get("components", []) for b in row["components"]
                ]
                shown = f"{author} offers a starter: “{embed.get('title', '')}”"
                self._emit(when, where, shown + "".join(f" [{b}]" for b in buttons))
                continue
            self._emit(when, where, f"{author} posts the prompt: “{embed.get('title', '')}”")
            footer = (embed.get("footer") or {}).get("text")
            if footer:
                self._emit(when, where, f"    {footer}")
        thread = message.get("thread")
        if thread:
            self._emit(when, where, f"bot opens the thread “{thread['name']}”")
        if int(message["id"]) in self.server.pinned(int(message["channel_id"])):
            before = " and unpins the one before" if self.pins_shown else ""
            self._emit(when, where, f"bot pins the prompt{before} 📌")
            self.pins_shown += 1
