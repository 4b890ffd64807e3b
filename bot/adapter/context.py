"""The one way views, forms and checks reach the app's ``Services``: through the client that
delivered the interaction (cogs are handed theirs when they are built)."""

from __future__ import annotations

import discord

from bot.app import Services


def services_of(client: discord.Client) -> Services:
    """The running bot's services; an error before ``setup_hook`` has built them."""
    services = getattr(client, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("the bot's services are not built yet (setup_hook has not run)")
    return services
