"""The suggestion service on a real database of each backend and real prompt files (no
Discord)."""

import yaml

from bot.prompts.loader import LibraryHolder
from bot.suggestions.service import SuggestionService
from bot.suggestions.types import STALE_CLAIM, SUGGESTION, Limits
from tests.suggestion_world import G, write_prompts


def service_on(tmp_path, stores):
    holder = LibraryHolder(write_prompts(tmp_path))
    holder.reload()

    async def reload():
        return holder.reload()

    return SuggestionService(stores.suggestions, holder.directory, holder, reload)


async def test_a_decision_interrupted_after_its_write_is_finished_once_after_the_claim_expires(
    tmp_path, stores
):
    service = service_on(tmp_path, stores)
    made = await service.suggest(
        G, 30, "What song reminds you of home?", theme="joy", note=None,
        credit_name=None, limits=Limits(), now=1000,
    )  # fmt: skip
    seen = service.files.seen("joy")
    # The process stopped after writing the file, before recording the decision:
    assert await service.store.claim(made.id, 32, 1000)
    service.files.add_suggestion(service.library, made, True, seen)
    service.holder.reload()

    early = await service.decide(SUGGESTION, str(made.id), "accept", 33, seen, 1001)
    assert not early.decided  # the claim is still held
    later = await service.decide(
        SUGGESTION, str(made.id), "accept", 33, service.files.seen("joy"), 1001 + STALE_CLAIM
    )
    assert later.decided and "`joy-2`" in later.text
    prompts = yaml.safe_load((tmp_path / "prompts" / "joy.yaml").read_text())["prompts"]
    assert [p["id"] for p in prompts] == ["joy-1", "joy-2"]
    assert (await service.store.get(made.id)).status == "accepted"


async def test_accepting_into_a_theme_kept_in_a_yml_file_appends_there(tmp_path, stores):
    service = service_on(tmp_path, stores)
    folder = service.holder.directory
    (folder / "joy.yaml").rename(folder / "joy.yml")
    assert service.holder.reload() == []
    made = await service.suggest(
        G, 30, "What song reminds you of home?", theme="joy", note=None,
        credit_name=None, limits=Limits(), now=1000,
    )  # fmt: skip
    decided = await service.decide(
        SUGGESTION, str(made.id), "accept", 33, service.files.seen("joy"), 1001
    )
    assert decided.decided and "`joy.yml`" in decided.text
    assert sorted(p.name for p in folder.glob("joy.*")) == ["joy.yml"]
    prompts = yaml.safe_load((folder / "joy.yml").read_text())["prompts"]
    assert [p["id"] for p in prompts] == ["joy-1", "joy-2"]
