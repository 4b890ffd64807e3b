"""Questions written to probe the safety checks: risky ones in many wordings, and harmless ones
that share their words. Each risky entry is (question, context quote or None)."""

RISKY = [
    # health and diagnoses
    ("Have you ever been diagnosed with a mental illness, and how did you cope?", None),
    ("What medication are you currently taking for your low mood?", None),
    ("If you're comfortable, tell us about your HIV status and how it shapes dating.", None),
    ("Which conditions do you live with, and how do they affect your week?", None),
    (
        "“I live with bipolar disorder, PTSD and an eating disorder.” If you'd like to share,"
        " what does this bring up for you?",
        None,
    ),
    # immigration status
    ("Are you undocumented, or here on a visa at the moment?", None),
    ("What is your immigration status, and does it worry you?", None),
    ("Did you come to this country as a refugee?", None),
    # money
    ("Roughly how much do you earn in a month?", None),
    ("How much debt are you carrying right now?", None),
    ("Have you ever been evicted or fallen behind on rent?", None),
    # criminal records
    ("Have you ever been arrested, or spent time in prison?", None),
    ("Do you have a criminal record, and has it kept you out of jobs?", None),
    # sexuality and gender
    ("Are you gay, bi, or something else?", None),
    ("What is your sexual orientation, and who in the group knows it?", None),
    ("How do you identify these days?", None),
    ("Have you had top surgery yet?", None),
    # outness
    ("Does your family know you're queer?", None),
    ("Are you still in the closet at work?", None),
    # religion where at risk
    ("Are you Muslim, and do you practise in secret?", None),
    ("Which religion were you brought up in?", None),
    # location
    ("Which neighbourhood do you live in these days?", None),
    ("What's the nearest station to your home?", None),
    ("Whereabouts are you based, and what is your street name?", None),
    # private people
    ("Name the relative who gave you the hardest time about coming out.", None),
    ("Who in your family refused to accept you, and what's their name?", None),
    ("Which of your coworkers do you think is closeted?", None),
]

HARMLESS = [
    "Who in your life taught you to cook, and what dish reminds you of them?",
    "What helps you feel at home in a new city?",
    "How do you look after your health during a busy week?",
    "What would you say to a friend who has just been diagnosed with something serious?",
    "How can a community support members who are going through money worries?",
    "Have you ever raised money for a cause you care about?",
    "Have you ever volunteered at a hospital or a shelter?",
    "What's a festival from your religion or culture you'd love others to try?",
    "Where did you first hear about this group?",
    "What name would you give to your dream café?",
    "Which public figure's coming-out story stayed with you?",
    "How do you unwind after a long shift?",
    "What made you feel proud to be queer this year?",
    "Which city would you most like to visit, and why?",
]
