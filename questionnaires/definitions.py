"""The built-in instruments, as data.

An instrument is a list of groups (one group is one page for the patient); a group is a
list of items. An item is either a choice (radio buttons; `options` are (value, label)
pairs, `scored` items add their value to the total) or free text. Items marked
`required` must be answered before a response can be submitted; free-text items may
offer "I'd rather not say".

Changing anything here makes a new stored version of the instrument the next time it
is used (questionnaires.services.current_instrument); responses keep the version they
answered.
"""

INTAKE = "intake"
PHQ9 = "phq9"
GAD7 = "gad7"

PREFER_NOT = "prefer_not"

FREQUENCY = [
    [0, "Not at all"],
    [1, "Several days"],
    [2, "More than half the days"],
    [3, "Nearly every day"],
]

PFIZER_SOURCE = (
    "Developed by Drs Robert L. Spitzer, Janet B. W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc. No permission is required "
    "to reproduce, translate, display or distribute."
)


def _frequency_item(item_id, text):
    return {
        "id": item_id,
        "kind": "choice",
        "text": text,
        "options": FREQUENCY,
        "required": True,
        "scored": True,
    }


def _text_item(item_id, text, hint=""):
    return {
        "id": item_id,
        "kind": "text",
        "text": text,
        "hint": hint,
        "required": False,
        "prefer_not": True,
    }


DEFINITIONS = {
    INTAKE: {
        "title": "About you and your relationships",
        "short_title": "About you",
        "intro": (
            "These questions help your therapist understand what has brought you "
            "here and the people who matter in your life. You only need to share "
            "what you are comfortable with. Every question is optional, and you can "
            "talk about anything you leave out in your sessions."
        ),
        "source": "Written for this portal.",
        "scored": False,
        "groups": [
            {
                "title": "What brings you here",
                "items": [
                    _text_item(
                        "reason",
                        "What has led you to ask for help now?",
                        "A few words are enough.",
                    ),
                    _text_item(
                        "difficult_now",
                        "What feels most difficult for you at the moment?",
                    ),
                ],
            },
            {
                "title": "The people in your life",
                "items": [
                    _text_item(
                        "important_people",
                        "Who are the people who matter most to you?",
                        "For example family, a partner, friends or people at work. "
                        "You do not need to give names.",
                    ),
                    _text_item(
                        "what_happens",
                        "What tends to happen between you and these people? "
                        "What goes well, and what is hard?",
                    ),
                    _text_item(
                        "effect_on_others",
                        "How do your difficulties affect the people close to you?",
                    ),
                ],
            },
            {
                "title": "Support and earlier help",
                "items": [
                    _text_item(
                        "support",
                        "Who or what helps you when things are hard?",
                    ),
                    _text_item(
                        "earlier_help",
                        "Have you had help before, such as counselling, therapy or "
                        "medication? How was it for you?",
                    ),
                ],
            },
            {
                "title": "What you hope for",
                "items": [
                    _text_item(
                        "hopes",
                        "What would you like to be different by the end of your "
                        "sessions?",
                    ),
                ],
            },
        ],
    },
    PHQ9: {
        "title": "PHQ-9",
        "short_title": "PHQ-9",
        "intro": (
            "Over the last 2 weeks, how often have you been bothered by any of the "
            "following problems?"
        ),
        "source": "Patient Health Questionnaire (PHQ-9). " + PFIZER_SOURCE,
        "scored": True,
        "max_total": 27,
        "caseness": 10,
        "risk_item": "q9",
        "bands": [
            [0, 4, "Minimal"],
            [5, 9, "Mild"],
            [10, 14, "Moderate"],
            [15, 19, "Moderately severe"],
            [20, 27, "Severe"],
        ],
        "groups": [
            {
                "title": "Your mood over the last 2 weeks",
                "items": [
                    _frequency_item(
                        "q1", "Little interest or pleasure in doing things"
                    ),
                    _frequency_item("q2", "Feeling down, depressed, or hopeless"),
                    _frequency_item(
                        "q3", "Trouble falling or staying asleep, or sleeping too much"
                    ),
                    _frequency_item("q4", "Feeling tired or having little energy"),
                    _frequency_item("q5", "Poor appetite or overeating"),
                    _frequency_item(
                        "q6",
                        "Feeling bad about yourself — or that you are a failure or "
                        "have let yourself or your family down",
                    ),
                    _frequency_item(
                        "q7",
                        "Trouble concentrating on things, such as reading the "
                        "newspaper or watching television",
                    ),
                    _frequency_item(
                        "q8",
                        "Moving or speaking so slowly that other people could have "
                        "noticed? Or the opposite — being so fidgety or restless that "
                        "you have been moving around a lot more than usual",
                    ),
                    _frequency_item(
                        "q9",
                        "Thoughts that you would be better off dead or of hurting "
                        "yourself in some way",
                    ),
                ],
            },
            {
                "title": "How these problems affect you",
                "items": [
                    {
                        "id": "difficulty",
                        "kind": "choice",
                        "text": (
                            "If you checked off any problems, how difficult have "
                            "these problems made it for you to do your work, take "
                            "care of things at home, or get along with other people?"
                        ),
                        "options": [
                            [0, "Not difficult at all"],
                            [1, "Somewhat difficult"],
                            [2, "Very difficult"],
                            [3, "Extremely difficult"],
                        ],
                        "required": False,
                        "scored": False,
                    }
                ],
            },
        ],
    },
    GAD7: {
        "title": "GAD-7",
        "short_title": "GAD-7",
        "intro": (
            "Over the last 2 weeks, how often have you been bothered by the "
            "following problems?"
        ),
        "source": "Generalized Anxiety Disorder Assessment (GAD-7). " + PFIZER_SOURCE,
        "scored": True,
        "max_total": 21,
        "caseness": 8,
        "bands": [
            [0, 4, "Minimal"],
            [5, 9, "Mild"],
            [10, 14, "Moderate"],
            [15, 21, "Severe"],
        ],
        "groups": [
            {
                "title": "Worry and anxiety over the last 2 weeks",
                "items": [
                    _frequency_item("q1", "Feeling nervous, anxious or on edge"),
                    _frequency_item("q2", "Not being able to stop or control worrying"),
                    _frequency_item("q3", "Worrying too much about different things"),
                    _frequency_item("q4", "Trouble relaxing"),
                    _frequency_item(
                        "q5", "Being so restless that it is hard to sit still"
                    ),
                    _frequency_item("q6", "Becoming easily annoyed or irritable"),
                    _frequency_item(
                        "q7", "Feeling afraid as if something awful might happen"
                    ),
                ],
            },
        ],
    },
}

MEASURES = (PHQ9, GAD7)
