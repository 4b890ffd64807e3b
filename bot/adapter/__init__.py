"""Discord adapter: turns Discord events into core calls and core results into Discord calls.

The only part of the bot that imports discord.py. ``client.DiscussionBot`` is the bot;
features plug in as cogs listed in ``cogs.FEATURES``.
"""
