"""Polls as Discord holds them (API v10): the poll object a message carries, votes
(MESSAGE_POLL_VOTE_ADD / _REMOVE, sent with the non-privileged guild message polls intent) and
the end of a poll (its results finalised, announced as MESSAGE_UPDATE)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import payloads
from .payloads import Payload


def poll_object(request: Payload, now: datetime) -> Payload:
    """The poll of a created message, from the poll create request of its send body."""
    hours = int(request.get("duration") or 24)
    return {
        "question": request["question"],
        "answers": [
            {"answer_id": n, "poll_media": answer["poll_media"]}
            for n, answer in enumerate(request.get("answers") or [], 1)
        ],
        "expiry": payloads.iso(now + timedelta(hours=hours)),
        "allow_multiselect": bool(request.get("allow_multiselect", False)),
        "layout_type": int(request.get("layout_type") or 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


def vote_event(user_id: int, message: Payload, answer_id: int, guild_id: int | None) -> Payload:
    """MESSAGE_POLL_VOTE_ADD / _REMOVE data."""
    data = {
        "user_id": str(user_id),
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "answer_id": answer_id,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def count_vote(message: Payload, answer_id: int, user_id: int, votes: dict, *, add: bool) -> bool:
    """Keep ``votes`` (message → answer → voters) and the poll's counts; False when nothing
    changed (a second vote for the same answer, a vote taken back that was never cast)."""
    voters = votes.setdefault(int(message["id"]), {}).setdefault(answer_id, set())
    if (user_id in voters) == add:
        return False
    (voters.add if add else voters.discard)(user_id)
    counts = {a: len(v) for a, v in votes[int(message["id"])].items() if v}
    message["poll"]["results"]["answer_counts"] = [
        {"id": a, "count": n, "me_voted": False} for a, n in sorted(counts.items())
    ]
    return True


def finalise(message: Payload, now: datetime) -> Payload:
    """The poll ended: its results are final (MESSAGE_UPDATE carries them)."""
    message["poll"]["results"]["is_finalized"] = True
    message["poll"]["expiry"] = payloads.iso(now)
    return message


class PollRoutes:
    """``GET /channels/{id}/polls/{message_id}/answers/{answer_id}``: who voted for an answer,
    by user id, ``limit`` (at most 100) after ``after``, as ``{"users": [...]}``."""

    def __init__(self, state: Any) -> None:
        self.s = state

    def routes(self) -> dict[tuple[str, str], Any]:
        route = "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}"
        return {("GET", route): self.voters}

    def voters(self, req: Any, p: dict[str, str]) -> tuple[int, Any]:
        message = self.s.messages.get(int(p["message_id"]))
        if message is None or "poll" not in message:
            return 404, {"message": "Unknown Message", "code": 10008}
        guild_id = self.s.guild_of(int(message["channel_id"]))
        voted = self.s.votes.get(int(message["id"]), {}).get(int(p["answer_id"]), set())
        after = int(req.params.get("after", 0))
        limit = max(1, min(100, int(req.params.get("limit", 25))))
        chosen = sorted(u for u in voted if u > after)[:limit]
        users = []
        for user_id in chosen:
            member = self.s.members.get((guild_id, user_id)) if guild_id else None
            users.append(member["user"] if member else payloads.user(user_id))
        return 200, {"users": users}
