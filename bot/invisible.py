"""Characters no reader sees: control characters (ESC, BEL, NUL, ...), direction overrides and
isolates, zero-width spaces. In a member's text they hide what is really there (a right-to-left
override shows the text after it reversed; ESC drives the admin's terminal), so text taken from
members loses them, files refuse them, and a terminal is shown them escaped."""

from __future__ import annotations

import unicodedata

# Kept: the zero-width joiners are parts of emoji sequences (🏳️‍🌈, 🏳️‍⚧️) and of words in
# Persian and Indic scripts; tag characters spell the subdivision flags (🏴󠁧󠁢󠁷󠁬󠁳󠁿).
_KEPT = frozenset("\u200c\u200d")
_TAGS = ("\U000e0020", "\U000e007f")


def is_invisible(char: str) -> bool:
    if char in _KEPT or _TAGS[0] <= char <= _TAGS[1]:
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def invisible_in(text: str) -> list[str]:
    """The invisible characters of ``text``, named as ``U+202E``."""
    return [f"U+{ord(c):04X}" for c in text if is_invisible(c)]


def without_invisible(text: str) -> str:
    """``text`` without its invisible characters (line breaks and tabs are kept)."""
    return "".join(c for c in text if c in "\n\t" or not is_invisible(c))


def escaped(text: str) -> str:
    """``text`` for one line of a terminal: invisible characters and line breaks written as
    ``\\x1b`` or ``\\u202e``, so nothing printed can move the cursor, ring or reorder the line."""
    return "".join(_escape(c) if c in "\n\t" or is_invisible(c) else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


# Embeddings, overrides and isolates: they reorder what is shown after them.
_DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe_in(text: str) -> list[str]:
    """Control characters (other than line breaks and tabs) and direction overrides in text a
    file gives the bot to post, named as ``U+202E``: a file holding them is refused."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c in _DIRECTION or (unicodedata.category(c) == "Cc" and c not in "\n\t")
    ]
