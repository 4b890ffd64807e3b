"""Facilitating a prompt's thread after it is posted: follow-ups paced by the conversation, one
nudge for a quiet thread, a welcome for a member's first answer."""
