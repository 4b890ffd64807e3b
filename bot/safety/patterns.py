"""Regular expressions written by admins, made safe to run in the bot.

A pattern with a repeated group that itself repeats (``(\\w+\\s?)+ address``) can take minutes
on a short text; such a pattern is refused when its file is read. Every pattern is matched with
the ``regex`` library, which stops a search after :data:`TIME_LIMIT` seconds (``re`` has no
limit) and lets go of the interpreter lock while it searches, so a worker thread checking a
question never holds up the bot's event loop.
"""

from __future__ import annotations

import regex

TIME_LIMIT = 0.2  # seconds for one pattern on one text
FLAGS = regex.IGNORECASE | regex.VERSION0


class PatternRefused(ValueError):
    """The pattern is not a regular expression, or one that may never finish; says why."""


class TimedOut(Exception):
    """A search gave up after :data:`TIME_LIMIT` seconds."""


def compile_rule(pattern: str) -> regex.Pattern:
    """The compiled pattern, or PatternRefused with a message for the admin."""
    nested = nested_repeat(pattern)
    if nested:
        raise PatternRefused(
            f"pattern repeats a group that repeats inside ({nested}), which can take minutes on"
            " a short text; write it without the nesting (e.g. `\\w[\\w\\s]*` for `(\\w+\\s?)+`)"
        )
    try:
        return regex.compile(pattern, FLAGS)
    except regex.error as exc:
        raise PatternRefused(f"pattern is not a regular expression: {exc}") from None


def search(pattern: regex.Pattern, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text``; TimedOut when it takes too long."""
    try:
        return pattern.search(text, timeout=TIME_LIMIT, concurrent=True) is not None
    except TimeoutError:
        raise TimedOut(pattern.pattern) from None


def nested_repeat(pattern: str) -> str | None:
    """The first group repeated without bound that holds an unbounded repeat itself, as
    written, or None. Escapes and character classes are skipped."""
    stack: list[tuple[int, bool]] = []  # (start, holds an unbounded repeat)
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "(":
            stack.append((i, False))
            i += 1
            continue
        if c == ")" and stack:
            start, holds = stack.pop()
            end, unbounded = _repeat_after(pattern, i + 1)
            if holds and unbounded:
                return pattern[start:end]
            if stack and (holds or unbounded):
                stack[-1] = (stack[-1][0], True)
            i = end
            continue
        atom_end = i + 2 if c == "\\" else _class_end(pattern, i) if c == "[" else i + 1
        end, unbounded = _repeat_after(pattern, atom_end)
        if unbounded and stack:
            stack[-1] = (stack[-1][0], True)
        i = max(end, atom_end)
    return None


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class opening at ``i``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _repeat_after(pattern: str, i: int) -> tuple[int, bool]:
    """Where the repeat after an atom ending before ``i`` ends, and whether it is unbounded
    (``*``, ``+``, ``{n,}``, or more than a few times)."""
    if i >= len(pattern):
        return i, False
    c = pattern[i]
    if c in "*+":
        end = i + 1
        return (end + 1 if end < len(pattern) and pattern[end] in "?+" else end), True
    if c == "?":
        return i + 1, False
    if c == "{":
        close = pattern.find("}", i)
        body = pattern[i + 1 : close] if close > 0 else ""
        if close > 0 and regex.fullmatch(r"\d*(,\d*)?", body):
            high = body.partition(",")[2]
            unbounded = "," in body and (not high or int(high) > 10)
            return close + 1, unbounded
    return i, False
