"""Conversation starters on demand (``/starter``): which prompt, where, and how often."""
