"""A review card acts on the suggestion it showed and on no other: numbers are never given
twice, a button checks what the card showed, and a member's erase takes their question and
mention off the mod-log cards. Driven through the offline Discord fake on real files and a real
SQLite database."""

import json

import yaml

from tests.store import view
from tests.suggestion_world import (
    ANA,
    BEN,
    JOY,
    MOD,
    MODLOG,
    C,
    announcements,
    buttons,
    message_id,
    running,
    suggest,
)

ANA_ASKS = "Where did you first feel at home?"
BEN_ASKS = "What food tastes like family to you?"


def rows(tmp_path):
    stored = view.rows_at(tmp_path / "bot.sqlite3", "suggestions")
    return view.pick(sorted(stored, key=lambda r: r["id"]), "id", "member_id", "status")


def joy_ids(tmp_path):
    data = yaml.safe_load((tmp_path / "prompts" / "joy.yaml").read_text())
    return [p["id"] for p in data["prompts"]]


async def forget(fd, member):
    asked = await fd.slash("participation forget", user_id=member, channel_id=C)
    body = asked.callback.json["data"]
    mid = message_id(asked)
    return await fd.click(buttons(body)["Erase everything"], message_id=mid, user_id=member)


async def test_after_forget_numbers_are_not_given_again_and_the_old_card_acts_on_nothing(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, ANA_ASKS, theme="joy")
        [ana_card] = announcements(fd)
        card_id = int(ana_card.response["id"])
        old_buttons = buttons(ana_card.json)

        erased = await forget(fd, ANA)
        assert "Erased 1 suggestion(s)" in erased.content

        await suggest(fd, BEN, BEN_ASKS, theme="joy")
        [(ben_id, member, _)] = rows(tmp_path)
        assert member == BEN and ben_id != 1  # Ana's number is never Ben's
        ben_card = announcements(fd)[-1]
        assert f"Suggestion {ben_id}" in ben_card.json["content"]

        # a moderator whose client still shows Ana's card presses Accept, then Reject
        accepted = await fd.click(old_buttons["Accept"], message_id=card_id, user_id=MOD)
        assert "Accepted" not in accepted.content
        rejected = await fd.click(old_buttons["Reject"], message_id=card_id, user_id=MOD)
        if rejected.callback_type == 9:  # the reason form opened: submit it
            await fd.submit(
                rejected.callback.json["data"]["custom_id"],
                {"reason": "Not for us."},
                user_id=MOD,
                channel_id=MODLOG,
                message_id=card_id,
            )
        assert rows(tmp_path) == [(ben_id, BEN, "pending")]
        assert joy_ids(tmp_path) == ["joy-1"]
        told = [r for r in fd.requests_to("POST", "/channels/{id}/messages") if "not accepted" in
                str(r.json)]  # fmt: skip
        assert told == []  # Ben is sent no rejection meant for Ana's question


async def test_forget_takes_the_question_and_the_mention_off_the_members_mod_log_cards(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, ANA_ASKS, theme="joy")
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy")
        await suggest(fd, BEN, BEN_ASKS, theme="joy")
        [first, second, bens] = [int(p.response["id"]) for p in announcements(fd)]
        accept = buttons(fd.server.messages[second])["Accept"]
        await fd.click(accept, message_id=second, user_id=MOD)  # decided, still on the card
        assert "What song" in json.dumps(fd.server.messages[second])

        await forget(fd, ANA)

        for card_id in (first, second):
            card = fd.server.messages[card_id]
            shown = json.dumps(card)
            assert ANA_ASKS not in shown and "What song" not in shown
            assert f"<@{ANA}>" not in shown and "Ana" not in shown
            assert not card.get("components") and not card.get("embeds")
            assert "erased at the member's request" in card["content"]
        assert BEN_ASKS in json.dumps(fd.server.messages[bens])  # other members' cards stay
        assert fd.take_errors() == []


async def test_a_button_refuses_a_record_that_is_not_the_one_its_card_showed(tmp_path, make_bot):
    """A number given twice by an older database (before numbers were kept) or a suggestion
    reworded since the card was posted: the button says so and changes nothing."""
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, ANA_ASKS, theme="joy")
        [ana_card] = announcements(fd)
        card_id = int(ana_card.response["id"])
        # the same number now holds another member's question
        view.rewrite_at(tmp_path / "bot.sqlite3", "suggestions", member_id=BEN, question=BEN_ASKS)

        edit = await fd.click(buttons(ana_card.json)["Edit"], message_id=card_id, user_id=MOD)
        assert edit.callback_type != 9 and "no longer matches" in edit.content  # no form
        pressed = await fd.click(buttons(ana_card.json)["Accept"], message_id=card_id, user_id=MOD)

        assert "no longer matches" in pressed.content and pressed.ephemeral
        assert rows(tmp_path) == [(1, BEN, "pending")]
        assert (tmp_path / "prompts" / "joy.yaml").read_text() == JOY
        # the refusal shows the suggestion as it is now, with buttons that act on it
        fresh = pressed.messages[0]
        assert fresh["embeds"][0]["title"] == BEN_ASKS
        done = await fd.click(buttons(fresh)["Accept"], message_id=message_id(pressed), user_id=MOD)
        assert "Accepted suggestion 1" in done.content
        assert joy_ids(tmp_path) == ["joy-1", "joy-2"]
