"""What a behavioural question asks for, and whether the story told is of that kind.

"Tell me about a time you missed a commitment" asks for a miss: a launch that shipped early
answers a neighbouring question, however well told and however many of the question's words it
repeats. Each intent pairs what marks it in a question with the ways a story shows it; a story
that shows none of them for an intent the question asks about is off topic. The answer cues are
deliberately broad: a genuine story must never be flagged.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Intent:
    name: str
    asked: re.Pattern[str]
    shown: re.Pattern[str]


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})", re.IGNORECASE)


INTENTS = (
    Intent(
        "a miss or a failure",
        _words(r"fail|mistake|missed|miss a|went wrong|go wrong|got wrong|were wrong|regret|setback|fell short|"
               r"didn't go|did not go|not go (?:as|to) plan|biggest lesson|screwed up|dropped the ball"),
        _words(r"fail|mistake|miss|wrong|late\b|slip|fell short|short of|didn't (?:work|land|hit|deliver|make|go)|"
               r"did not (?:work|land|hit|deliver|make|go)|broke|my fault|apolog|regret|underestimat|overestimat|"
               r"lost\b|blew|flop|badly|miscalculat|post-?mortem|retro|should have|"
               r"shouldn't have|wasn't ready|not ready|overpromis|overcommit|behind|delay|backfired|cost us|"
               r"owned up|admit"),
    ),
    Intent(
        "a disagreement",
        _words(r"disagree|conflict|push(?:ed)? back|challenged|objection|didn't agree|did not agree|opposed|"
               r"tension|difficult (?:stakeholder|colleague|partner)|unpopular|against the (?:consensus|grain)|"
               r"went against|said no|convince|persuade|held your (?:position|ground)"),
        _words(r"disagree|objec|push(?:ed|ing)? back|pushback|argu|conflict|oppos|resist|refus|said no|say no|"
               r"hated|unhappy|concern|worr|challeng|insist|overrul|tension|escalat|against|debate|"
               r"sceptic|skeptic|didn't (?:agree|want|like|buy)|did not (?:agree|want|like|buy)|reluctan|"
               r"convinc|persuad|unpopular|not happy|annoyed|frustrat|wanted (?:to|it|us|the|a|me|him|her|them)|"
               r"didn't think|did not think|(?:wasn't|was not|not) ready|fought|warned"),
    ),
    Intent(
        "an escalation or a complaint",
        _words(r"escalat|complain|angry|upset|unhappy (?:customer|client|partner)|furious"),
        _words(r"escalat|complain|complaint|angry|upset|frustrat|unhappy|furious|wrote to|emailed|called|ticket|"
               r"contact|review|outage|incident|threaten|churn|cancel"),
    ),
    Intent(
        "a call without enough data",
        _words(r"without (?:enough |complete |all the |much |the |full |perfect )?(?:data|information|facts)|"
               r"incomplete (?:data|information)|ambigu|uncertain|judgment call|judgement call|gut\b"),
        _words(r"data|information|evidence|ambigu|uncertain|didn't know|did not know|unknown|no way to know|"
               r"assum|bet\b|guess|judg|risk|reversible|door|signal|hunch|estimat|couldn't (?:wait|measure)|"
               r"could not (?:wait|measure)|no time|deadline"),
    ),
    Intent(
        "acting on critical feedback",
        _words(r"(?:critical|negative|tough|hard|difficult|harsh) feedback|feedback (?:from|that)|gave you feedback|"
               r"criticis(?:ed|m)|critiqu"),
        _words(r"feedback|told me|said (?:I|my|that I)|pointed out|criticis|critiqu|called me|was right|"
               r"I changed|changed (?:how|the way) I|I stopped|I started|my manager|my boss|my director"),
    ),
    Intent(
        "developing people",
        _words(r"(?:you|your) (?:hired|hire|mentored|coached|developed|grew)|hiring (?:decision|bar|mistake)|"
               r"mentor|coach|underperform|develop(?:ed)? (?:someone|people|talent)|grow (?:someone|a team|your team)"),
        _words(r"hir|mentor|coach|feedback|promot|grew|develop|career|perform|1:1|one-on-one|interview|"
               r"onboard|train"),
    ),
)


@dataclass(frozen=True)
class IntentFit:
    asked: tuple[str, ...]
    missing: tuple[str, ...]
    """What the question asks about that the story never shows."""


def intent_fit(question: str, answer: str) -> IntentFit:
    asked = [i for i in INTENTS if i.asked.search(question)]
    missing = tuple(i.name for i in asked if not i.shown.search(answer))
    return IntentFit(tuple(i.name for i in asked), missing)
