"""Anonymous answers and sensitive prompts through discord.py's own parsing (offline harness):
real prompt files, a real SQLite file, the requests discord.py would send."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import yaml

from bot.adapter.anonymous.cog import COGS as ANONYMOUS_COGS
from bot.adapter.answers.cog import AnswersCog
from bot.adapter.client import DiscussionBot
from bot.adapter.participation_cmds import ParticipationCommands
from bot.adapter.stats import StatsCog
from bot.adapter.topics import Topics
from bot.anonymity.policy import STOPPED, THREAD_CLOSED, WHO_SEES
from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.prompts.loader import LibraryHolder
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import DUMPER
from tests.store import view

G, C, MODLOG = 10, 20, 22
ANA, BEN, MOD, REVEALER = (300_000_000_000_000_000 + n for n in range(4))
MOD_ROLE, REVEAL_ROLE, PING_ROLE = 40, 41, 42
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CARE = "Be gentle with yourself and each other."
HELPLINE = "Helpline: https://example.org/help"
COGS = [Topics, AnswersCog, ParticipationCommands, StatsCog, *ANONYMOUS_COGS]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def write_prompts(tmp_path) -> LibraryHolder:
    folder = tmp_path / "prompts"
    folder.mkdir(exist_ok=True)
    prompts = [
        {
            "id": "family-1",
            "question": "What did your family teach you about belonging?",
            "followups": ["Who else taught you?"],
            "context": "“A quote.” (from the essay e.txt)",
        },
        {
            "id": "family-2",
            "question": "When did you first feel you had to hide who you are at home?",
            "followups": [],
            "context": "“Another quote.” (from the essay e.txt)",
            "sensitive": True,
            "content_warning": "family rejection",
        },
    ]
    data = {"id": "family", "title": "Family", "prompts": prompts}
    (folder / "family.yaml").write_text(yaml.dump(data, Dumper=DUMPER, sort_keys=False))
    holder = LibraryHolder(folder)
    assert holder.reload() == []
    return holder


def anonymous_bot(
    make_bot, tmp_path, clock=None, ping_sensitive=False, database=None, **guild_kw
) -> DiscussionBot:
    """The bot for one server with anonymous answers, on ``database`` (default: the SQLite file
    ``tmp_path / "bot.sqlite3"``)."""
    guild_kw.setdefault("anonymous_answers", "all")
    guild = GuildConfig(
        guild_id=G,
        moderator_role_ids=(MOD_ROLE,),
        mod_log_channel_id=MODLOG,
        channels=(
            ChannelConfig(
                C,
                "0 9 1 1 *",
                "UTC",
                ping_role_id=PING_ROLE,
                catch_up=timedelta(0),
                ping_sensitive=ping_sensitive,
            ),
        ),
        reveal_role_ids=(REVEAL_ROLE,),
        care_note=CARE,
        support_links=(HELPLINE,),
        **guild_kw,
    )
    settings = Settings(database=database or tmp_path / "bot.sqlite3", guilds=(guild,))
    return make_bot(settings, write_prompts(tmp_path), cogs=COGS, clock=clock or Clock())


def community(fd, threads=()) -> dict:
    return payloads.guild(
        G,
        channels=[
            payloads.text_channel(C, G, "discussion"),
            payloads.text_channel(MODLOG, G, "mod-log"),
        ],
        roles=[
            payloads.role(MOD_ROLE, "Moderators", position=2),
            payloads.role(REVEAL_ROLE, "Safety", position=3),
            payloads.role(PING_ROLE, "Discussion"),
        ],
        members=[
            fd.bot_member(),
            payloads.member(ANA, name="ana"),
            payloads.member(BEN, name="ben"),
            payloads.member(MOD, [MOD_ROLE], name="mod"),
            payloads.member(REVEALER, [MOD_ROLE, REVEAL_ROLE], name="safety"),
        ],
        threads=list(threads),
    )


@contextlib.asynccontextmanager
async def running(tmp_path, make_bot, database=None, **guild_kw):
    bot = anonymous_bot(make_bot, tmp_path, database=database, **guild_kw)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(community(fd))
        yield bot, fd


class Posted:
    """A prompt the moderator posted: its message (with the button) and its thread."""

    def __init__(self, fd, request) -> None:
        self.request = request
        self.message_id = int(request.response["id"])
        [thread] = fd.requests_to("POST", f"/channels/{C}/messages/{self.message_id}/threads")
        self.thread_id = int(thread.response["id"])
        self.first = fd.requests_to("POST", f"/channels/{self.thread_id}/messages")

    def button(self) -> str:
        [row] = self.request.json["components"]
        [button] = row["components"]
        return button["custom_id"]


async def post(fd, prompt_id: str = "family-1", **options) -> Posted:
    before = len(fd.requests_to("POST", f"/channels/{C}/messages"))
    replies = await fd.slash("topic post", user_id=MOD, channel_id=C, prompt=prompt_id, **options)
    assert "Posted" in replies.content, replies.content
    return Posted(fd, fd.requests_to("POST", f"/channels/{C}/messages")[before])


def form(replies) -> tuple[str, str]:
    """The custom ids of the form the bot opened and of its answer field."""
    assert replies.callback_type == 9, replies.content  # a modal
    data = replies.callback.json["data"]
    field = next(c["component"] for c in data["components"] if c["type"] == 18)
    return data["custom_id"], field["custom_id"]


async def answer(fd, posted: Posted, user_id: int, text: str = "It was hard."):
    """Press the post's button, fill in the form; returns the replies to the form."""
    pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=user_id)
    form_id, field_id = form(pressed)
    return await fd.submit(form_id, {field_id: text}, user_id=user_id, channel_id=C)


def relayed(fd, posted: Posted) -> list:
    return [
        r
        for r in fd.requests_to("POST", f"/channels/{posted.thread_id}/messages")
        if r.json.get("embeds") and r.json["embeds"][0].get("title") == "Anonymous member"
    ]


async def links(bot) -> list[tuple]:
    stored = await view.rows(bot.services.stores, "anonymous_answers")
    by_message = sorted(stored, key=lambda r: r["message_id"])
    return view.pick(by_message, "message_id", "member_id", "counted")


async def relay_words(bot) -> list[tuple]:
    """What the relays keep that could recognise an answer: its message, token and digest."""
    relays = await view.rows(bot.services.stores, "anonymous_relays")
    return view.pick(relays, "member_id", "message_id", "token", "digest")


def confirmation_id(replies) -> int:
    return int(replies.callback.response["resource"]["message"]["id"])


def seen(replies) -> int:
    """How many messages the member sees: the callback's and each follow-up (edits replace)."""
    return sum(1 for r in replies.requests if r.method == "POST")


def delete_button(replies) -> str:
    """The button on the confirmation (the acknowledged reply, edited)."""
    [row] = [m for m in replies.messages if m.get("components")][-1]["components"]
    [button] = row["components"]
    assert button["label"] == "Delete my anonymous answer"
    return button["custom_id"]


# --- answering -------------------------------------------------------------------------------


async def test_an_anonymous_answer_shows_no_trace_of_its_author(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        assert posted.button().startswith("anon:answer:")
        pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        texts = [c for c in pressed.callback.json["data"]["components"] if c["type"] == 10]
        assert [t["content"] for t in texts] == [WHO_SEES]

        replies = await answer(fd, posted, ANA, f"I hid it for years. <@{BEN}> @everyone")

        [sent] = relayed(fd, posted)
        body = json.dumps({k: v for k, v in sent.json.items() if k != "nonce"})
        assert str(ANA) not in body and "ana" not in body.lower().replace("anonymous", "")
        assert sent.json["allowed_mentions"] == {"parse": []} and sent.pings.nobody
        assert not sent.json.get("content")
        assert sent.json["embeds"][0]["description"] == f"I hid it for years. <@{BEN}> @everyone"
        assert replies.ephemeral and "posted anonymously" in replies.content
        assert delete_button(replies) == f"anon:delete:{sent.response['id']}"
        assert await links(bot) == [(int(sent.response["id"]), ANA, 1)]


async def test_the_thread_first_message_carries_the_button_too(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        posted = await post(fd)
        intro = posted.first[0]
        [row] = intro.json["components"]
        assert row["components"][0]["custom_id"] == posted.button()
        message_id = int(intro.response["id"])
        pressed = await fd.click(posted.button(), message_id=message_id, user_id=BEN)
        form_id, field_id = form(pressed)
        await fd.submit(form_id, {field_id: "From the thread."}, user_id=BEN, channel_id=C)
        assert len(relayed(fd, posted)) == 1


async def test_no_button_where_the_guild_has_not_enabled_anonymous_answers(tmp_path, make_bot):
    async with running(tmp_path, make_bot, anonymous_answers="off") as (_bot, fd):
        posted = await post(fd)
        assert posted.request.json["components"] == []
        assert all(not r.json.get("components") for r in posted.first)


async def test_a_closed_thread_gets_a_clear_private_reply_and_nothing_is_stored(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        archived = payloads.thread(posted.thread_id, G, C, owner_id=1, archived=True)
        await fd.send("THREAD_UPDATE", archived)
        pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        assert pressed.ephemeral and pressed.content == THREAD_CLOSED
        assert relayed(fd, posted) == [] and await links(bot) == []


# --- what is stored and who sees it ----------------------------------------------------------


async def test_own_participation_counts_it_while_moderator_reports_never_link_it(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        [sent] = relayed(fd, posted)

        mine = await fd.slash("participation me", user_id=ANA, channel_id=C)
        assert mine.content.startswith("Prompts answered: 1 (1 answer)")

        member = await fd.slash("stats member", user_id=MOD, channel_id=C, member=ANA)
        assert "0 answers on 0 prompts" in member.content
        bot.clock.now += timedelta(minutes=1)  # a report window ends before "now"
        server = await fd.slash("stats server", user_id=MOD, channel_id=C)
        assert "0 active members" in server.content and "1 anonymous answer" in server.content
        about = await fd.slash("stats prompt", user_id=MOD, channel_id=C, prompt="family-1")
        assert "members: 0" in about.content and "1 anonymous answer" in about.content

        export = await fd.slash("export", user_id=MOD, channel_id=C)
        [(_, data)] = [f for r in export.requests for f in r.files]
        table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert [(r["member_id"], r["anonymous"], r["message_id"]) for r in table] == [
            ("", "yes", sent.response["id"])
        ]
        assert str(ANA) not in data.decode("utf-8")


async def test_an_opted_out_member_can_answer_and_only_the_link_is_kept(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await bot.services.stores.participation.opt_out(G, ANA, 0)
        replies = await answer(fd, posted, ANA)
        assert "posted anonymously" in replies.content
        [(_, member, counted)] = await links(bot)
        assert (member, counted) == (ANA, 0)
        mine = await fd.slash("participation me", user_id=ANA, channel_id=C)
        assert "No participation is recorded" in mine.content
        bot.clock.now += timedelta(minutes=1)
        server = await fd.slash("stats server", user_id=MOD, channel_id=C)
        # counted like anyone's anonymous answer, so nothing singles it out as an opted-out one
        assert "0 active members" in server.content and "1 anonymous answer" in server.content


# --- deletion --------------------------------------------------------------------------------


async def test_the_author_deletes_their_answer_and_its_record(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        replies = await answer(fd, posted, ANA)
        [sent] = relayed(fd, posted)
        message_id = int(sent.response["id"])

        someone = await fd.click(
            delete_button(replies), message_id=confirmation_id(replies), user_id=BEN
        )
        assert "someone else" in someone.content and len(await links(bot)) == 1

        done = await fd.click(
            delete_button(replies), message_id=confirmation_id(replies), user_id=ANA
        )
        assert fd.requests_to("DELETE", f"/channels/{posted.thread_id}/messages/{message_id}")
        assert "deleted" in done.content and await links(bot) == []
        mine = await fd.slash("participation me", user_id=ANA, channel_id=C)
        assert "No participation is recorded" in mine.content


async def test_a_moderator_deleting_the_message_removes_the_record(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        [sent] = relayed(fd, posted)
        await fd.delete(posted.thread_id, int(sent.response["id"]))
        assert await links(bot) == []
        assert await relay_words(bot) == [(ANA, None, None, None)]  # only the hour's time


async def test_deleting_the_whole_thread_removes_its_records(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        thread = {"id": str(posted.thread_id), "guild_id": str(G), "parent_id": str(C), "type": 11}
        await fd.send("THREAD_DELETE", thread)
        assert await links(bot) == []
        assert await relay_words(bot) == [(ANA, None, None, None)]  # only the hour's time


# --- reveal ----------------------------------------------------------------------------------


def mod_log_posts(fd, about: str = "revealed") -> list:
    posts = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
    return [r for r in posts if about in (r.json.get("content") or "")]


async def test_reveal_needs_the_role_and_a_reason_and_is_always_logged(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        [sent] = relayed(fd, posted)
        link = f"https://discord.com/channels/{G}/{posted.thread_id}/{sent.response['id']}"

        no_role = await fd.slash(
            "anonymous reveal", user_id=MOD, channel_id=C, message=link, reason="Harassment, x"
        )
        assert "reveal_role_ids" in no_role.content and str(ANA) not in no_role.content
        no_reason = await fd.slash(
            "anonymous reveal", user_id=REVEALER, channel_id=C, message=link, reason="  "
        )
        assert "written reason" in no_reason.content and str(ANA) not in no_reason.content
        assert mod_log_posts(fd) == []

        fd.fail_next("POST", f"/channels/{MODLOG}/messages", 403)
        unlogged = await fd.slash(
            "anonymous reveal",
            user_id=REVEALER,
            channel_id=C,
            message=link,
            reason="Threats in DMs",
        )
        assert "mod-log" in unlogged.content and "Nothing was revealed" in unlogged.content
        assert str(ANA) not in unlogged.content

        done = await fd.slash(
            "anonymous reveal",
            user_id=REVEALER,
            channel_id=C,
            message=link,
            reason="Threats against a member",
        )
        assert (
            done.ephemeral
            and f"<@{ANA}>" in done.content
            and done.messages[0]["allowed_mentions"] == {"parse": []}
        )
        [logged] = mod_log_posts(fd)[-1:]
        text = logged.json["content"]
        assert f"<@{REVEALER}>" in text and link in text and "Threats against a member" in text
        assert f"<t:{int(NOW.timestamp())}:f>" in text and str(ANA) not in text
        assert logged.pings.nobody


# --- rate limit and kill switch --------------------------------------------------------------


async def test_the_rate_limit_refuses_with_one_private_message_and_stores_nothing(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot, anonymous_per_hour=2) as (bot, fd):
        posted = await post(fd)
        pending = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        await answer(fd, posted, ANA)
        await answer(fd, posted, ANA, "And another thing.")

        refused = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        assert refused.ephemeral and len(refused.messages) == 1
        assert "2 anonymous answer(s) an hour" in refused.content
        form_id, field_id = form(pending)  # a form opened before the limit was reached
        late = await fd.submit(form_id, {field_id: "Third"}, user_id=ANA, channel_id=C)
        assert seen(late) == 1 and "an hour" in late.content
        assert len(relayed(fd, posted)) == 2 and len(await links(bot)) == 2

        other = await answer(fd, posted, BEN)  # per member
        assert "posted anonymously" in other.content
        bot.clock.now += timedelta(hours=1)
        assert "posted anonymously" in (await answer(fd, posted, ANA)).content


async def test_deleting_answers_does_not_give_their_author_a_fresh_rate_limit(tmp_path, make_bot):
    """A moderator deleting abusive answers (their records go with them), or the author
    deleting or unlinking their own, must not let the author post more within the hour."""
    async with running(tmp_path, make_bot, anonymous_per_hour=2) as (bot, fd):
        posted = await post(fd)
        first = await answer(fd, posted, ANA)
        await answer(fd, posted, ANA, "And another thing.")
        [_, two] = relayed(fd, posted)
        await fd.click(delete_button(first), message_id=confirmation_id(first), user_id=ANA)
        await fd.delete(posted.thread_id, int(two.response["id"]))  # a moderator
        assert await links(bot) == []

        refused = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        assert refused.ephemeral and "2 anonymous answer(s) an hour" in refused.content
        assert len(relayed(fd, posted)) == 2
        bot.clock.now += timedelta(hours=1)
        assert "posted anonymously" in (await answer(fd, posted, ANA)).content


async def test_a_member_who_may_not_post_in_the_thread_cannot_post_through_the_bot(
    tmp_path, make_bot
):
    """Moderators' usual tools (a channel overwrite, a timeout) also stop anonymous answers:
    the relay must not let a muted member speak where they themselves cannot."""
    send_in_threads = 1 << 38
    bot = anonymous_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        server = community(fd)
        discussion = next(c for c in server["channels"] if c["id"] == str(C))
        discussion["permission_overwrites"] = [
            payloads.overwrite(ANA, kind="member", deny=send_in_threads)
        ]
        ben = next(m for m in server["members"] if m["user"]["id"] == str(BEN))
        ben["communication_disabled_until"] = "2099-01-01T00:00:00+00:00"  # timed out
        await fd.connect(server)
        posted = await post(fd)
        for member in (ANA, BEN):
            refused = await fd.click(posted.button(), message_id=posted.message_id, user_id=member)
            assert refused.ephemeral and len(refused.messages) == 1
            assert "cannot post in this prompt's thread" in refused.content
        assert relayed(fd, posted) == [] and await links(bot) == []
        assert "posted anonymously" in (await answer(fd, posted, MOD)).content


async def test_the_kill_switch_stops_answers_at_once_and_survives_a_restart(tmp_path, make_bot):
    bot = anonymous_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(community(fd))
        posted = await post(fd)
        pending = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        stopped = await fd.slash("anonymous stop", user_id=MOD, channel_id=C)
        assert stopped.ephemeral and "stopped" in stopped.content
        assert "stopped anonymous answers" in mod_log_posts(fd, "stopped")[-1].json["content"]
        form_id, field_id = form(pending)
        late = await fd.submit(form_id, {field_id: "Hi"}, user_id=ANA, channel_id=C)
        assert late.content == STOPPED and seen(late) == 1
        refused = await fd.click(posted.button(), message_id=posted.message_id, user_id=BEN)
        assert refused.content == STOPPED and len(refused.messages) == 1
        assert relayed(fd, posted) == [] and await links(bot) == []
        refusal = await fd.slash("anonymous stop", user_id=ANA, channel_id=C)
        assert "moderator" in refusal.content.lower()
        message = fd.server.messages[posted.message_id]

    bot = anonymous_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        thread = payloads.thread(posted.thread_id, G, C, owner_id=1)
        await fd.connect(community(fd, [thread]))
        fd.set_history(C, [message])
        refused = await fd.click(posted.button(), message_id=posted.message_id, user_id=BEN)
        assert refused.content == STOPPED
        await fd.slash("anonymous resume", user_id=MOD, channel_id=C)
        pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=BEN)
        form(pressed)


# --- restart ---------------------------------------------------------------------------------


async def test_buttons_keep_working_after_a_restart(tmp_path, make_bot):
    bot = anonymous_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(community(fd))
        posted = await post(fd)
        replies = await answer(fd, posted, ANA)
        opened = await fd.click(posted.button(), message_id=posted.message_id, user_id=BEN)
        prompt_message = fd.server.messages[posted.message_id]
        confirmation = fd.server.messages[confirmation_id(replies)]
        [sent] = relayed(fd, posted)

    bot = anonymous_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        thread = payloads.thread(posted.thread_id, G, C, owner_id=1)
        await fd.connect(community(fd, [thread]))
        fd.set_history(C, [prompt_message])
        fd.set_history(posted.thread_id, [confirmation])
        form_id, field_id = form(opened)  # a form opened before the restart
        sent_late = await fd.submit(
            form_id, {field_id: "Typed meanwhile"}, user_id=BEN, channel_id=C
        )
        assert "posted anonymously" in sent_late.content
        answered = await answer(fd, posted, BEN)
        assert "posted anonymously" in answered.content
        done = await fd.click(
            delete_button(replies), message_id=int(confirmation["id"]), user_id=ANA
        )
        assert "deleted" in done.content
        message_id = sent.response["id"]
        assert fd.requests_to("DELETE", f"/channels/{posted.thread_id}/messages/{message_id}")
        assert [m for m, member, _ in await links(bot) if member == ANA] == []


# --- forget ----------------------------------------------------------------------------------


async def press(fd, replies, label: str, user_id: int):
    buttons = replies.callback.json["data"]["components"][0]["components"]
    button = next(b for b in buttons if b["label"] == label)
    return await fd.click(button["custom_id"], message_id=confirmation_id(replies), user_id=user_id)


async def test_forget_erases_the_links_and_keeps_the_answers_unsigned(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        await answer(fd, posted, BEN)
        asked = await fd.slash("participation forget", user_id=ANA, channel_id=C)
        assert "1 anonymous answer(s)" in asked.content
        done = await press(fd, asked, "Erase everything", ANA)
        assert "links to your 1 anonymous answer(s)" in done.content
        assert [member for _, member, _ in await links(bot)] == [0, BEN]  # 0: linked to no one
        assert fd.requests_to("DELETE", f"/channels/{posted.thread_id}/messages/{{m}}") == []
        [first, _] = relayed(fd, posted)
        revealed = await fd.slash(
            "anonymous reveal",
            user_id=REVEALER,
            channel_id=C,
            message=first.response["id"],
            reason="Checking an abuse report",
        )
        assert "No anonymous answer is linked" in revealed.content


async def test_opting_out_and_erasing_uncounts_anonymous_answers_but_keeps_the_link(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        asked = await fd.slash("participation opt-out", user_id=ANA, channel_id=C)
        await press(fd, asked, "Erase my records", ANA)
        [(_, member, counted)] = await links(bot)
        assert (member, counted) == (ANA, 0)
        mine = await fd.slash("participation me", user_id=ANA, channel_id=C)
        assert "No participation is recorded" in mine.content


async def test_forget_can_delete_the_anonymous_answers_too(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        await answer(fd, posted, ANA)
        [sent] = relayed(fd, posted)
        asked = await fd.slash("participation forget", user_id=ANA, channel_id=C)
        # deleting them together with one's records is visible together: the member is told
        assert "at the same moment" in asked.content
        done = await press(fd, asked, "Erase everything and delete my anonymous answers", ANA)
        assert "deleted 1 of them" in done.content
        message_id = sent.response["id"]
        assert fd.requests_to("DELETE", f"/channels/{posted.thread_id}/messages/{message_id}")
        assert await links(bot) == []


# --- sensitive prompts -----------------------------------------------------------------------


async def test_a_sensitive_prompt_carries_the_care_note_the_warning_and_no_ping(tmp_path, make_bot):
    async with running(tmp_path, make_bot, anonymous_answers="sensitive") as (_bot, fd):
        posted = await post(fd, "family-2")
        body = posted.request.json
        [embed] = body["embeds"]
        assert embed["title"] == "Content warning: family rejection"
        assert embed["description"] == (
            "||When did you first feel you had to hide who you are at home?||"
        )
        care = next(f for f in embed["fields"] if f["name"] == "Taking care")
        assert care["value"] == f"{CARE}\n{HELPLINE}"
        # the essay's words on the heavy subject are behind the warning too, not in plain view
        context = next(f for f in embed["fields"] if f["name"] == "Context")
        assert context["value"] == "||“Another quote.” (from the essay e.txt)||"
        assert not body.get("content") and posted.request.pings.nobody
        assert posted.button().endswith(":s")
        [intro] = posted.first
        assert CARE in intro.json["content"] and HELPLINE in intro.json["content"]
        assert intro.json["components"][0]["components"][0]["custom_id"] == posted.button()
        [thread] = fd.requests_to("POST", f"/channels/{C}/messages/{posted.message_id}/threads")
        assert "hide" not in thread.json["name"]

        plain = await post(fd, "family-1")  # anonymous answers only on sensitive prompts
        assert plain.request.json["components"] == []
        assert all(
            not r.json.get("components") and CARE not in r.json["content"] for r in plain.first
        )
        assert plain.request.pings.roles == {PING_ROLE}


async def test_a_moderator_can_post_any_prompt_as_sensitive(tmp_path, make_bot):
    async with running(tmp_path, make_bot, anonymous_answers="sensitive") as (_bot, fd):
        posted = await post(fd, "family-1", sensitive=True)
        [embed] = posted.request.json["embeds"]
        assert {"name": "Taking care", "value": f"{CARE}\n{HELPLINE}", "inline": False} in (
            embed["fields"]
        )
        assert posted.request.pings.nobody and posted.button().endswith(":s")


async def test_a_channel_may_allow_the_role_ping_with_sensitive_prompts(tmp_path, make_bot):
    async with running(tmp_path, make_bot, ping_sensitive=True) as (_bot, fd):
        posted = await post(fd, "family-2")
        assert posted.request.json["content"] == f"<@&{PING_ROLE}>"
        assert posted.request.pings.roles == {PING_ROLE} and not posted.request.pings.users


def test_a_context_quote_at_the_field_limit_still_fits_behind_its_spoiler():
    from bot.adapter.anonymous.post_care import FIELD_MAX, decorate_embed
    from bot.adapter.publisher import prompt_embed
    from bot.prompts.model import Prompt

    quote = "word " * (FIELD_MAX // 5) + "end"
    prompt = Prompt("p-1", "p", "Why?", (), quote[:FIELD_MAX], "Essay", content_warning="grief")
    [field] = decorate_embed(prompt_embed(prompt, "Theme"), prompt, None).fields
    assert len(field.value) <= FIELD_MAX
    assert field.value.startswith("||word") and field.value.endswith("…||")
