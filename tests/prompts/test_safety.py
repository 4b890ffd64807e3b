"""What keeps prompts safe for the community they are posted to: disclosure warnings, mentions
made plain, audience named only where declared, essays named by their title."""

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.essays.text import sentences
from bot.prompts.build import build_prompts
from bot.prompts.loader import load_library
from bot.themes.extract import find_themes

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
PROMPTS = ROOT / "prompts"
# The questions a moderator found pushing members to disclose, as first shipped, and others.
BAD = {
    "visibility": "Which Asian LGBTQ+ person, public or in your own life, showed you what was "
    "possible?",
    "stories": "Is there part of your story that's hard to tell in one of your communities but "
    "easy in another? What makes the difference?",
    "family": "How do you handle family gatherings or cultural events that assume everyone is "
    "straight or on the same life path?",
    "exploring": "Which parts of your identity are you still exploring, and what has helped you "
    "along the way?",
    "members": "Whose experience did you find hard to relate to at first, but came to understand?",
    "heavy": "What helps you recover when racism, homophobia, transphobia or family pressure "
    "weigh on you?",
    "out": "Are you out to your parents, and how did they react?",
    "where": "Which city do you live in, and where did you grow up?",
}


def write_theme(folder: Path, theme_id: str, question: str, **extra) -> Path:
    prompt = {"id": f"{theme_id}-1", "question": question, "followups": ["Why?"]}
    prompt.update({"context": "“A line.” (from “An essay”)", **extra})
    path = folder / f"{theme_id}.yaml"
    data = {"id": theme_id, "title": theme_id.title(), "prompts": [prompt]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_the_shipped_library_passes_the_disclosure_check_strictly(capsys):
    assert main(["prompts", "validate", "--dir", str(PROMPTS), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out and "59 prompts, 59 enabled" in out


def test_each_disclosing_question_is_warned_about_at_its_line(tmp_path, capsys):
    for theme_id, question in BAD.items():
        write_theme(tmp_path, theme_id, question)
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if ": warning: " in x]
    warned = {Path(x.split(":", 1)[0]).stem for x in lines}
    assert warned == set(BAD)
    assert all(x.split(":")[1].isdigit() for x in lines)  # path:line: warning: ...
    assert main(["prompts", "validate", "--dir", str(tmp_path), "--strict"]) == 1


def test_admins_extend_the_rules_in_their_own_file(tmp_path, capsys):
    write_theme(tmp_path, "work", "What's your employer's name?")
    assert main(["prompts", "validate", "--dir", str(tmp_path), "--strict"]) == 0
    rules = {"rules": [{"pattern": r"\bemployer", "message": "asks where a member works"}]}
    (tmp_path / "_disclosure.yaml").write_text(yaml.safe_dump(rules))
    capsys.readouterr()
    assert main(["prompts", "validate", "--dir", str(tmp_path), "--strict"]) == 1
    assert "work.yaml:3: warning: work-1: asks where a member works" in capsys.readouterr().out


def test_a_broken_admin_rule_is_reported_with_its_line(tmp_path, capsys):
    write_theme(tmp_path, "work", "What do you enjoy?")
    (tmp_path / "_disclosure.yaml").write_text("rules:\n  - pattern: '(unclosed'\n    message: x\n")
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "_disclosure.yaml:2: pattern is not a regular expression" in err


def test_a_theme_title_with_a_mention_is_refused(tmp_path, capsys):
    path = write_theme(tmp_path, "pings", "What do you enjoy?")
    path.write_text(path.read_text().replace("title: Pings", "title: Hello @everyone"))
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) != 0
    assert "title must not mention @everyone" in capsys.readouterr().err


def test_build_makes_mentions_in_essays_plain_so_the_library_validates(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "pings.md").write_text(
        "1. Loud rooms <@&123456789012345678>: Someone wrote @here in every message. "
        "Then <@123456789012345678> replied to @everyone at once.\n"
        "2. Quiet rooms: Nobody pinged anyone. It was calm.\n"
    )
    out = tmp_path / "prompts"
    assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 0
    assert main(["prompts", "validate", "--dir", str(out), "--strict"]) == 0
    text = " ".join(p.read_text() for p in out.glob("*.yaml"))
    assert "@here" not in text and "@everyone" not in text and "<@" not in text


def test_build_says_how_many_drafts_await_review_and_list_shows_them(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "tests" / "data" / "essays", seeds)
    out = tmp_path / "prompts"
    assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    drafts = sum(p.is_draft for t in load_library(out).themes for p in t.prompts)
    assert drafts and f"{drafts} draft prompts await review" in report
    assert main(["prompts", "list", "--dir", str(out), "--theme", "mental-health"]) == 0
    listing = capsys.readouterr().out
    assert "  d mental-health-1" in listing and "[sensitive]" in listing
    assert "from “Working nights”" in listing and ".md" not in listing


def test_bank_questions_naming_an_audience_need_the_audience_declared(tmp_path):
    seeds = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    declared = load_library(_built(seeds, tmp_path / "declared"))
    (seeds / "_collection.yaml").unlink()
    neutral = load_library(_built(seeds, tmp_path / "neutral"))
    said = [p.question for p in declared.enabled_prompts() if "Asian" in p.question]
    assert said  # the seeds declare their audience, so its questions are used
    for prompt in neutral.enabled_prompts():
        assert "Asian" not in prompt.question and "LGBTQ" not in prompt.question
    # without the declaration the essays are named by their file name made readable
    assert {p.source for p in neutral.enabled_prompts()} <= {f"Essay 00{i}" for i in range(5)}
    assert {p.source for p in declared.enabled_prompts()} & {"Building bridges of understanding"}


def test_a_bad_collection_declaration_names_its_line(tmp_path, capsys):
    seeds = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    (seeds / "_collection.yaml").write_text("title: x\nessays:\n  a.txt:\n    colour: red\n")
    assert main(["themes", "--seeds", str(seeds)]) != 0
    assert "_collection.yaml:4: unknown key 'colour'" in capsys.readouterr().err


def test_sentences_end_at_words_that_only_look_like_abbreviations():
    text = "Groups share customs. Others come first. See e.g. Dr. Lee today. 茶好。我们喝茶。"
    assert sentences(text) == [
        "Groups share customs.",
        "Others come first.",
        "See e.g. Dr. Lee today.",
        "茶好。",
        "我们喝茶。",
    ]


def test_the_context_is_the_sentence_that_best_matches_the_question(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bees.md").write_text(
        "1. Urban beekeeping: Cities are loud. Rooftop hives give bees a safe home, and "
        "beekeeping on roofs has grown fast. Honey sells well.\n"
        "2. Pollinator gardens: Flowers feed bees all summer. Gardens need little water.\n"
    )
    out = _built(seeds, tmp_path / "prompts")
    prompts = load_library(out).theme("urban-beekeeping").prompts
    for prompt in prompts:  # the quoted line is never its own context; the best other one is
        asked = prompt.question.split("“")[-1].split("”")[0]
        assert asked not in prompt.context
        if "Honey" not in asked:
            assert not prompt.context.startswith("“Honey"), prompt  # shares no word with it


def _built(seeds: Path, out: Path) -> Path:
    build_prompts(find_themes(seeds), out)
    return out


def test_a_draft_is_never_posted_even_when_someone_enables_it(tmp_path):
    from bot.posting.controls import PostingError, pick_prompt
    from bot.posting.rotation import pool_for

    write_theme(tmp_path, "gardens", "What grows well for you?", enabled=True, status="draft")
    library = load_library(tmp_path)
    channel = type("Channel", (), {"themes": (), "prompts": ()})()
    assert pool_for(library, channel) == []
    for theme_id, prompt_id in (("gardens", None), (None, "gardens-1")):
        with pytest.raises(PostingError):
            pick_prompt(library, channel, [], theme_id, prompt_id)


def test_a_context_is_never_a_line_cut_mid_phrase_nor_a_private_persons_anecdote(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    long_line = (
        "Volunteers who have been with the group for more than a year are asked to sit with a "
        "newcomer for the whole of their first evening and to introduce them to at least two "
        "other people before the food comes out and the talking starts in earnest at the tables"
    )
    text = (
        "# First nights\n\n## Sitting with newcomers\n\n"
        f"{long_line}. She still laughs about her own first evening, when nobody spoke to her. "
        "A first evening decides whether someone comes back.\n\n"
        "## Name badges\n\nName badges with pronouns save people from guessing. "
        "Some members write a nickname instead, and that is fine.\n"
    )
    (seeds / "first-nights.md").write_text(text)
    out = _built(seeds, tmp_path / "prompts")
    for theme in load_library(out).themes:
        for prompt in theme.prompts:
            line = prompt.context.split("”")[0].lstrip("“")
            assert not line.startswith("She "), prompt.context
            if line.endswith("…"):  # cut only where a clause ends
                assert any(line[:-1] + mark in text for mark in (",", ";", ":", " –")), line
