"""``python -m bot demo``: the whole job with no Discord account. The local Discord-compatible
server (``bot.devserver``) plays Discord, the real bot runs against it with the shipped prompts
on a temporary database, and a simulated week of a small community is printed as it happens."""
