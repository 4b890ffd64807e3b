"""The prompt library in use: reloaded when its files change; problems in an edit keep the last
good library and go to every mod-log once per distinct set of problems."""

from __future__ import annotations

import logging

from bot.posting.channels import ChannelDirectory
from bot.posting.notices import ModNotices
from bot.posting.types import LibrarySource
from bot.prompts.loader import prepare_library
from bot.prompts.model import Library

log = logging.getLogger(__name__)


class LibraryWatch:
    def __init__(
        self, source: LibrarySource, directory: ChannelDirectory, notices: ModNotices
    ) -> None:
        self.source = source
        self.directory = directory
        self.notices = notices
        self._reported_problems: tuple[str, ...] = ()

    @property
    def library(self) -> Library:
        return self.source.library

    async def check(self) -> list:
        """Reload the prompt files if they changed; report new problems to every mod-log."""
        changed = getattr(self.source, "changed", None)
        if changed is None or not changed():
            return []
        return await self.reload()

    async def reload(self) -> list:
        """Read the prompt files now, parsed off the event loop where the source can (a large
        file takes a while); their problems (the last good library stays in use)."""
        await prepare_library(self.source, force=True)
        problems = self.source.reload()
        text = tuple(str(p) for p in problems)
        if problems and text != self._reported_problems:
            notice = "Prompt files have problems; the last good prompts stay in use:\n" + "\n".join(
                text[:20]
            )
            for guild in self.directory.guilds():
                await self.notices.send(guild, notice)
        self._reported_problems = text
        return problems
