import pytest

from bot.participation.rules import (
    Streak,
    classify_message,
    classify_reaction,
    rank_by_answers_per_post,
    reaction_row,
    streak,
)
from bot.participation.thread_index import PromptIndex
from bot.participation.types import ANSWER, REACTION, PromptPost

POST = PromptPost(7, 1, 10, "prompt-a", "theme-x", 500, 900, 1000)


@pytest.fixture
def index():
    return PromptIndex.from_rows([POST])


def test_message_in_prompt_thread_is_an_answer(index):
    answer = classify_message(False, 900, 10, None, index)
    assert answer.post == POST and answer.via == "thread"
    row = answer.row(member_id=42, message_id=777, created_at=1234, length=12)
    assert row == (1, 7, "prompt-a", "theme-x", 42, 777, ANSWER, 1234, 12)


def test_reply_to_prompt_message_is_an_answer(index):
    answer = classify_message(False, 10, None, 500, index)
    assert answer.post == POST and answer.via == "reply"


def test_bots_system_messages_and_unrelated_messages_are_not_answers(index):
    assert classify_message(True, 900, 10, None, index) is None
    assert classify_message(False, 900, 10, None, index, is_system=True) is None
    assert classify_message(False, 11, None, None, index) is None
    assert classify_message(False, 11, None, 499, index) is None  # reply to another message


def test_thread_under_another_channel_is_not_an_answer(index):
    assert classify_message(False, 900, 99, None, index) is None


def test_reaction_on_prompt_message_counts_once_per_member(index):
    assert classify_reaction(True, 500, index) is None
    assert classify_reaction(False, 501, index) is None
    post = classify_reaction(False, 500, index)
    row = reaction_row(post, member_id=42, created_at=99)
    assert row.kind == REACTION and row.message_id == 500 and row.length is None


@pytest.mark.parametrize(
    ("answered", "expected"),
    [
        ("", Streak(0, 0)),
        ("xxxx", Streak(4, 4)),
        ("xx.xx", Streak(4, 4)),  # one miss forgiven, not counted
        ("xx..xx", Streak(2, 2)),  # two misses in a row reset
        ("xxx..x", Streak(1, 3)),
        ("xx.", Streak(2, 2)),  # one trailing miss: streak still alive
        ("xx..", Streak(0, 2)),  # two trailing misses: over
        ("x.x.x.x", Streak(4, 4)),  # single misses between answers never break it
        (".x", Streak(1, 1)),
    ],
)
def test_streak_forgives_one_missed_prompt(answered, expected):
    posts = list(range(len(answered)))
    done = {i for i, c in enumerate(answered) if c == "x"}
    assert streak(posts, done) == expected


def test_ranking_by_answers_per_post_groups_posts_of_the_same_key():
    ranked = rank_by_answers_per_post([("a", 4), ("b", 3), ("a", 0), ("c", 3), ("d", 0)])
    assert [(r.key, r.posts, r.answers, r.per_post) for r in ranked] == [
        ("b", 1, 3, 3.0),
        ("c", 1, 3, 3.0),
        ("a", 2, 4, 2.0),
        ("d", 1, 0, 0.0),
    ]
