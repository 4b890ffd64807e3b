"""Members suggest questions and moderators review them in Discord; the prompt files stay the
truth. Driven through the offline Discord fake with discord.py's own parsing, on real files and
a real SQLite database."""

import asyncio

import yaml

from bot.adapter.tree import MODERATOR_ONLY
from tests.discord_harness import FakeDiscord
from tests.store import view
from tests.suggestion_world import (
    ANA,
    BEN,
    GRIEF,
    JOY,
    MOD,
    MOD2,
    C,
    announcements,
    buttons,
    guild,
    message_id,
    running,
    suggest,
    suggestion_bot,
    write_prompts,
)


def rows(tmp_path):
    stored = view.rows_at(tmp_path / "bot.sqlite3", "suggestions")
    return view.pick(stored, "id", "member_id", "status", "prompt_id")


def prompts_of(tmp_path, theme):
    return yaml.safe_load((tmp_path / "prompts" / f"{theme}.yaml").read_text())["prompts"]


async def review(fd, user_id=MOD):
    replies = await fd.slash("topic review", user_id=user_id, channel_id=C)
    return replies, replies.messages[0]


async def press(fd, replies_or_id, label, user_id=MOD, body=None):
    mid = replies_or_id if isinstance(replies_or_id, int) else message_id(replies_or_id)
    body = body or fd.server.messages[mid]
    return await fd.click(buttons(body)[label], message_id=mid, user_id=user_id)


# --- suggesting ------------------------------------------------------------------------------


async def test_a_member_suggests_and_moderators_see_it_announced_with_review_buttons(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (_bot, fd):
        done = await suggest(fd, ANA, "  What song   reminds you of home? ", theme="joy")

        assert done.ephemeral and "waiting for the moderators" in done.content
        [(_, member, status, _)] = rows(tmp_path)
        assert (member, status) == (ANA, "pending")
        [post] = announcements(fd)
        embed = post.json["embeds"][0]
        assert embed["title"] == "What song reminds you of home?"
        assert embed["footer"]["text"] == "Theme: Joy · From: suggestion"
        assert set(buttons(post.json)) == {"Accept", "Edit", "Turn off", "Reject", "Next"}
        assert post.json["allowed_mentions"]["parse"] == []


async def test_bad_suggestions_get_one_clear_private_message_and_store_nothing(tmp_path, make_bot):
    cases = {
        "What made you smile this week?": "already a prompt (`joy-1`)",
        "What is your favourite food": "end it with a question mark",
        "Is @everyone here?": "must not mention",
        "Why " + "x" * 300 + "?": "the limit is 300",
    }
    async with running(tmp_path, make_bot) as (_bot, fd):
        for question, expected in cases.items():
            replies = await suggest(fd, ANA, question)
            assert replies.ephemeral and len(replies.messages) == 1
            assert expected in replies.content, replies.content
        unknown = await suggest(fd, ANA, "Where do you feel free?", theme="nope")
        assert "There is no theme `nope`" in unknown.content
        assert rows(tmp_path) == [] and announcements(fd) == []


async def test_limits_refuse_a_fourth_pending_and_a_sixth_in_a_day(tmp_path, make_bot):
    async with running(
        tmp_path, make_bot, max_pending_suggestions=2, max_suggestions_per_day=3
    ) as (
        _bot,
        fd,
    ):
        await suggest(fd, ANA, "What is one?")
        await suggest(fd, ANA, "What is two?")
        third = await suggest(fd, ANA, "What is three?")
        assert "2 suggestions waiting for review (the limit is 2)" in third.content
        mine = await fd.slash("suggest mine", user_id=ANA, channel_id=C)
        await press(fd, mine, "Withdraw 1", ANA)
        await suggest(fd, ANA, "What is three?")
        mine = await fd.slash("suggest mine", user_id=ANA, channel_id=C)
        await press(fd, mine, "Withdraw 2", ANA)
        fourth = await suggest(fd, ANA, "What is four?")
        assert "3 suggestions in the last 24 hours (the limit is 3)" in fourth.content
        assert [r[2] for r in rows(tmp_path)] == ["withdrawn", "withdrawn", "pending"]
        other = await suggest(fd, BEN, "What is four?")  # limits are per member
        assert "waiting for the moderators" in other.content


async def test_mine_lists_own_suggestions_and_only_the_owner_can_withdraw(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, "What is a place you love?")
        await suggest(fd, BEN, "What do you cook?")
        mine = await fd.slash("suggest mine", user_id=ANA, channel_id=C)
        assert mine.ephemeral
        listed = "Your suggestions:\n1. What is a place you love? (waiting for review)"
        assert mine.content == listed

        stolen = await press(fd, mine, "Withdraw 1", BEN)
        assert "someone else's" in stolen.content and rows(tmp_path)[0][2] == "pending"

        withdrawn = await press(fd, mine, "Withdraw 1", ANA)
        assert withdrawn.content.startswith("Suggestion 1 withdrawn.")
        assert "(withdrawn)" in withdrawn.content
        assert rows(tmp_path)[0][2] == "withdrawn"


# --- reviewing -------------------------------------------------------------------------------


async def test_a_plain_member_pressing_review_buttons_is_refused_and_nothing_changes(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy")
        [post] = announcements(fd)
        mid = int(post.response["id"])
        for label in ("Accept", "Turn off", "Reject", "Edit", "Next"):
            refused = await press(fd, mid, label, BEN)
            assert refused.content == MODERATOR_ONLY and refused.ephemeral
        command = await fd.slash("topic review", user_id=BEN, channel_id=C)
        assert command.content == MODERATOR_ONLY
        assert rows(tmp_path)[0][2] == "pending"
        assert (tmp_path / "prompts" / "joy.yaml").read_text() == JOY


async def test_accepting_a_suggestion_appends_a_new_prompt_keeping_the_file_byte_for_byte(
    tmp_path,
    make_bot,
):
    async with running(tmp_path, make_bot) as (bot, fd):
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy", credit=True)
        replies, card = await review(fd)
        assert card["embeds"][0]["title"] == "What song reminds you of home?"
        assert "credited as Ana" in card["content"]

        done = await press(fd, replies, "Accept")

        text = (tmp_path / "prompts" / "joy.yaml").read_text()
        assert text.startswith(JOY)  # every byte of the admins' file is still there
        added = prompts_of(tmp_path, "joy")[-1]
        assert added == {
            "id": "joy-2",
            "question": "What song reminds you of home?",
            "followups": [],
            "context": "Suggested by Ana.",
            "source": "suggestion",
            "enabled": True,
        }
        assert "Accepted suggestion 1 as `joy-2`" in done.content
        assert bot.services.library.library.prompt(
            "joy-2"
        ).enabled  # reloaded: no /topic reload needed
        assert rows(tmp_path)[0][2:] == ("accepted", "joy-2")
        state = yaml.safe_load((tmp_path / "prompts" / "_state.yaml").read_text())
        assert "joy-2" in state["issued"]


async def test_a_suggestion_on_a_heavy_subject_is_reviewed_and_written_as_sensitive(
    tmp_path, make_bot
):
    """Like a generated prompt on grief, so it is posted with the care note and without the
    role ping, and the card says so before a moderator decides."""
    async with running(tmp_path, make_bot) as (bot, fd):
        await suggest(fd, ANA, "How do you carry grief for someone far away?", theme="joy")
        replies, card = await review(fd)
        assert "sensitive" in card["content"].lower()

        await press(fd, replies, "Accept")

        added = prompts_of(tmp_path, "joy")[-1]
        assert added["question"] == "How do you carry grief for someone far away?"
        assert added.get("sensitive") is True
        assert bot.services.library.library.prompt(added["id"]).sensitive


async def test_the_card_warns_of_a_question_that_pushes_members_to_disclose(tmp_path, make_bot):
    """The disclosure rules of ``prompts validate`` (shipped and the admins' own) on the card."""
    (write_prompts(tmp_path) / "_disclosure.yaml").write_text(
        "rules:\n  - pattern: 'passport'\n    message: asks about papers\n"
    )
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, "Are you out to your parents yet?", theme="joy")
        await suggest(fd, BEN, "What does your passport say about you?", theme="joy")
        [first, second] = [p.json["content"] for p in announcements(fd)]
        assert "asks whether or to whom a member is out" in first
        assert "asks about papers" in second and "asks whether" not in second


async def test_the_member_hears_back_in_mine_and_by_dm_and_closed_dms_are_no_error(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy")
        await suggest(fd, BEN, "What book changed you?", theme="joy")
        replies, card = await review(fd)
        assert "Suggestion 1" in card["content"]
        skipped = await press(fd, replies, "Next")
        assert "Suggestion 2" in skipped.messages[0]["content"]
        replies, _ = await review(fd)
        await press(fd, replies, "Accept")  # Ana's
        sent = fd.requests_to("POST", "/channels/{id}/messages")
        dms = [r for r in sent if "accepted" in str(r.json)]
        assert len(dms) == 1 and "What song reminds you of home?" in dms[0].json["content"]

        fd.fail_next("POST", "/channels/{channel_id}/messages", 403, code=50007)
        next_card = fd.server.messages[message_id(replies)]
        rejected = await press(fd, message_id(replies), "Reject", body=next_card)
        modal = rejected.callback.json["data"]
        await fd.submit(
            modal["custom_id"],
            {"reason": "We had a similar one last week."},
            user_id=MOD,
            channel_id=C,
            message_id=message_id(replies),
        )
        mine = await fd.slash("suggest mine", user_id=BEN, channel_id=C)
        assert "not accepted: We had a similar one last week." in mine.content
        assert fd.take_errors() == []


async def test_drafts_accept_turn_off_and_reject_change_only_that_prompt(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies, card = await review(fd)
        assert "Draft prompt" in card["content"] and "grief-2" in card["content"]
        assert card["embeds"][0]["title"] == "What helped you through a loss?"

        await press(fd, replies, "Accept")

        expected = GRIEF.replace("  status: draft\n  enabled: false\n", "  enabled: true\n")
        assert (tmp_path / "prompts" / "grief.yaml").read_text() == expected
        assert (
            bot.services.library.library.prompt("grief-2").enabled
            and bot.services.library.library.drafts() == []
        )

    for label, expected in (
        ("Turn off", GRIEF.replace("  status: draft\n", "")),
        ("Reject", GRIEF.replace(GRIEF[GRIEF.index("- id: grief-2") : GRIEF.index("# end")], "")),
    ):
        (tmp_path / "prompts" / "grief.yaml").write_text(GRIEF)
        async with running(tmp_path, make_bot) as (_bot, fd):
            replies, _ = await review(fd)
            pressed = await press(fd, replies, label)
            if label == "Reject":
                modal = pressed.callback.json["data"]
                await fd.submit(
                    modal["custom_id"],
                    {"reason": ""},
                    user_id=MOD,
                    channel_id=C,
                    message_id=message_id(replies),
                )
            assert (tmp_path / "prompts" / "grief.yaml").read_text() == expected, label


async def test_edit_rewrites_a_draft_and_moves_a_suggestion_to_a_new_theme(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies, _ = await review(fd)
        opened = await press(fd, replies, "Edit")
        modal = opened.callback.json["data"]
        await fd.submit(
            modal["custom_id"],
            {"question": "What got you through a loss?", "followups": "Who helped?\nWhat else?"},
            user_id=MOD,
            channel_id=C,
            message_id=message_id(replies),
        )
        expected = GRIEF.replace("What helped you through a loss?", "What got you through a loss?")
        expected = expected.replace("  - Who was with you?\n", "  - Who helped?\n  - What else?\n")
        assert (tmp_path / "prompts" / "grief.yaml").read_text() == expected
        assert bot.services.library.library.prompt("grief-2").status == "draft"

        await suggest(fd, ANA, "Where do you feel free?")
        replies, _ = await review(fd)
        accept_first = await press(fd, replies, "Accept")
        assert "Choose a theme first" in accept_first.content
        replies, _ = await review(fd)
        opened = await press(fd, replies, "Edit")
        await fd.submit(
            opened.callback.json["data"]["custom_id"],
            {"question": "Where do you feel most free?", "followups": "", "theme": "Freedom"},
            user_id=MOD,
            channel_id=C,
            message_id=message_id(replies),
        )
        edited = fd.server.messages[message_id(replies)]
        assert edited["embeds"][0]["title"] == "Where do you feel most free?"
        await press(fd, message_id(replies), "Accept", body=edited)
        [made] = prompts_of(tmp_path, "freedom")
        assert made["id"] == "freedom-1" and made["source"] == "suggestion"
        assert bot.services.library.library.theme("freedom") is not None


async def test_two_moderators_accepting_at_once_write_once(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy")
        [post] = announcements(fd)
        mid = int(post.response["id"])
        accept = buttons(post.json)["Accept"]
        first, second = await asyncio.gather(
            fd.click(accept, message_id=mid, user_id=MOD),
            fd.click(accept, message_id=mid, user_id=MOD2),
        )
        assert [p["id"] for p in prompts_of(tmp_path, "joy")] == ["joy-1", "joy-2"]
        said = sorted([first.content, second.content])
        # told it is done, or (the first still writing) that it is being decided
        assert said[0].startswith(("Already decided", "Being decided")) and "Decided" in said[1]


async def test_review_buttons_keep_working_after_a_restart(tmp_path, make_bot):
    bot = suggestion_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd))
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy")
        [post] = announcements(fd)
        announced = fd.server.messages[int(post.response["id"])]

    restarted = suggestion_bot(make_bot, tmp_path)
    async with FakeDiscord(restarted, clock=restarted.clock) as fd:
        await fd.connect(guild(fd))
        fd.server.store_message(announced)
        done = await fd.click(
            buttons(announced)["Accept"], message_id=int(announced["id"]), user_id=MOD
        )
        assert "Accepted suggestion 1 as `joy-2`" in done.content
        assert restarted.services.library.library.prompt("joy-2") is not None


async def test_a_broken_or_changed_file_is_never_overwritten_and_the_moderator_is_told(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies, _ = await review(fd)  # shows the draft grief-2
        changed = GRIEF.replace("# end of grief", "# an admin was here")
        (tmp_path / "prompts" / "grief.yaml").write_text(changed)
        refused = await press(fd, replies, "Accept")
        assert "changed on disk since the review began" in refused.content
        assert (tmp_path / "prompts" / "grief.yaml").read_text() == changed

        broken = changed + "  - not: [valid\n"
        (tmp_path / "prompts" / "grief.yaml").write_text(broken)
        replies, _ = await review(fd)  # the running bot keeps its last good library
        again = await press(fd, replies, "Accept")
        assert "Nothing was written" in again.content
        assert "grief.yaml:19: YAML syntax error" in again.content
        assert (tmp_path / "prompts" / "grief.yaml").read_text() == broken
        assert bot.services.library.library.prompt("grief-2").status == "draft"


async def test_forget_erases_suggestions_and_uncredits_accepted_prompts(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        await suggest(fd, ANA, "What song reminds you of home?", theme="joy", credit=True)
        await suggest(fd, ANA, "What book changed you?", theme="joy")
        replies, _ = await review(fd)
        await press(fd, replies, "Accept")
        assert prompts_of(tmp_path, "joy")[-1]["context"] == "Suggested by Ana."

        asked = await fd.slash("participation forget", user_id=ANA, channel_id=C)
        body = asked.callback.json["data"]
        erased = await press(fd, message_id(asked), "Erase everything", ANA, body=body)

        assert "Erased 2 suggestion(s)" in erased.content
        assert rows(tmp_path) == []
        kept = prompts_of(tmp_path, "joy")[-1]
        assert kept["id"] == "joy-2"
        assert kept["context"] == "Suggested by a member of the community."
        assert "Ana" not in (tmp_path / "prompts" / "joy.yaml").read_text()
        assert bot.services.library.library.prompt("joy-2").context.startswith(
            "Suggested by a member"
        )


async def test_a_draft_with_a_content_warning_is_shown_behind_it_as_it_would_be_posted():
    from bot.adapter.review import card
    from bot.prompts.model import Prompt
    from bot.suggestions.types import DRAFT, ReviewItem

    prompt = Prompt(
        "loss-1", "loss", "What helped you through a loss?", (), "“A quote.”", "Essay",
        enabled=False, status="draft", sensitive=True, content_warning="death",
    )  # fmt: skip
    shown = card(ReviewItem(DRAFT, "loss-1", prompt, "Loss", "new"))["embed"].to_dict()
    assert shown["title"] == "Content warning: death"
    assert shown["description"] == "||What helped you through a loss?||"
