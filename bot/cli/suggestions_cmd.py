"""``python -m bot suggestions list|accept|reject --guild ID``: members' suggestions in the shell,
decided with the same rules as the review buttons (written into the prompt files through the
round-trip writer; a suggestion already decided is left alone). The member sees the decision in
``/suggest mine``; no direct message is sent from the shell."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bot.app import app_for
from bot.config.settings import Settings, load_config
from bot.errors import InputError, Problem
from bot.invisible import escaped
from bot.prompts.loader import LibraryHolder
from bot.store import database_exists
from bot.suggestions.service import SuggestionService
from bot.suggestions.types import SUGGESTION, SuggestionError

SHELL = 0  # who decided: an admin in the shell, not a Discord member


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("suggestions", help="list, accept or reject members' suggestions")
    actions = parser.add_subparsers(dest="suggestions_action", required=True)
    listing = actions.add_parser("list", help="pending suggestions of a server")
    accept = actions.add_parser("accept", help="write a suggestion into its theme's file")
    accept.add_argument("id", type=int, help="suggestion number (see list)")
    accept.add_argument("--theme", help="theme id or title (required if it has none)")
    accept.add_argument("--off", action="store_true", help="add it disabled (enabled: false)")
    reject = actions.add_parser("reject", help="decline a suggestion")
    reject.add_argument("id", type=int, help="suggestion number (see list)")
    reject.add_argument("--reason", help="told to the member in /suggest mine")
    for action in (listing, accept, reject):
        action.add_argument("--guild", type=int, required=True, help="server (guild) id")
        action.add_argument("--config", type=Path, default=Path("config.yaml"))
        action.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_config(args.config)
    holder = LibraryHolder(settings.prompts_dir)
    problems = holder.reload()
    if problems:
        raise InputError(problems)
    if not database_exists(settings.database):
        raise InputError([Problem(str(settings.database), None, "database not found")])
    return asyncio.run(_run(args, settings, holder))


async def _run(args: argparse.Namespace, settings: Settings, holder: LibraryHolder) -> int:
    async with app_for(settings, holder) as app:
        service = app.suggestions
        now = int(time.time())
        if args.suggestions_action == "list":
            return _list(await service.store.pending(args.guild, now))
        return await _decide(args, service, now)


def _list(pending: list) -> int:
    for s in pending:
        theme = s.theme_id or "no theme yet"
        note = f"  (note: {escaped(s.note)})" if s.note else ""
        print(f"{s.id}  [{escaped(theme)}]  {escaped(s.question)}{note}")
    if not pending:
        print("No pending suggestions.")
    return 0


async def _decide(args: argparse.Namespace, service: SuggestionService, now: int) -> int:
    found = await service.store.get(args.id)
    if found is None or found.guild_id != args.guild:
        raise InputError([Problem(f"suggestion {args.id}", None, "not found in this server")])
    action = "reject" if args.suggestions_action == "reject" else ("off" if args.off else "accept")
    try:
        if action != "reject" and args.theme:
            followups = "\n".join(found.followups)
            item = await service.edit(
                SUGGESTION,
                str(found.id),
                "",
                now,
                question=found.question,
                followups=followups,
                theme=args.theme,
            )
            found = item.suggestion or found
        seen = service.files.seen(found.theme_id)
        decision = await service.decide(
            SUGGESTION, str(found.id), action, SHELL, seen, now, getattr(args, "reason", None)
        )
    except SuggestionError as exc:
        raise InputError([Problem(f"suggestion {args.id}", None, str(exc))]) from None
    print(decision.text)
    return 0 if decision.decided else 1
