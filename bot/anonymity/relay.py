"""How a relayed anonymous answer is found again: each relay gets a random token; the message is
sent with a nonce made from it (a repeated send within Discord's few minutes returns the message
already made), and a digest of the token and the text identifies the message in the thread's
history later (history does not carry nonces). The digest stays with the member's relay for the
hour the relay counts toward the limit, so the same words sent again are recognised as the answer
already posted. The text itself is never stored. Pure."""

from __future__ import annotations

import hashlib
import secrets

# A relay not finished after this long, and not being sent by this process, is looked for in its
# thread and linked if found (a relay pending when this process started is looked for at once):
# a process that is sending it has its answer from Discord by then, save on a slow Discord, and
# linking it twice is harmless (one link, the same confirmation).
LOOK_AFTER = 10
# A relay not found after this long is taken as never posted and dropped: a send is retried by
# discord.py for well under a minute, and a longer rate limit is raised, not waited.
STALE_AFTER = 120
# How long Discord accepts an interaction's token for follow-ups and edits (15 minutes), less a
# margin for the request itself.
INTERACTION_TOKEN_LIFE = 14 * 60
NONCE_MAX = 25  # characters Discord accepts in a nonce


def new_token() -> str:
    return secrets.token_hex(16)


def relay_nonce(token: str) -> str:
    """The nonce the relayed message is sent with (a repeated send returns the same message)."""
    return f"anon-{token[:16]}"[:NONCE_MAX]


def answer_digest(token: str, text: str) -> str:
    """Identifies the relay's text without keeping it: salted by the relay's own token, so it
    cannot be compared with any other relay's."""
    return hashlib.sha256(f"{token}\n{text}".encode()).hexdigest()
