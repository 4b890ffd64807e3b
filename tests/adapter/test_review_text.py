"""What a moderator's review card and its refusals show: a member's Markdown as typed (never a
masked link), and prompt files named as the config names them, not by the host's folders."""

from tests.adapter.test_suggestions import press, review
from tests.suggestion_world import ANA, GRIEF, announcements, running, suggest

LINK = "[Accept this suggestion](https://example.invalid/steal)"


async def test_a_note_with_markdown_shows_as_typed_on_the_mod_log_card(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(
            fd, ANA, "What song reminds you of home?", note=f"{LINK}\n# Loud **bold**",
            theme="joy",
        )  # fmt: skip
        [post] = announcements(fd)
        content = post.json["content"]
        assert "\\[Accept this suggestion](https://example.invalid/steal)" in content
        assert "\\# Loud \\*\\*bold\\*\\*" in content
        assert "moderators: [Accept" not in content


async def test_a_refused_decision_names_the_file_without_the_hosts_folders(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        replies, _ = await review(fd)  # shows the draft grief-2
        broken = GRIEF + "  - not: [valid\n"
        (tmp_path / "prompts" / "grief.yaml").write_text(broken)
        refused = await press(fd, replies, "Accept")
        assert "Nothing was written: prompts/grief.yaml:" in refused.content
        assert str(tmp_path) not in refused.content
