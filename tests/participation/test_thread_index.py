from bot.participation.thread_index import PromptIndex
from bot.participation.types import PromptPost


def post(post_id, thread_id=None, posted_at=1000, channel_id=10):
    return PromptPost(
        post_id, 1, channel_id, f"p{post_id}", "t", 500 + post_id, thread_id, posted_at
    )


def test_lookup_by_thread_and_by_prompt_message():
    index = PromptIndex.from_rows([post(1, thread_id=901), post(2)])
    assert index.lookup_thread(901).post_id == 1
    assert index.lookup_message(502).post_id == 2
    assert index.lookup_thread(12345) is None
    assert index.lookup_message(12345) is None
    assert len(index) == 2


def test_remove_and_remove_thread_forget_both_keys():
    index = PromptIndex.from_rows([post(1, thread_id=901), post(2, thread_id=902)])
    assert index.remove(1).post_id == 1
    assert index.lookup_thread(901) is None and index.lookup_message(501) is None
    assert index.remove_thread(902).post_id == 2
    assert index.lookup_message(502) is None
    assert index.remove(1) is None and len(index) == 0


def test_re_adding_a_post_replaces_its_old_thread():
    index = PromptIndex()
    index.add(post(1, thread_id=901))
    index.add(post(1, thread_id=905))
    assert index.lookup_thread(901) is None
    assert index.lookup_thread(905).post_id == 1


def test_expire_drops_only_posts_older_than_cutoff():
    index = PromptIndex.from_rows([post(1, 901, posted_at=100), post(2, 902, posted_at=200)])
    assert index.expire(150) == 1
    assert index.lookup_thread(901) is None
    assert index.lookup_thread(902).post_id == 2
    assert [p.post_id for p in index] == [2]
