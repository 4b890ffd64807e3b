"""The reveal refusal says what is true of the server's configuration."""

from dataclasses import replace

import pytest

from tests.adapter.test_anonymous import MOD, REVEAL_ROLE, C, running

REFUSAL = "Only members with a role listed in `reveal_role_ids` may reveal an author"


def with_reveal_roles(make_bot, roles):
    def make(settings, *args, **kwargs):
        guilds = tuple(replace(g, reveal_role_ids=roles) for g in settings.guilds)
        return make_bot(replace(settings, guilds=guilds), *args, **kwargs)

    return make


@pytest.mark.parametrize(
    ("roles", "said"),
    [
        ((REVEAL_ROLE,), f"{REFUSAL}; you have none of them. Nothing was revealed."),
        ((), f"{REFUSAL} (none are listed: no one can). Nothing was revealed."),
    ],
    ids=["roles listed", "none listed"],
)
async def test_the_refusal_says_none_are_listed_only_when_none_are(tmp_path, make_bot, roles, said):
    async with running(tmp_path, with_reveal_roles(make_bot, roles)) as (_bot, fd):
        refused = await fd.slash(
            "anonymous reveal", user_id=MOD, channel_id=C, message="123", reason="Harassment"
        )
        assert refused.content == said
