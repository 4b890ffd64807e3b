"""Offline Discord for tests: discord.py's own gateway and state code fed real payload shapes,
with REST answered and recorded by an in-process fake. See tests/discord_harness.py."""
