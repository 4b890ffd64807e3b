"""Prompts decided line by line (tests/data/essays_lines/): an essay set somewhere heavy still asks
light questions of its light lines, a thing of the essay's own is never put into a noun slot, a
line about someone's crisis or death is never shown, contexts stand on their own, and the
subject of "Catchphrase - what it is about" comes from after the dash."""

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.essays.phrases import noun_phrase_problem
from bot.essays.reader import parse_essay
from bot.essays.text import sentences
from bot.prompts.build import build_prompts
from bot.prompts.generate import is_crisis, load_bank
from bot.prompts.lint import prompt_warnings
from bot.prompts.loader import load_library
from bot.prompts.quotes import quote_kind
from bot.safety.disclosure import load_checker
from bot.safety.heavy import read_heavy_topics
from bot.themes.extract import essay_subject, find_themes
from bot.themes.titles import load_vocabulary
from tests.prompts.essay_builds import build_alone

ESSAYS = Path(__file__).resolve().parents[1] / "data" / "essays_lines"
NAMES = sorted(p.name for p in ESSAYS.iterdir())
QUOTED = re.compile(r"“([^”]+)”")
DIFFICULTY_FORMS = ("moments like this", "someone in that situation")


@pytest.fixture(scope="module", params=[False, True], ids=["alone", "with-collection"])
def built(request, tmp_path_factory):
    """essay name -> (prompt folder, prompts) built from that essay alone."""
    collection = "subject: community life\n" if request.param else None
    out = {}
    for name in NAMES:
        root = tmp_path_factory.mktemp(name.replace(".", "-"))
        _, folder, prompts = build_alone(ESSAYS / name, root, collection)
        out[name] = (folder, prompts)
    return out


def outside_quotes(text):
    return QUOTED.sub("", text)


def every_prompt(built):
    return [p for name in NAMES for p in built[name][1]]


def item_around(quote):
    """The body of the test essay item that holds ``quote``."""
    for name in NAMES:
        for item in parse_essay(name, (ESSAYS / name).read_text()).items:
            if quote.rstrip("…") in item.body:
                return item.body
    return ""


def test_light_lines_of_a_heavy_essay_get_light_questions(built):
    """Only a line naming a difficulty, a line under a heading that names one, or a line of an
    item around a death is asked "what helps in moments like this?"."""
    heavy = read_heavy_topics()
    for prompt in every_prompt(built):
        asked = outside_quotes(" ".join([prompt.question, *prompt.followups]))
        titled_heavy = heavy.touches(prompt.theme_id.replace("-", " "))
        if any(form in asked for form in DIFFICULTY_FORMS) and not titled_heavy:
            quoted = QUOTED.findall(prompt.question)[-1]
            crisis = any(is_crisis(s) for s in sentences(item_around(quoted)))
            assert crisis or quote_kind(quoted) in ("difficulty", "private"), prompt.question
    saturdays = [p for p in every_prompt(built) if "second family" in p.question]
    assert saturdays, "the line about joining is worth asking about"
    assert all("moments like this" not in p.question for p in saturdays)


def test_things_of_the_essays_own_are_never_slotted(built):
    for prompt in every_prompt(built):
        asked = outside_quotes(prompt.question).lower()
        assert "raffle" not in asked and "spring fair" not in asked, prompt.question


def test_a_crisis_or_a_private_death_is_never_quoted_or_shown(built):
    for prompt in every_prompt(built):
        shown = f"{prompt.question} {prompt.context}".lower()
        assert "better off without" not in shown, prompt.id
        assert "died suddenly" not in shown, prompt.id


def test_housing_fear_is_asked_with_care(built):
    for prompt in built["tenants-night.txt"][1]:
        if "afraid of being asked to leave" in f"{prompt.question} {prompt.context}":
            assert prompt.sensitive, prompt.id


def test_contexts_stand_alone_and_lean_on_no_link(built):
    for prompt in every_prompt(built):
        line = QUOTED.findall(prompt.context)[0]
        assert "linked here" not in line and not line.startswith(("It also", "It ")), line


def test_a_fresh_build_passes_its_own_strict_validation(built):
    for name in NAMES:
        folder, _ = built[name]
        assert main(["prompts", "validate", "--dir", str(folder), "--strict"]) == 0, name


def test_the_subject_comes_from_after_the_dash():
    essay = parse_essay("drop-in-kitchen.md", (ESSAYS / "drop-in-kitchen.md").read_text())
    subject = essay_subject(essay, load_vocabulary())
    assert "open doors" not in subject.lower()


def test_validate_reads_contexts_for_a_persons_crisis(tmp_path, capsys):
    heavy, checker = read_heavy_topics(), load_checker(tmp_path)
    general = "“Members can meet without fear of harassment.” (from “Notes”)"
    personal = "“My neighbour was evicted in March and slept in his car.” (from “Notes”)"

    def warnings(context):
        from bot.prompts.model import Prompt

        prompt = Prompt(
            id="t-1",
            theme_id="t",
            question="What helps a new member feel at home?",
            followups=(),
            context=context,
            source="Notes",
        )
        return prompt_warnings(prompt, checker, heavy)

    assert warnings(general) == []
    assert any("not marked sensitive" in w for w in warnings(personal))


def test_lines_with_nothing_to_discuss_are_never_the_question(built):
    questions = " ".join(p.question for p in every_prompt(built))
    for scene in ("might sell forty tickets", "is our biggest night", "pays for the gas bill"):
        assert scene not in questions, scene


def test_a_recap_folds_in_and_each_new_commitment_keeps_its_theme(tmp_path):
    themes, folder, _ = build_alone(ESSAYS / "choir-year.md", tmp_path)
    titles = {t.title for t in themes}
    assert {"A shared lift list", "A suggestions box", "A summer picnic"} <= titles
    assert any(t.startswith("Sign language") for t in titles)
    assert not any(t.startswith(("What we", "Make time")) for t in titles), titles
    library = load_library(folder)
    asked = {theme.title for theme in library.themes if theme.prompts}
    assert {"A shared lift list", "A suggestions box", "A summer picnic"} <= asked


def test_a_catchphrase_before_the_dash_is_never_the_subject(built):
    for prompt in built["choir-year.md"][1]:
        asked = outside_quotes(" ".join([prompt.question, *prompt.followups])).lower()
        assert "branching out" not in asked, prompt.question


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("The regulars run the quiz every other month.", "practice"),
        ("A club across the river started a seed swap for its members.", "practice"),
        ("On a quiet evening we might serve thirty plates of rice.", "fact"),
        ("The harvest supper is our biggest night of the year.", "fact"),
        ("I joined to fill my Sundays and found a second home.", "experience"),
        ("We set out to mend bicycles for the estate.", "fact"),
        ("Some nights a caller is in real distress and needs a calm voice.", "difficulty"),
        ("Chosen family can hold you while the other one catches up.", "claim"),
        ("This spring the stall had twenty helpers and a steel band.", "fact"),
        ("The first time our choir sang in public we were five.", "fact"),
        ("Last year we raised four hundred pounds for the hall.", "fact"),
        ("Our first parade had eleven of us and a borrowed drum.", "fact"),
        ("Today the network has ninety members from twenty countries.", "fact"),
        ("The buddy scheme has cut no-shows by half.", "fact"),
        ("Nobody has left the rota in the last six months.", "fact"),
        ("The helpline used to be staffed whenever someone was free.", "fact"),
        ("Every guidebook opens with the weather.", "fact"),
        ("Two people who listen can change how a whole room feels.", "claim"),
        ("Anyone who helps stack the chairs gets a free coffee.", "practice"),
        ("Now we meet for an hour on the first Monday, and someone brings soup.", "practice"),
        ("A trained host watches the clock and steers the table.", "practice"),
        ("Helpers mute their phones when they are off duty.", "practice"),
        ("People who came in tired could still feel useful.", "claim"),
        ("Today we have eighty members from fifteen countries.", "fact"),
        ("Nobody has left in the last five months, and two have asked to come back.", "fact"),
        ("Once a month we borrow a school kitchen and cook what someone teaches.", "practice"),
        ("We show films with two sets of subtitles when we can.", "practice"),
        ("Paperwork is how most people find us.", "fact"),
        ("Our first pick was a huge epic and almost nobody finished it.", "experience"),
        ("Each table mixes students and pensioners, never two friends together.", "practice"),
        ("Our yearly funds are modest, nearly all from a single grant.", "fact"),
        ("Given time, most newcomers feel at home.", "claim"),
        ("A practice partner from the exchange has no stake in your mistakes.", "claim"),
        ("Bring a dish that reminds you of home.", "advice"),
    ],
)
def test_each_line_is_read_for_what_it_is(line, kind):
    assert quote_kind(line) == kind


def test_a_claim_is_never_asked_to_be_made_truer(built):
    for prompt in every_prompt(built):
        assert not any("truer" in f for f in prompt.followups), prompt.id


def test_an_item_that_holds_a_crisis_is_asked_with_care_and_never_shows_it(built):
    grief = [p for p in built["choir-year.md"][1] if "loss" in f"{p.question} {p.context}"]
    assert grief, "the section's general lines are still worth asking about"
    for prompt in grief:
        assert "own life" not in f"{prompt.question} {prompt.context}", prompt.id
        assert prompt.sensitive, prompt.id


def test_a_one_line_commitment_is_asked_as_an_idea_to_try(built):
    for prompt in built["choir-year.md"][1]:
        if "lift list" in prompt.question:
            assert "a shared lift list" in prompt.question and "work" in prompt.question
            assert "understood about" not in prompt.question


def test_the_writers_record_a_colleagues_name_and_an_acronym_are_never_quoted(built):
    for prompt in built["advice-desk.txt"][1]:
        shown = f"{prompt.question} {prompt.context}"
        assert "Priya" not in shown and "CAB" not in prompt.question, prompt.question
        assert "years ago" not in prompt.question, prompt.question


# Lines on outness, family, shame, housing and money worries (home-truths.md): a question on them
# asks in general terms, never whether or to whom a member is out or how their family took it.
HEAVY_LINES = (
    "felt ashamed for never having one big announcement",
    "open at work and quiet at the dinner table",
    "girlfriend she calls a flatmate",
    "first person she ever told",
    "a complaint might cost them the flat",
    "Rent worries and low mood",
)


def gentle_quote_questions():
    """A pattern for each gentle quoting form of the shipped question bank."""
    patterns = []
    for form in load_bank().gentle_quote_forms:
        parts = re.split(r"\{\w+\}", form.question)
        patterns.append(re.compile(".+".join(re.escape(part) for part in parts) + "$", re.S))
    return patterns


def test_lines_on_outness_family_and_housing_are_asked_gently_and_with_care(built):
    gentle = gentle_quote_questions()
    touched = []
    for prompt in built["home-truths.md"][1]:
        asked = [line for line in HEAVY_LINES if line in prompt.question]
        shown = [line for line in HEAVY_LINES if line in prompt.context]
        if asked:
            assert any(p.match(prompt.question) for p in gentle), prompt.question
        if asked or shown:
            touched.append(prompt)
            assert prompt.sensitive, (prompt.question, prompt.context)
    assert touched, "the essay's lines are still worth asking about"


@pytest.mark.parametrize(
    "line",
    [
        "Several members felt ashamed for never having one big announcement.",
        "Some of us are open at work and quiet at the dinner table, and that can change.",
        "One regular's mother still sets a place for the girlfriend she calls a flatmate.",
        "A cousin was the first person she ever told, and the aunties found out years later.",
        "Two tenants stopped reporting the damp because a complaint might cost them the flat.",
        "Rent worries and low mood often arrive together in the same month.",
        "Some of us wore sunglasses at the march because a photo might get back to our parents.",
        "Two of the cooks have no kitchen of their own, and one sleeps on a cousin's sofa.",
        "An aunt asked the group how she should talk to her niece after the news.",
        "Parents who meet other parents tend to come round sooner.",
        "A few of us walked in the parade with our faces covered.",
        "Some of us marched in hats and scarves, since a picture might find its way to family.",
        "I told my grandmother about my girlfriend over dim sum, with my cousin to translate.",
    ],
)
def test_outness_family_and_housing_fears_are_difficulties(line):
    assert quote_kind(line) in ("difficulty", "private")


def test_plain_text_section_lines_are_headings_and_the_closing_points_are_no_items():
    essay = parse_essay("saturday-drop-in.txt", (ESSAYS / "saturday-drop-in.txt").read_text())
    assert [i.title for i in essay.items] == [
        "Start on time, even if it's just you",
        "Watch for who stands near the door",
        "Keep a quiet corner",
        "Talk about money plainly",
    ]
    assert all(len(i.body.split()) >= 15 for i in essay.items)
    assert essay.heading == "Running a Saturday drop-in: what five years taught us"


def test_every_context_is_a_line_of_the_essays_text_never_a_bare_title(built):
    for name in NAMES:
        for prompt in built[name][1]:
            line = QUOTED.findall(prompt.context)[0]
            assert len(line.split()) >= 3 and line[-1:] in ".!?…", (name, prompt.context)


def test_a_section_on_what_a_group_does_is_asked_about(tmp_path):
    _, _, prompts = build_alone(ESSAYS / "listening-circle.md", tmp_path)
    rituals = [p for p in prompts if "one good thing from the week" in p.question]
    asked = ("tried something like it", "work where you are")
    assert rituals and all(any(a in p.question for a in asked) for p in rituals)


def test_a_heading_on_telling_family_is_never_slotted_and_is_asked_with_care(tmp_path):
    themes, _, prompts = build_alone(ESSAYS / "listening-circle.md", tmp_path)
    telling = [t for t in themes if t.title.startswith("Telling family")]
    assert telling and noun_phrase_problem(telling[0].phrase) is not None
    gentle = gentle_quote_questions()
    for prompt in prompts:
        asked = outside_quotes(prompt.question).lower()
        assert "telling family" not in asked, prompt.question
        if prompt.theme_id == telling[0].id or prompt.theme_id.startswith("when-home"):
            assert prompt.sensitive and any(p.match(prompt.question) for p in gentle), prompt.id


@pytest.mark.parametrize(
    "heading",
    [
        "Telling family, or not",
        "When home is not safe",
        "Who to tell at work",
        "A late letter can cost someone the right to stay",
    ],
)
def test_headings_on_telling_people_or_an_unsafe_home_are_heavy(heading):
    assert read_heavy_topics().touches(heading)


def test_a_draft_showing_a_heavy_subject_carries_a_content_warning_naming_it(built):
    """A warning comes before the question, so it names only what the quoted line or the context
    tells of as happening to someone; a subject named in general terms, a metaphor or the
    essay's title warns of nothing."""
    heavy = read_heavy_topics()
    warned = []
    for name in NAMES:
        for prompt in built[name][1]:
            lines = [t.replace(f"“{prompt.source}”", "") for t in (prompt.question, prompt.context)]
            told = heavy.happening(*lines)
            if prompt.is_draft and prompt.sensitive and told:
                assert prompt.content_warning == ", ".join(told), prompt.id
                warned.append(prompt.id)
            else:
                assert prompt.content_warning is None, (prompt.id, prompt.content_warning)
    assert any(p.startswith("when-home") for p in warned), warned


@pytest.mark.parametrize(
    ("line", "told"),
    [
        ("A few people had been asked to leave home after their families found out.", True),
        ("My neighbour was evicted in March and slept in his car.", True),
        ("Many novels in the genre end in a funeral or a slammed door.", False),
        ("Once I saw it like that, practice felt like a present, not a bill I owed.", False),
        ("Guests bring juice, drinks or just themselves.", False),
        ("Exhaustion almost finished the choir in its first year.", False),
        ("Some novels touch on family rejection, and a member once left halfway through.", False),
    ],
)
def test_a_warning_is_for_a_hard_thing_happening_to_someone(line, told):
    assert bool(read_heavy_topics().happening(line)) is told


def test_an_essay_titled_on_a_heavy_subject_warns_only_of_its_heavy_items(built):
    prompts = built["low-mood-circle.md"][1]
    good = [p for p in prompts if p.theme_id.startswith(("start-with", "one-good"))]
    assert good and not any(p.content_warning for p in good), [p.question for p in good]
    grief = [p for p in prompts if "grie" in p.theme_id]
    assert grief and all(p.sensitive for p in grief)
    gentle = gentle_quote_questions()
    for prompt in grief:  # a death and a family's silence: asked in general terms only
        quoted = [q for q in QUOTED.findall(prompt.question) if q != prompt.source]
        assert not quoted or any(p.match(prompt.question) for p in gentle), prompt.question


@pytest.mark.parametrize(
    "title",
    [
        "Rent, roommates and the housing association",
        "Minding each other: low mood, grief and the Wednesday circle",
        "Arriving twice: notes from a newcomers' table",
        "Minding the minders: a year of the volunteers' circle",
        "Feeding the feeders",
    ],
)
def test_a_title_that_lists_things_or_leads_with_a_catchphrase_gives_no_subject(title):
    essay = parse_essay("x.md", f"# {title}\n\n## One\n\nA line.\n\n## Two\n\nAnother line.\n")
    assert essay_subject(essay, load_vocabulary()) == ""


def test_an_item_with_nothing_to_quote_is_still_asked_about_through_a_line(tmp_path):
    """An item around a death whose only showable line quotes nothing is not dropped: one
    gentle question in general terms, marked sensitive, shows that line as its context; the
    death itself is never shown."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "year.md").write_text(
        "# Our year\n\n## Mentoring newcomers\n\nToday we have forty mentors from twelve "
        "countries. Each mentor meets a newcomer for coffee in their first week.\n\n"
        "## Losing Sam\n\nSam died in March. The whole team went to the funeral in April.\n\n"
        "## Food\n\nShared meals keep a group together. Nobody remembers the agenda, but "
        "everyone remembers the dumplings.\n"
    )
    themes = find_themes(seeds)
    build_prompts(themes, tmp_path / "prompts")
    library = load_library(tmp_path / "prompts")
    asked = {t.id: t.prompts for t in library.themes}
    assert all(asked.get(t.id) for t in themes), {t.id: len(asked.get(t.id, [])) for t in themes}
    for prompt in [p for t in library.themes for p in t.prompts]:
        assert "died" not in f"{prompt.question} {prompt.context}", prompt.id
        if "sam" in prompt.theme_id:
            assert prompt.sensitive and "general terms" in prompt.question.lower()


def test_the_last_resort_never_shows_a_sign_off_or_a_list_intro(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "club.md").write_text(
        "# Our club\n\n## Food\n\nShared meals keep a group together. Nobody remembers the "
        "agenda, but everyone remembers the dumplings.\n\n## Rotas\n\nHosts change every "
        "month, so nobody burns out.\n\n## Get in touch\n\nIf you run something similar, "
        "drop us a line through the website; we love comparing notes.\n"
    )
    build_prompts(find_themes(seeds), tmp_path / "prompts")
    shown = [
        f"{p.question} {p.context}"
        for t in load_library(tmp_path / "prompts").themes
        for p in t.prompts
    ]
    assert shown and not any("drop us a line" in s for s in shown), shown
