"""The review card: a pending suggestion or a draft prompt shown exactly as it would be posted
(the posting embed), with the buttons Accept, Edit, Turn off, Reject and Next.

The buttons are persistent: their custom ids carry everything a press needs (action, item, the
hash of the prompt file the card showed and, for a suggestion, a hash of the suggestion as shown:
a press acts on that record only, never on another that got its number), and ``ReviewButton``
is registered with the bot as a dynamic item, so a card keeps working after a restart. Every
press checks that the presser is a moderator of the server; the decision itself is claimed in
the database, so two moderators pressing at once make one decision.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.adapter.acknowledge import acknowledge
from bot.adapter.anonymous.post_care import decorate_embed
from bot.adapter.checks import member_is_moderator
from bot.adapter.context import guild_id_of, services_of
from bot.adapter.host_paths import without_host_paths
from bot.adapter.publisher import prompt_embed, with_poll_preview
from bot.adapter.tree import MODERATOR_ONLY
from bot.adapter.ui_errors import BotModal, BotView, answers_errors
from bot.store import DATABASE_REFUSALS
from bot.suggestions.service import CHANGED
from bot.suggestions.types import SUGGESTION, Decision, ReviewItem, Suggestion, SuggestionError

if TYPE_CHECKING:
    from bot.suggestions.service import SuggestionService

log = logging.getLogger(__name__)

BUTTONS = (
    ("accept", "Accept", discord.ButtonStyle.success),
    ("edit", "Edit", discord.ButtonStyle.primary),
    ("off", "Turn off", discord.ButtonStyle.secondary),
    ("reject", "Reject", discord.ButtonStyle.danger),
    ("next", "Next", discord.ButtonStyle.secondary),
)
LABELS = {action: (label, style) for action, label, style in BUTTONS}
NOTHING_LEFT = "Nothing left to review: no pending suggestions and no draft prompts."
MESSAGE_MAX = 1900


def card_text(item: ReviewItem, head: str = "") -> str:
    """What the card says around the embed: what the item is, and what the post would add."""
    if item.kind == SUGGESTION and item.suggestion is not None:
        s = item.suggestion
        credit = f"credited as {_as_typed(s.credit_name)}" if s.credit_name else "not credited"
        lines = [f"**Suggestion {s.id}** from <@{s.member_id}> ({credit})"]
        if s.note:
            lines.append(f"Note to moderators: {_as_typed(s.note)}")
    else:
        lines = [f"**Draft prompt** `{item.prompt.id}` in `{item.prompt.theme_id}.yaml`"]
    lines += [f"Disclosure check: {warning}." for warning in item.warnings]
    if item.prompt.sensitive:
        lines.append(
            "Sensitive (a heavy subject): posted with the server's care note, "
            "without the role ping."
        )
    followups = "; ".join(map(_as_typed, item.prompt.followups)) or "none"
    lines.append(f"Follow-ups in the thread: {followups}")
    lines.append("As it would be posted:")
    text = "\n".join([head, *lines] if head else lines)
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def _as_typed(text: str) -> str:
    """A member's text with its Markdown shown, not rendered: no masked link, heading or
    quote a member could dress up as the bot's own words."""
    return discord.utils.escape_markdown(text)


def card_view(item: ReviewItem) -> discord.ui.View:
    view = BotView(timeout=None)
    for action, _, _ in BUTTONS:
        view.add_item(ReviewButton(action, item.kind, item.key, item.seen, item.shown))
    return view


def card(item: ReviewItem, head: str = "") -> dict[str, Any]:
    """Message arguments for one item's card."""
    return {
        "content": card_text(item, head),
        # with its content warning as posted (the server's care note is named in the text)
        "embed": with_poll_preview(
            decorate_embed(prompt_embed(item.prompt, item.theme_title), item.prompt, None),
            item.prompt,
        ),
        "view": card_view(item),
        "allowed_mentions": discord.AllowedMentions.none(),
    }


def empty(head: str = "") -> dict[str, Any]:
    text = f"{head}\n{NOTHING_LEFT}" if head else NOTHING_LEFT
    return {"content": text, "embed": None, "view": None}


async def start_review(interaction: discord.Interaction, service: SuggestionService) -> None:
    """``/topic review``: the first item waiting, privately."""
    items = await service.review_items(guild_id_of(interaction), _now(interaction))
    if not items:
        await interaction.response.send_message(NOTHING_LEFT, ephemeral=True)
        return
    head = f"{len(items)} waiting for review."
    await interaction.response.send_message(ephemeral=True, **card(items[0], head))


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"review:(?P<action>accept|edit|off|reject|next):(?P<kind>[sd]):(?P<key>[a-z0-9-]+)"
    r":(?P<seen>[0-9a-f]{12}|new)(?::(?P<shown>[0-9a-f]{10}))?",
):
    def __init__(self, action: str, kind: str, key: str, seen: str, shown: str = "") -> None:
        label, style = LABELS[action]
        custom_id = f"review:{action}:{kind}:{key}:{seen}" + (f":{shown}" if shown else "")
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.action, self.kind, self.key, self.seen = action, kind, key, seen
        self.shown = shown

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewButton:
        shown = match["shown"] or ""
        return cls(match["action"], match["kind"], match["key"], match["seen"], shown)

    @property
    def checked(self) -> str | None:
        """What a decision checks the suggestion against (a card without it matches none)."""
        return self.shown if self.kind == SUGGESTION else None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if member_is_moderator(interaction):
            return True
        await interaction.response.send_message(MODERATOR_ONLY, ephemeral=True)
        return False

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        if self.action == "next":
            await _show_next(interaction, service, self.kind, self.key)
        elif self.action == "edit":
            current = await service.item(self.kind, self.key, _now(interaction))
            if current is None:
                await _refuse(interaction, service, self.kind, self.key, "Already decided.")
                return
            if self.checked is not None and current.shown != self.checked:
                await _refuse(interaction, service, self.kind, self.key, CHANGED)
                return
            await interaction.response.send_modal(EditModal(current, self.seen))
        elif self.action == "reject":
            modal = RejectModal(self.kind, self.key, self.seen, self.checked)
            await interaction.response.send_modal(modal)
        else:
            seen, shown = self.seen, self.checked
            await decide(interaction, self.kind, self.key, self.action, seen, None, shown)


async def decide(
    interaction: discord.Interaction,
    kind: str,
    key: str,
    action: str,
    seen: str,
    reason: str | None = None,
    shown: str | None = None,
) -> None:
    # Writing a large prompt file takes longer than the 3 s Discord gives a first answer: the
    # press is acknowledged first ("updating the card"), and answered when decided.
    if await acknowledge(interaction, thinking=False) is None:
        return  # another process of the bot took it
    service = _service(interaction)
    try:
        decision = await service.decide(
            kind, key, action, interaction.user.id, seen, _now(interaction), reason, shown
        )
    except SuggestionError as exc:
        await _refuse(interaction, service, kind, key, str(exc))
        return
    except DATABASE_REFUSALS as exc:  # the database or disk refused: nothing decided
        log.exception("decision on %s %s failed", kind, key)
        text = without_host_paths(str(exc), services_of(interaction.client).settings)
        reason = text or type(exc).__name__
        await _reply_privately(
            interaction, content=f"Nothing was decided: {reason}. Try again once that is fixed."
        )
        return
    if not decision.decided:
        await _refuse(interaction, service, kind, key, decision.text)
        return
    log.info("moderator %s: %s", interaction.user.id, decision.text)
    await _after_decision(interaction, service, decision)
    if decision.member_id and decision.member_text:
        await tell_member(interaction.client, decision.member_id, decision.member_text)


async def tell_member(client: discord.Client, member_id: int, text: str) -> None:
    """A direct message about the member's suggestion; closed DMs (50007) are expected."""
    try:
        channel = await client.create_dm(discord.Object(member_id))
        await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.Forbidden as exc:
        if exc.code == 50007:
            log.info("member %s does not accept direct messages", member_id)
        else:
            log.warning("could not tell member %s: %s", member_id, exc)
    except discord.HTTPException as exc:
        log.warning("could not tell member %s: %s", member_id, exc)


def erased_card_text(suggestion: Suggestion) -> str:
    """What a mod-log card says once its member erased the suggestion: no question, no
    mention, no name."""
    decided = f" (accepted as `{suggestion.prompt_id}`)" if suggestion.prompt_id else ""
    return f"**Suggestion {suggestion.id}**{decided}: erased at the member's request."


async def clear_cards(client: discord.Client, erased: list[Suggestion]) -> int:
    """Take erased suggestions off their mod-log cards (text, embed and buttons replaced);
    how many cards were cleared. A card deleted meanwhile is no error; another refusal is
    logged (the card's buttons act on nothing anyway: the suggestion is gone)."""
    cleared = 0
    for suggestion in erased:
        if suggestion.card_channel_id is None or suggestion.card_message_id is None:
            continue
        channel = client.get_partial_messageable(suggestion.card_channel_id)
        message = channel.get_partial_message(suggestion.card_message_id)
        try:
            await message.edit(
                content=erased_card_text(suggestion),
                embeds=[],
                view=None,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            cleared += 1
        except discord.NotFound:
            continue
        except discord.HTTPException as exc:
            log.warning("card of erased suggestion %s not cleared: %s", suggestion.id, exc)
    return cleared


class EditModal(BotModal):
    def __init__(self, item: ReviewItem, seen: str) -> None:
        super().__init__(title="Edit before deciding")
        self.item, self.seen = item, seen
        self.question: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Question", default=item.prompt.question, max_length=300, custom_id="question"
        )
        self.followups: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Follow-ups (one per line)",
            style=discord.TextStyle.paragraph,
            default="\n".join(item.prompt.followups),
            required=False,
            max_length=2000,
            custom_id="followups",
        )
        self.add_item(self.question).add_item(self.followups)
        self.theme: discord.ui.TextInput[Any] | None = None
        if item.kind == SUGGESTION:
            self.theme = discord.ui.TextInput(
                label="Theme (id or title; a new name starts a new theme)",
                default=item.prompt.theme_id or "",
                required=False,
                max_length=100,
                custom_id="theme",
            )
            self.add_item(self.theme)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _moderator(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if await acknowledge(interaction, thinking=False) is None:
            return  # another process of the bot took it
        service = _service(interaction)
        try:
            item = await service.edit(
                self.item.kind,
                self.item.key,
                self.seen,
                _now(interaction),
                question=self.question.value,
                followups=self.followups.value,
                theme=self.theme.value if self.theme else None,
                shown=self.item.shown if self.item.kind == SUGGESTION else None,
            )
        except SuggestionError as exc:
            await _refuse(interaction, service, self.item.kind, self.item.key, str(exc))
            return
        await _show(interaction, card(item, "Edited; decide now:"))


class RejectModal(BotModal):
    def __init__(self, kind: str, key: str, seen: str, shown: str | None = None) -> None:
        super().__init__(title="Reject")
        self.kind, self.key, self.seen, self.shown = kind, key, seen, shown
        self.reason: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Reason (optional; the member is told)",
            required=False,
            max_length=300,
            custom_id="reason",
        )
        self.add_item(self.reason)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _moderator(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        reason = self.reason.value.strip() or None
        await decide(interaction, self.kind, self.key, "reject", self.seen, reason, self.shown)


# --- helpers ---------------------------------------------------------------------------------


def _service(interaction: discord.Interaction) -> SuggestionService:
    return services_of(interaction.client).suggestions


def _now(interaction: discord.Interaction) -> int:
    return services_of(interaction.client).now_seconds()


async def _moderator(interaction: discord.Interaction) -> bool:
    if member_is_moderator(interaction):
        return True
    await interaction.response.send_message(MODERATOR_ONLY, ephemeral=True)
    return False


def _private(interaction: discord.Interaction) -> bool:
    """True on the moderator's own review card; False on the mod-log announcement."""
    message = interaction.message
    return message is not None and message.flags.ephemeral


async def _show(interaction: discord.Interaction, args: dict[str, Any]) -> None:
    """Show a card: in place on the moderator's own card, else as a new private one."""
    if _private(interaction):
        await _edit_in_place(interaction, args)
        return
    await _reply_privately(interaction, **args)


async def _edit_in_place(interaction: discord.Interaction, args: dict[str, Any]) -> None:
    """Edit the message whose button was pressed, before or after acknowledging the press."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**args)
    else:
        await interaction.response.edit_message(**args)


async def _reply_privately(interaction: discord.Interaction, **args: Any) -> None:
    """A new private message: the press's answer, or a follow-up once it was acknowledged."""
    args = {k: v for k, v in args.items() if v is not None}
    args.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **args)
    else:
        await interaction.response.send_message(ephemeral=True, **args)


async def _show_next(
    interaction: discord.Interaction,
    service: SuggestionService,
    kind: str,
    key: str,
    head: str = "",
) -> None:
    items = await service.review_items(guild_id_of(interaction), _now(interaction))
    keys = [(i.kind, i.key) for i in items]
    at = keys.index((kind, key)) + 1 if (kind, key) in keys else 0
    rest = items[at:] + items[:at]
    rest = [i for i in rest if (i.kind, i.key) != (kind, key)] or rest
    await _show(interaction, card(rest[0], head) if rest else empty(head))


async def _after_decision(
    interaction: discord.Interaction, service: SuggestionService, decision: Decision
) -> None:
    if _private(interaction):
        await _show_next(interaction, service, "", "", head=decision.text)
        return
    message = interaction.message
    text = f"{message.content if message else ''}\n**Decided** by <@{interaction.user.id}>: "
    args = {"content": (text + decision.text)[:MESSAGE_MAX], "view": None}
    await _edit_in_place(interaction, {**args, "allowed_mentions": discord.AllowedMentions.none()})


async def _refuse(
    interaction: discord.Interaction, service: SuggestionService, kind: str, key: str, text: str
) -> None:
    """Nothing was decided: say why, privately, with the item as it is now to try again."""
    text = without_host_paths(text, services_of(interaction.client).settings)
    current = await service.item(kind, key, _now(interaction))
    await _reply_privately(interaction, **(card(current, text) if current else {"content": text}))
