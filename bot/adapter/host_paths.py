"""Text bound for Discord names files the way the config does, never by the host's folders."""

from __future__ import annotations

import os
from pathlib import Path

from bot.config.settings import Settings


def without_host_paths(text: str, settings: Settings) -> str:
    """``text`` with the folders the config's paths are resolved from taken out, so a notice
    says ``prompts/stories.yaml:4`` rather than ``/srv/bot/prompts/stories.yaml:4``."""
    bases = {Path(settings.prompts_dir).parent, settings.database.path.parent}
    for base in sorted((b for b in bases if b.is_absolute()), key=lambda b: -len(str(b))):
        if base != Path(base.anchor):
            text = text.replace(str(base) + os.sep, "")
    return text
