"""Moderator commands are gated twice: Discord hides them from members without Manage Messages
(``default_permissions``), and the bot checks the configured moderator roles at run time (a
server admin can change who sees a command; only the config decides who may run it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.adapter.context import services_of

T = TypeVar("T")
MOD_PERMISSIONS = discord.Permissions(manage_messages=True)


class NotModerator(app_commands.CheckFailure):
    """The member has none of the guild's configured moderator roles."""


def member_is_moderator(interaction: discord.Interaction) -> bool:
    """Administrator, or one of ``GuildConfig.moderator_role_ids`` of the interaction's guild."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    if interaction.permissions.administrator:
        return True
    config = services_of(interaction.client).settings.guild(interaction.guild_id)
    allowed = set(config.moderator_role_ids) if config else set()
    return any(role.id in allowed for role in interaction.user.roles)


async def _moderator_predicate(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not member_is_moderator(interaction):
        raise NotModerator("moderator role required")
    return True


_moderator_predicate.is_moderator_check = True  # type: ignore[attr-defined]


def is_moderator() -> Any:
    """The runtime check as an ``app_commands`` check decorator."""
    return app_commands.check(_moderator_predicate)


def mod_command(func: T) -> T:
    """Both gates on one command: hidden by default from members without Manage Messages,
    server-only, and refused at run time to members without a moderator role."""
    func = is_moderator()(func)
    func = app_commands.guild_only()(func)
    return app_commands.default_permissions(manage_messages=True)(func)


class ModGroup(app_commands.Group):
    """A slash command group for moderators: both gates for every subcommand it holds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_permissions=MOD_PERMISSIONS, guild_only=True, **kwargs)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _moderator_predicate(interaction)


def iter_leaf_commands(
    tree: app_commands.CommandTree, guild_ids: Iterable[int] = ()
) -> Iterator[app_commands.Command]:
    """Every runnable slash command (subcommands of groups included), global and per guild."""
    seen = set()
    scopes = [None, *(discord.Object(g) for g in guild_ids)]
    for scope in scopes:
        for command in tree.walk_commands(guild=scope):
            if isinstance(command, app_commands.Command) and id(command) not in seen:
                seen.add(id(command))
                yield command


def gates(command: app_commands.Command) -> tuple[bool, bool]:
    """(Discord hides it from non-moderators, the bot checks moderator roles at run time)."""
    root = command.root_parent or command
    hidden = bool(root.default_permissions and root.default_permissions.manage_messages)
    checked = (
        isinstance(command.parent, ModGroup)  # discord.py runs the parent's interaction_check
        or isinstance(command.binding, ModGroup)
        or any(getattr(c, "is_moderator_check", False) for c in command.checks)
    )
    return hidden, checked


def half_gated(tree: app_commands.CommandTree, guild_ids: Iterable[int] = ()) -> list[str]:
    """Commands with only one of the two moderator gates: should be empty."""
    commands = iter_leaf_commands(tree, guild_ids)
    return [c.qualified_name for c in commands if len(set(gates(c))) == 2]
