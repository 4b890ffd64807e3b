"""What a quoted sentence is, so that the question around it fits: a claim ("Rest is part of the
work." — agree? where does it hold?), an experience ("I stopped answering the phone." — has
something like it happened to you?), advice ("Ask before you help." — what helps?), a feeling
("I felt like a guest in my own family." — have you felt something similar?), or a private fact
of the writer's ("My debt spiralled." — only a gentle question that asks no one to match it), a
difficulty ("Now and then a caller is in real distress." — asked about in general terms), a
practice ("We run a film night each term." — have you tried something like it?), or a plain
fact ("The hall is free if we buy a coffee."), which is context and never the question."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.essays.lexicon import is_base_verb
from bot.essays.phrases import IMPERATIVES
from bot.essays.text import word_classes

KINDS = ("claim", "experience", "advice", "feeling", "private", "difficulty", "practice", "fact")
# A hard time, a crisis, housing or family precarity, coming out: asked about only in general terms
_DIFFICULTY = re.compile(
    r"(?i)\b(?:distress\w*|crisis|crises|traum\w*|panic\w*|struggl\w*|hardest|worst|landlord|"
    r"evict\w*|arrears|bills|afford\w*|skipp\w* meals|homeless\w*|lonel\w*|isolat\w*|"
    r"stay with you|came out|coming out|come out|(?:they're|they’re|are|be|was|were|is) out\b|"
    r"in the closet|disown\w*|rejected|grief|griev\w*|died|death|funeral|"
    r"hospital|illness|diagnos\w*|abus\w*|violen\w*|harass\w*|racis\w*|homophob\w*|"
    r"transphob\w*|bull(?:y|ied|ying)|afraid|scared|ashamed|shame|fear of|"
    r"los(?:e|es|ing|t) (?:a|their|his|her|my|our|your) (?:home|flat|job)|asked to leave|"
    r"sleeping outside|nights? outside)\b"
)
# Whether, where and to whom someone is out, what their family knows or was told, a home or a
# livelihood at risk, money worries: a person's own situation, even when told without "I"
_SITUATION = re.compile(
    r"(?i)\b(?:(?:open|out|closeted|quiet) (?:at|to|with) (?:work|home|school|the dinner table|"
    r"(?:my|our|their|his|her|the) (?:family|parents|mother|father|mum|mom|dad))|"
    r"dinner table|(?:calls?|called|introduce[sd]?) (?:her|him|them|me|us) as|"
    r"(?:she|he|they) calls? a (?:flatmate|roommate|housemate|friend)|"
    r"(?:ever|never|first|finally) told|told (?:my|their|his|her|our) (?:family|parents|mother|"
    r"father|mum|mom|dad)|found out|announcement|"
    r"cost (?:them|him|her|me|us|you) (?:the|their|his|her|my|our|your|a) "
    r"(?:flat|home|room|tenancy|job)|(?:rent|money|debt) (?:worr\w*|troubles?|fears?)|"
    r"low mood|depress\w*|"
    # hiding one's face or name where a photo could travel home
    r"(?:photo|picture|video)s? (?:could|might|would|may) (?:reach|get back|travel|end up)|"
    r"(?:so|in case) (?:no one|nobody|they) (?:would |could )?recogni[sz]e|in disguise|"
    r"(?:photo|picture|video|camera|post)s?\b[^.]{0,40}\b(?:home|family|families|parents|"
    r"relatives|back home)\b|(?:hats|scarves|sunglasses|masks?)\b[^.]{0,40}\b(?:march|parade|"
    r"pride|flag)|(?:march|parade|pride|flag)\w*\b[^.]{0,40}\b(?:hats|scarves|sunglasses|masks?)|"
    r"told (?:my|her|his|their|our) [\w -]{0,20}?(?:aunt|uncle|mother|father|mum|mom|dad|"
    r"parents|grandmother|grandfather|grandma|granny|family|brother|sister|cousin)\w*\b"
    r"[^.]{0,30}\b(?:girlfriend|boyfriend|partner|wife|husband|gay|lesbian|queer|trans|bi)\b|"
    r"hid(?:e|ing)? (?:our|their|his|her|my) (?:faces?|names?)|faces? covered|"
    r"cover(?:ed|ing)? (?:our|their|his|her|my) faces?|"
    # a home of one's own lacking
    r"no (?:kitchen|oven|home|room|bed|place|flat) of (?:their|his|her|my|our) own|"
    r"sleeps? on (?:a|the|his|her|their|my) (?:\w+'s |\w+’s )?(?:sofa|couch|floor)|"
    # how a family takes it
    r"(?:famil(?:y|ies)|relatives|parents?|aunts?|uncles?|nieces?|nephews?|grandparents?|mothers?|"
    r"fathers?|mums?|moms?|dads?)\b[^.]{0,60}\b(?:accept\w*|soften\w*|react\w*|came round|"
    r"come round|comes round|talk to (?:her|his|their) (?:son|daughter|child|niece|nephew)|"
    r"after the news|found out|disapprov\w*)|"
    r"(?:accept\w*|soften\w*|come round|came round)[^.]{0,40}\b(?:famil(?:y|ies)|relatives)"
    r")\b"
)
# What a group does, as a habit: "We run a film night each term."
_PRACTICE = re.compile(
    r"(?i)^(?:(?:now|today|nowadays|these days|every \w+|each \w+|(?:once|twice) a \w+|"
    r"on \w+days|in (?:winter|summer|spring|autumn)),?\s+)?"
    r"(?:we|our \w+|the group|the club|volunteers|members|the regulars|regulars)\s+"
    r"(?:\w+ly\s+|now\s+|also\s+)?"
    r"(?:run|hold|keep|have|meet|use|ask|offer|publish|label|pair|give|make|bring|send|start|"
    r"set|take|put|leave|share|rotate|invite|welcome|cook|play|sing|host|pick|choose|vote|"
    r"write|read|post|walk|plan|open|close|finish|begin|try|do|tell|split|visit|swap|lend)\b"
    r"(?!\s+(?:out|off)\s+to\b)"  # "We set out to fix bikes." says what was meant, not done
    r"(?!\s+(?:was|is|were|are|has|had)\b)"  # "Our first pick was…": a noun, no verb
)
# What another group did or does: "Another group in town started a lending library."
_OTHERS_DO = re.compile(
    r"(?i)^(?:another|one|a|the other|a neighbouring|a nearby) (?:group|club|choir|team|"
    r"collective|kitchen|centre|center|network|chapter)(?: (?:in|from|down|across|near) "
    r"(?:the )?\w+)?\s+(?:\w+ly\s+|now\s+|also\s+)?(?:started|began|tried|set up|ran|held|"
    r"runs|holds|keeps|meets|uses|offers|pairs|hosts|invites|has|had|built|opened|made)\b"
)
# A line that argues something (a claim), rather than only stating a fact
_ARGUES = re.compile(
    r"(?i)\b(?:can|could|should|must|may|might|will|would|need|needs|more|less|better|worse|"
    r"best|worst|always|never|every|all|nobody|no one|everyone|anyone|rarely|often|usually|most|"
    r"many|few|important|hard|harder|easy|easier|key|matters?|helps?|works?|enough|too|only|"
    r"real|true|not|no|n't|than|because|so that|means?|makes?|keeps?|builds?|decides?|"
    r"lets?|turns?|gives?|brings?|feels?|seems?|mostly|plenty|rather|really|just|even|still|"
    r"almost|nearly|quite|very|so|such|lots?|\w+est)\b"
)
# A private fact the writer tells about themselves (a diagnosis, a debt, an arrest, their visa,
# coming out): quoted only with a gentle question that asks nobody to match it.
_PRIVATE = re.compile(
    r"(?i)\b(?:diagnos\w*|medication|antidepressant\w*|psychiatr\w*|therap(?:y|ist)|rehab|"
    r"relaps\w*|sober\w*|addict\w*|overdos\w*|arrest\w*|prison|jail|convict\w*|criminal record|"
    r"visa|undocumented|asylum|deport\w*|salary|debts?|bankrupt\w*|evict\w*|homeless\w*|hiv|"
    r"surgery|miscarriage|divorc\w*|abus\w*|assault\w*|self-harm\w*|suicid\w*|came out|"
    r"coming out|transition\w*|disorder|depress\w*|panic attacks?|bipolar|ptsd|adhd|autis\w*)\b"
)
_ADVICE = re.compile(
    r"(?i)\b(?:you should|you need to|you have to|it helps to|"
    r"make sure|remember to|it's worth|is worth|the best way to|start by|start with|"
    r"we should|people should|no one should|never be afraid)\b"
)
_FIRST_PERSON = re.compile(r"(?i)\b(?:i|we|my|our|me|us|i'm|i’m|i've|i’ve|i'd|i’d)\b")
_PAST = re.compile(
    r"(?i)\b(?:was|were|had|did|went|came|felt|found|told|said|met|left|began|knew|thought|"
    r"became|took|got|made|saw|stopped|started|learned|learnt|joined|moved|hid|kept|lost|spent|"
    r"sat|stood|wrote|ran|gave|heard|held|paid|sent|slept|woke|fell|forgot|grew|sold|won|wore|"
    r"ate|drank|drove|flew|fought|caught|bought|brought|built|chose|led|meant|rode|sang|sank|"
    r"spoke|swam|taught|threw|understood|(?<![-\w])\w{3,}ed)\b"
)
_FEELING = re.compile(
    r"(?i)\b(?:i|we)\s+(?:felt|feel|was|were|am|'m|’m|got|grew)\s+(?:so\s+|very\s+|really\s+)?"
    r"(?:afraid|scared|lonely|alone|ashamed|proud|grateful|relieved|anxious|hopeful|joyful|"
    r"angry|hurt|homesick|embarrassed|nervous|overwhelmed|guilty|invisible|exhausted|lost|"
    r"welcome|safe|seen|heard|like)\b|\b(?:i|we)\s+(?:felt|feel)\b"
)
# A line that sets the scene with the group's own figures or occasions: something to read, not
# to discuss ("On a busy night we sell forty pies.", "The fair is our biggest night.")
_SCENE = re.compile(
    r"(?i)\b(?:on a (?:busy|quiet|good|bad|typical|normal|slow) (?:night|day|evening|week)|"
    r"\d+ (?:pies|tickets|cakes|people|guests|plates|meals|cups|pounds|dollars|euros)|"
    r"(?:twenty|thirty|forty|fifty|sixty|hundred|dozen) (?:\w+ )?(?:pies|tickets|cakes|plates|"
    r"meals|cups|pounds|dollars|euros)|(?:is|are|was|were) (?:our|the) (?:biggest|busiest|"
    r"best-attended|main|first|last) (?:night|day|event|evening|week|fundraiser)|"
    r"pays? for the (?:\w+ )?(?:bill|rent|hall|room|heating)|"
    # the group's own record: "we were five", "there were six of us", "we had thirty helpers"
    r"(?:we|there) (?:were|was|are) (?:only |just )?(?:\d+|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|a dozen)(?: of us)?|"
    r"(?:we|the \w+) (?:had|have|has) (?:\d+|twenty|thirty|forty|fifty|sixty|a hundred|"
    r"a dozen) \w+)\b"
)
# A group's house rule: "Anyone who helps set up gets a free drink.", "Each table mixes…"
_HOUSE_RULE = re.compile(
    r"(?i)^(?:anyone|everyone|everybody|whoever|each|every)\b(?: new)?(?: (?:who|that)\b[^,.]{0,40}"
    r"| (?:member|newcomer|table|meeting|evening|session|rehearsal|visitor|guest|volunteer|"
    r"singer|host|player|reader|cook|walker|team|group|circle|night|week|month|term|season)s?\b)"
    r"[^.]{0,30}?\b(?:gets?|receives?|brings?|pays?|mixes|mix|starts?|ends?|opens?|closes?|"
    r"takes?|has|have|chooses|picks|signs?|joins?|sits?|meets?)\b"
)
# Someone in a role doing what the role does: "A trained host watches the clock.", "Helpers mute…"
_ROLE_DOES = re.compile(
    r"(?i)^(?:(?:a|the|our|every|each)\s+)?(?:\w+\s+)?(?:host|hosts|helper|helpers|volunteer|"
    r"volunteers|steward|stewards|chair|organisers?|organizers?|mentor|mentors|buddy|buddies|"
    r"facilitators?|cooks?|drivers?|coordinators?|greeters?|leaders?|members|regulars|newcomers)"
    r"\s+(?:\w+ly\s+)?(?:\w+s|mute|take|keep|bring|check|greet|sit|wear|meet|pair|read|write|"
    r"send|cook|drive|open|close|lock|clean|set|ring|call|walk|swap|share)\b(?<!\bis)(?<!\bwas)"
    r"(?<!\bhas)(?<!\bneeds)(?<!\bseems)"
)
# Counts and figures: a group's record, when nothing is argued around them
_FIGURES = re.compile(
    r"(?i)\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|dozen)"
    r"(?: \w+)? (?:of us|of them|people|\w+s)\b|\b(?:by half|twice as|doubled|tripled|halved)\b|"
    r"\b(?:we|there) (?:were|was|are) (?:only |just )?(?:\d+|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty)\b"
)
_USED_TO = re.compile(r"(?i)\bused to\b")
_NUMBER = (
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|a hundred|hundreds|a thousand|a dozen)"
)
# The group's own numbers: "we have ninety members", "had nine of us", "in the last six months"
_RECORD = re.compile(
    r"(?i)\b(?:have|has|had|were|was|are|reached|counted|numbered|grew to)\s+"
    r"(?:now\s+|only\s+|just\s+|about\s+|around\s+|over\s+|nearly\s+|almost\s+)?"
    + _NUMBER
    + r"\b|\b(?:in|for|over) the (?:last|past) "
    + _NUMBER
    + r" \w+|\b(?:by half|halved|doubled|tripled)\b"
)
# What makes a line argue rather than report: a modal, a comparison, a judgement, a reason
_WEIGHS = re.compile(
    r"(?i)\b(?:can|could|should|must|may|might|will|would|need|needs|more|less|better|worse|"
    r"best|worst|than|important|hard|harder|easy|easier|key|matters?|helps?|works?|enough|too|"
    r"because|so that|means?|makes?|keeps?|builds?|lets?|turns?|gives?|brings?|feels?|seems?|"
    r"rather|real|true|not|no(?!-)|n't|never|nobody|no one|always|only|plenty|mostly|many|"
    r"often|usually|rarely|seldom|tend|tends|least|"
    r"(?!(?:modest|honest|interest|request|forest|guest|suggest|protest|harvest|contest)\b)\w+est|"
    r"\w+er than)\b"
)
_NEGATION = re.compile(r"(?i)\b(?:not|no(?!-)|n't|never|nobody|no one)\b")
_AFTER_A_VERB = frozenset(
    """the a an your yourself them people someone it up out before for with what who that each
    every on in at to into about""".split()  # noqa: SIM905 - a word list reads better as text
)
_NOT_IMPERATIVE = frozenset(
    ["being", "to", "sometimes", "often", "every", "each", "most", "people", "everyone", "nobody"]
)


@lru_cache(maxsize=16384)
def quote_kind(sentence: str) -> str:
    """ "advice", "experience", "feeling" or "claim" for a sentence to be quoted."""
    words = re.findall(r"[A-Za-z’']+", sentence)
    if not words:
        return "claim"
    first = words[0].lower()
    personal = _FIRST_PERSON.search(sentence) is not None
    if personal and _PRIVATE.search(sentence):
        return "private"
    if _DIFFICULTY.search(sentence) or _SITUATION.search(sentence):
        return "difficulty"
    if _imperative(first, words) or _ADVICE.search(sentence):
        return "advice"
    if _RECORD.search(sentence) and not _WEIGHS.search(_NEGATION.sub(" ", sentence)):
        return "fact"  # "Today we have ninety members…": the group's own numbers, only context
    if _PRACTICE.match(sentence) or _OTHERS_DO.match(sentence) or _habit(words):
        return "practice"
    if _HOUSE_RULE.match(sentence) or _ROLE_DOES.match(sentence):  # "A host watches the clock"
        return "practice"
    if _FEELING.search(sentence):
        return "feeling"
    if _SCENE.search(sentence):
        return "fact"  # "On a busy night we might sell forty tickets.": scene-setting
    reported = (_FIGURES.search(sentence) and len(words) <= 14) or _USED_TO.search(sentence)
    if reported and not _WEIGHS.search(_NEGATION.sub(" ", sentence)):
        return "fact"  # "Our first march had nine of us.": the group's record, nothing argued
    lived = personal and (_PAST.search(sentence) or _FEELING.search(sentence))
    if len(words) <= 12 and not _WEIGHS.search(sentence) and not lived:
        return "fact"  # "Every phrasebook opens with the weather.": a scene, not a point
    if personal and _PAST.search(sentence):
        return "experience"
    return "claim" if _ARGUES.search(sentence) else "fact"


def tells_a_situation(sentence: str) -> bool:
    """Whether the line tells of someone's outness, family, home at risk or money worries: shown
    under any question, it needs the care note."""
    return _SITUATION.search(sentence) is not None


# Verbs after "we" that say what a group thinks or is, not what it does
_NOT_DOING = frozenset(
    """be am are need want think feel know hope believe wish like love hate mean seem find
    guess suppose remember forget see understand agree disagree worry care owe can could
    should would will may might must shall do don't""".split()  # noqa: SIM905 - a word list
)


_WHEN = frozenset(["once", "twice", "every", "each", "on", "now", "today", "nowadays"])


def _habit(words: list[str]) -> bool:
    """ "We end each circle with a round of good news.": the group, then a verb's present
    form, said as what it does."""
    lowered = [w.lower() for w in words[:8]]
    if lowered[:1] and lowered[0] in _WHEN and "we" in lowered[1:5]:  # "Once a month we borrow…"
        lowered = lowered[lowered.index("we") :]
    lowered = lowered[:5]
    if len(lowered) < 3 or lowered[0] != "we" or {"out", "off"} & set(lowered[2:4]):
        return False  # "We set out to mend bikes." says what was meant
    verb = lowered[2] if lowered[1].endswith("ly") or lowered[1] in ("now", "also") else lowered[1]
    return verb not in _NOT_DOING and is_base_verb(verb) and "VERB" in word_classes(verb)


def _imperative(first: str, words: list[str]) -> bool:
    """The sentence opens on a bare verb: "Ask before you help.", "Offer a hand, then wait."."""
    if first in ("let's", "don't", "never", "always"):
        return True
    if first in _NOT_IMPERATIVE:
        return False
    if first in IMPERATIVES:  # "Keep minutes and share them."
        return True
    classes = word_classes(first)
    if "VERB" not in classes or not is_base_verb(first):  # "Chosen family…", "Given time…"
        return False
    if "NOUN" in classes or "ADJ" in classes:
        # "Trust grows slowly" (a noun) vs "Trust the process" (a verb): what comes next decides
        nxt = words[1].lower() if len(words) > 1 else ""
        return nxt in _AFTER_A_VERB
    return True
