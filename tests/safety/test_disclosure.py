"""The disclosure check on questions written to probe it: risky questions in many wordings must
be caught, harmless ones that share their words must pass."""

import yaml

from bot.cli import main
from bot.safety.disclosure import load_checker
from tests.safety.probes import HARMLESS, RISKY


def flagged(question: str) -> list[str]:
    return load_checker().messages([question])


def test_the_probe_set_is_large_and_varied_enough_to_mean_something():
    assert len(RISKY) >= 24 and len(HARMLESS) >= 12
    assert len(set(RISKY)) == len(RISKY)


def test_at_least_nine_in_ten_risky_questions_are_caught():
    caught = [q for q in RISKY if flagged(q)]
    missed = [q for q in RISKY if q not in caught]
    assert len(caught) / len(RISKY) >= 0.9, missed


def test_at_most_one_harmless_near_miss_is_flagged():
    wrongly = [(q, flagged(q)) for q in HARMLESS if flagged(q)]
    assert len(wrongly) <= 1, wrongly
    assert not flagged("Who in your life taught you to cook, and what dish reminds you of them?")


def test_each_kind_of_private_fact_is_named_in_its_warning():
    cases = {
        "Have you ever been diagnosed with depression?": "health",
        "What is your immigration status?": "immigration",
        "How much debt are you carrying?": "money",
        "Have you ever been arrested?": "criminal record",
        "Are you bisexual?": "sexuality",
        "Are you Muslim, and do you practise in secret?": "religion",
        "Which neighbourhood do you live in?": "lives",
        "What's their name?": "name people",
    }
    for question, word in cases.items():
        assert any(word in m for m in flagged(question)), (question, flagged(question))


def test_a_fact_about_someone_else_is_not_asked_of_the_member():
    assert not flagged("What would you say to a friend who was just arrested?")
    assert flagged("What would you say if you were just arrested?")


def test_a_quote_of_the_authors_diagnoses_then_what_it_brings_up_for_you_is_caught():
    quote = "“I was diagnosed with PTSD and an eating disorder at nineteen.”"
    assert flagged(f"{quote} If you'd like to share, what does this bring up for you?")
    assert not flagged("“We met every Sunday at the market.” What does this bring up for you?")


def test_validate_warns_about_a_reworded_disclosure_question_at_its_line(tmp_path, capsys):
    prompt = {"id": "visa-1", "question": "Are you here on a student visa or undocumented?"}
    prompt.update({"followups": ["Why?"], "context": "“A line.” (from “An essay”)"})
    path = tmp_path / "visa.yaml"
    path.write_text(yaml.safe_dump({"id": "visa", "title": "Visas", "prompts": [prompt]}))
    assert main(["prompts", "validate", "--dir", str(tmp_path), "--strict"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: warning: visa-1: asks about a member's immigration status" in out


def test_the_banks_own_questions_about_a_private_subject_ask_no_member_for_it():
    """ "Has your view of debt changed?" or "what do you think about a criminal record?" talk
    about a subject; they do not ask the member for their own debts or record."""
    from bot.prompts.generate import load_bank

    bank, checker = load_bank(), load_checker()
    forms = [f for fs in bank.concepts.values() for f in fs]
    forms += [*bank.forms, *bank.quote_forms, *bank.gentle_forms, *bank.gentle_quote_forms]
    subjects = ["debt and shame", "immigration status", "a criminal record", "depression",
                "coming out", "religion", "sexuality", "rent", "visas"]  # fmt: skip
    asked = []
    for phrase in subjects:
        values = {"phrase": phrase, "the_phrase": phrase, "does": "does", "subject": "money"}
        values |= {"quote": "We met at the market every Sunday.", "title": "An essay"}
        for form in forms:
            texts = [form.question.format(**values), *(f.format(**values) for f in form.followups)]
            if checker.messages(texts):
                asked.append(texts[0])
    assert not asked, asked


def test_admins_add_private_facts_as_word_lists(tmp_path):
    (tmp_path / "_disclosure.yaml").write_text(
        "asks:\n  - about: work\n    message: asks where a member works\n"
        "    your: [employer, office]\n    you: [work at, work for]\n"
    )
    checker = load_checker(tmp_path)
    assert checker.messages(["Who do you work for these days?"]) == ["asks where a member works"]
    assert "asks where a member works" in checker.messages(["What's your office like?"])
    assert not checker.messages(["What would you tell someone who works for a charity?"])
