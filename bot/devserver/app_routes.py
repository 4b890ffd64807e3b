"""REST answers for login, application commands, interaction responses and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field

from .app_payloads import application, command
from .payloads import Payload
from .requests import Request
from .state import Answer, DiscordState, Handler

EPHEMERAL, LOADING = 64, 128
MESSAGE_CALLBACKS = {4, 5, 7}  # channel message, deferred channel message, update message
DEFERRED_UPDATE = 6  # a component's message to be edited later


@dataclass
class Interaction:
    """One INTERACTION_CREATE sent to the bot and everything the bot answered to it."""

    payload: Payload
    callbacks: list[Payload] = field(default_factory=list)  # bodies of /callback
    messages: list[Payload] = field(default_factory=list)  # response message, then follow-ups

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        return self.payload["token"]

    @property
    def texts(self) -> list[str]:
        return [m.get("content") or "" for m in self.messages]


class AppRoutes:
    def __init__(self, state: DiscordState) -> None:
        self.s = state
        self.commands: dict[int | None, list[Payload]] = {}
        self.interactions: dict[str, Interaction] = {}  # token → the interaction
        self.original: dict[str, int] = {}  # token → id of the response message

    def record(self, payload: Payload) -> Interaction:
        """An INTERACTION_CREATE about to be sent: its replies will be kept."""
        interaction = Interaction(payload)
        self.interactions[payload["token"]] = interaction
        return interaction

    def synced_command(self, path: str, guild_id: int | None) -> tuple[int, int | None]:
        """The id Discord gave the command at sync, and the guild it is scoped to (if any)."""
        root = path.split()[0]
        for scope in (guild_id, None):
            for c in self.commands.get(scope, []):
                if c["name"] == root:
                    return int(c["id"]), scope
        return self.s.new_id(), None

    def routes(self) -> dict[tuple[str, str], Handler]:
        apps, guild = "/applications/{application_id}", "/guilds/{guild_id}"
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        return {
            ("GET", "/users/@me"): lambda r, p: (200, self.s.bot_user),
            ("GET", "/oauth2/applications/@me"): self.app_info,
            ("GET", "/applications/@me"): self.app_info,
            ("PUT", apps + "/commands"): self.put_commands,
            ("PUT", apps + guild + "/commands"): self.put_commands,
            ("GET", apps + "/commands"): self.get_commands,
            ("GET", apps + guild + "/commands"): self.get_commands,
            ("GET", guild + "/members/{user_id}"): self.get_member,
            ("POST", "/users/@me/channels"): self.open_dm,
            ("POST", "/interactions/{webhook_id}/{webhook_token}/callback"): self.callback,
            ("POST", hook): self.followup,
            ("PATCH", hook + "/messages/{message_id}"): self.edit_webhook_message,
            ("PATCH", hook + "/messages/@original"): lambda r, p: self.edit_webhook_message(
                r, {**p, "message_id": "@original"}
            ),
            ("GET", hook + "/messages/{message_id}"): self.get_webhook_message,
            ("DELETE", hook + "/messages/{message_id}"): lambda r, p: (204, ""),
        }

    def app_info(self, req: Request, p: dict[str, str]) -> Answer:
        return 200, application(self.s.application_id, self.s.bot_user, flags=1 << 19)

    def put_commands(self, req: Request, p: dict[str, str]) -> Answer:
        scope = int(p["guild_id"]) if "guild_id" in p else None
        known = {c["name"]: c["id"] for c in self.commands.get(scope, [])}
        synced = [self._command(c, scope, known.get(c["name"])) for c in req.json or []]
        self.commands[scope] = synced
        return 200, synced

    def _command(self, body: Payload, scope: int | None, known_id: str | None) -> Payload:
        return command(
            body,
            command_id=known_id or self.s.new_id(),
            app_id=self.s.application_id,
            guild_id=scope,
            version=self.s.new_id(),
        )

    def get_commands(self, req: Request, p: dict[str, str]) -> Answer:
        return 200, self.commands.get(int(p["guild_id"]) if "guild_id" in p else None, [])

    def get_member(self, req: Request, p: dict[str, str]) -> Answer:
        data = self.s.members.get((int(p["guild_id"]), int(p["user_id"])))
        return (200, data) if data else (404, {"message": "Unknown Member", "code": 10007})

    def open_dm(self, req: Request, p: dict[str, str]) -> Answer:
        recipient = str((req.json or {}).get("recipient_id"))
        data: Payload = {
            "id": str(self.s.new_id()),
            "type": 1,
            "last_message_id": None,
            "recipients": [
                {
                    "id": recipient,
                    "username": f"user{recipient[-4:]}",
                    "discriminator": "0",
                    "avatar": None,
                }
            ],
        }
        self.s.channels[int(data["id"])] = data
        return 200, data

    def callback(self, req: Request, p: dict[str, str]) -> Answer:
        token = p["webhook_token"]
        record = self.interactions.get(token)
        if record is None:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if token in self.original:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        record.callbacks.append(req.json or {})
        interaction = record.payload
        kind = int(req.json["type"])
        ack: Payload = {"id": interaction["id"], "type": interaction["type"]}
        answer: Payload = {"interaction": ack}
        if kind in MESSAGE_CALLBACKS:
            message = self._callback_message(interaction, kind, req.json.get("data") or {})
            self.original[token] = int(message["id"])
            ack.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            answer["resource"] = {"type": kind, "message": message}
        elif kind == DEFERRED_UPDATE and "message" in interaction:
            # as Discord: the original response of a deferred update is the pressed message
            self.original[token] = int(interaction["message"]["id"])
        else:
            self.original[token] = 0
        if "with_response" not in req.params:
            return 204, ""
        return 200, answer

    def _callback_message(self, interaction: Payload, kind: int, body: Payload) -> Payload:
        if kind == 7 and "message" in interaction:
            shown: Payload = interaction["message"]
            message = self.s.messages.get(int(shown["id"])) or shown
            message.update({k: v for k, v in body.items() if k != "allowed_mentions"})
            return message
        flags = int(body.get("flags") or 0) | (LOADING if kind == 5 else 0)
        return self._webhook_message(interaction, {**body, "flags": flags}, [])

    def _webhook_message(self, interaction: Payload, body: Payload, files: list) -> Payload:
        """A message sent in answer to an interaction; an ephemeral one is seen only by the
        member who asked, so it is not in the channel's history."""
        message = self.s.bot_message(int(interaction["channel_id"]), body, files)
        message["webhook_id"] = str(self.s.application_id)
        message["application_id"] = str(self.s.application_id)
        message["interaction_metadata"] = {
            "id": interaction["id"],
            "type": interaction["type"],
            "user": (interaction.get("member") or {}).get("user") or interaction.get("user"),
        }
        ephemeral = bool(int(message.get("flags") or 0) & EPHEMERAL)
        self.s.store_message(message, in_history=not ephemeral)
        self.interactions[interaction["token"]].messages.append(message)
        return message

    def followup(self, req: Request, p: dict[str, str]) -> Answer:
        record = self.interactions.get(p["webhook_token"])
        if record is None:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        message = self._webhook_message(record.payload, req.json or {}, req.files)
        wait = str(req.params.get("wait", "")).lower() in ("1", "true")
        return (200, message) if wait else (204, "")

    def _find(self, p: dict[str, str]) -> Payload | None:
        if p["message_id"] == "@original":
            return self.s.messages.get(self.original.get(p["webhook_token"], 0))
        return self.s.messages.get(int(p["message_id"]))

    def edit_webhook_message(self, req: Request, p: dict[str, str]) -> Answer:
        message = self._find(p)
        if message is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        message.update({k: v for k, v in (req.json or {}).items() if k != "allowed_mentions"})
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        return 200, message

    def get_webhook_message(self, req: Request, p: dict[str, str]) -> Answer:
        message = self._find(p)
        return (200, message) if message else (404, {"message": "Unknown Message", "code": 10008})
