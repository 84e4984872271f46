"""What a behavioural question asks for, and whether the story told is of that kind.

"Tell me about a time you missed a commitment" asks for a miss: a launch that shipped early
answers a neighbouring question, however well told and however many of the question's words it
repeats. Each intent pairs what marks it in a question with the ways a story shows it; a story
that shows none of them for an intent the question asks about is off topic. The answer cues are
deliberately broad, so that a genuine story is not flagged; the golden sheets check both ways.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Intent:
    name: str
    asked: re.Pattern[str]
    shown: re.Pattern[str]


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(phrases)})", re.IGNORECASE)


INTENTS = (
    Intent(
        "a miss or a failure",
        _words(
            r"fail", r"mistake", r"missed", r"miss a", r"went wrong", r"go wrong", r"got wrong", r"were wrong",
            r"regret", r"setback", r"fell short", r"didn't go", r"did not go", r"not go (?:as|to) plan",
            r"biggest lesson", r"screwed up", r"dropped the ball",
        ),
        _words(
            r"fail", r"mistake", r"missed", r"miss (?:a|the|our|my|it)",
            r"missing (?:the|our|my) (?:date|deadline|target|goal)",
            r"(?:wasn't|weren't|isn't|aren't) (?:converting|working|enough|ready|buying|using|selling|moving)",
            r"roll(?:ed)? (?:it )?back", r"revert", r"caught (?:it|the|my)",
            r"hurt", r"harm", r"damag", r"cost (?:us|them|the)", r"undid", r"undo\b",
            r"disappoint", r"below (?:plan|target|forecast|expectation)",
            r"(?:worse|slower|lower|later|less|fewer|smaller) than (?:planned|expected|forecast|promised)", r"stalled",
            r"went wrong", r"got (?:it |this |that )?wrong", r"(?:was|were|I was) wrong",
            r"wrong (?:call|bet|decision|assumption|metric)",
            r"(?:was|were|ran|launched|shipped|delivered|came in) (?:\w+ )?late", r"too late", r"slipp",
            r"fell short", r"short of", r"didn't (?:work|land|hit|deliver|make|go)",
            r"did not (?:work|land|hit|deliver|make|go)", r"broke (?:it|the|my|our)", r"my fault", r"apolog",
            r"regret", r"underestimat", r"overestimat", r"(?:we|I) lost", r"blew", r"flop", r"badly", r"miscalculat",
            r"post-?mortem", r"retro(?:spective)?\b", r"should have", r"shouldn't have", r"wasn't ready", r"not ready",
            r"overpromis", r"overcommit", r"fell behind", r"behind schedule", r"delay", r"backfired",
            r"owned up", r"admit",
        ),
    ),
    Intent(
        "a disagreement",
        _words(
            r"disagree", r"conflict", r"push(?:ed)? back", r"challenged", r"objection", r"didn't agree",
            r"did not agree", r"opposed", r"tension", r"difficult (?:stakeholder|colleague|partner)", r"unpopular",
            r"against the (?:consensus|grain)", r"went against", r"said no", r"convince", r"persuade",
            r"held your (?:position|ground)",
        ),
        _words(
            r"disagree", r"objec", r"push(?:ed|ing)? back", r"pushback", r"argu", r"conflict", r"oppos", r"resist",
            r"refus", r"said no", r"say no", r"hated", r"unhappy", r"concern", r"worr", r"challeng", r"insist",
            r"overrul", r"tension", r"escalat", r"against", r"debate", r"sceptic", r"skeptic",
            r"didn't (?:agree|want|like|buy)", r"did not (?:agree|want|like|buy)", r"reluctan", r"convinc",
            r"persuad", r"unpopular", r"not happy", r"annoyed", r"frustrat",
            r"wanted (?:to|it|us|the|a|me|him|her|them)", r"didn't think", r"did not think",
            r"(?:wasn't|was not|not) ready", r"fought", r"warned",
        ),
    ),
    Intent(
        "an escalation or a complaint",
        _words(
            r"escalat", r"complain", r"angry", r"upset", r"unhappy (?:customer|client|partner)", r"furious",
        ),
        _words(
            r"escalat", r"complain", r"angry", r"upset", r"frustrat", r"unhappy", r"furious",
            r"wrote to", r"emailed", r"called", r"ticket", r"contact", r"review", r"outage", r"incident",
            r"threaten", r"churn", r"cancel",
        ),
    ),
    Intent(
        "a call without enough data",
        _words(
            r"without (?:enough |complete |all the |much |the |full |perfect )?(?:data|information|facts)",
            r"incomplete (?:data|information)", r"ambigu", r"uncertain", r"judgment call", r"judgement call",
            r"gut\b",
        ),
        _words(
            r"data", r"information", r"evidence", r"ambigu", r"uncertain", r"didn't know", r"did not know",
            r"unknown", r"no way to know", r"assum", r"bet\b", r"guess", r"judg", r"risk", r"reversible", r"door",
            r"signal", r"hunch", r"estimat", r"couldn't (?:wait|measure)", r"could not (?:wait|measure)", r"no time",
            r"deadline",
        ),
    ),
    Intent(
        "acting on critical feedback",
        _words(
            r"(?:critical|negative|tough|hard|difficult|harsh) feedback", r"feedback (?:from|that)",
            r"gave you feedback", r"criticis(?:ed|m)", r"critiqu",
        ),
        _words(
            r"feedback", r"told me", r"said (?:I|my|that I)", r"pointed out", r"criticis", r"critiqu", r"called me",
            r"was right", r"I changed", r"changed (?:how|the way) I", r"I stopped", r"I started", r"my manager",
            r"my boss", r"my director",
        ),
    ),
    Intent(
        "developing people",
        _words(
            r"(?:you|your) (?:hired|hire|mentored|coached)",
            r"(?:you|your) (?:grew|developed) (?:someone|people|talent|a (?:report|junior|person|team member|new hire)|"
            r"an? (?:engineer|pm|manager|analyst))",
            r"hiring (?:decision|bar|mistake)", r"mentor", r"coach", r"underperform",
            r"develop(?:ed)? (?:someone|people|talent)", r"grow (?:someone|a team|your team)",
        ),
        _words(
            r"hir", r"mentor", r"coach", r"feedback", r"promot", r"grew", r"develop", r"career", r"perform", r"1:1",
            r"one-on-one", r"interview", r"onboard", r"train",
        ),
    ),
)


@dataclass(frozen=True)
class IntentFit:
    asked: tuple[str, ...]
    missing: tuple[str, ...]
    """What the question asks about that the story never shows."""


def intent_fit(question: str, answer: str) -> IntentFit:
    question, answer = question.replace("’", "'"), answer.replace("’", "'")
    asked = [i for i in INTENTS if i.asked.search(question)]
    missing = tuple(i.name for i in asked if not i.shown.search(answer))
    return IntentFit(tuple(i.name for i in asked), missing)
