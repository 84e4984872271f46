"""Who acted: first-person decisions and accountability versus "we", "the team" and passive voice."""

import re
from dataclasses import dataclass

from simulator.grading.detectors.judgment import TRADEOFF
from simulator.grading.detectors.literals import Guarded, guarded
from simulator.grading.detectors.text import Span, sentences, words_re

_I = r"(?:I|I've|I'd|I'm|I'll|myself)"
_ACTION_VERBS = (
    r"decided|chose|choose|made the call|made a call|called|picked|proposed|pushed|pushed back|"
    r"insisted|convinced|persuaded|negotiated|wrote|drafted|built|designed|defined|set|owned|own|"
    r"led|lead|ran|drove|drive|launched|shipped|cut|killed|stopped|paused|escalated|hired|fired|"
    r"prioriti[sz]ed|deprioriti[sz]ed|scoped|rescoped|re-scoped|analy[sz]ed|dug|dove|investigated|"
    r"interviewed|talked|spoke|met|called|asked|reached out|visited|shadowed|sat|took|committed|"
    r"volunteered|stepped in|started|created|changed|moved|re-planned|replanned|reallocated|"
    r"traded|said no|rejected|vetoed|approved|agreed|disagreed|argued|presented|pitched|"
    r"organi[sz]ed|set up|brought|got|went|found|noticed|realized|realised|spotted|tested|ran|"
    r"measured|tracked|instrumented|modeled|modelled|sized|estimated|mapped|rewrote|simplified|"
    r"removed|automated|negotiated|secured|recruited|coached|mentored|delegated|aligned|"
    r"would|will|am going to|recommend|proposed|plan|prioriti[sz]e|start|pick|choose|cut|focus"
)
_DECISION_VERBS = (
    r"decided|chose|made the call|made a call|picked|killed|cut|stopped|paused|vetoed|disagreed|"
    r"asked for|pushed for|argued for|insisted on|held the line|"
    r"prioriti[sz]ed|deprioriti[sz]ed|insisted|pushed back|escalated|committed|said no|rejected|"
    r"overrode|reversed|bet|traded|rescoped|re-scoped|scoped|recommended|proposed|"
    r"took (?:the|a) (?:call|decision|risk|bet)|set the|drew the line|would (?:choose|pick|cut|"
    r"prioriti[sz]e|recommend|focus|start|bet)|choose|pick|recommend"
)
_NOT_ACTION = (
    r"think|thought|believe|believed|feel|felt|guess|suppose|know|knew|hope|hoped|mean|meant|am|"
    r"was|were|be|been|'m|like|liked|love|loved|wish|wished|want|wanted|enjoy|enjoyed|remember|"
    r"would say|can|could|may|might|must|should|need|needed|have|had|has|do|did|don't|didn't|"
    r"never|not|also|really|just|personally|always|usually|often|hear|heard|see|saw|notice|noticed|"
    r"a|an|the|to|some|no|nothing|this|that|it|my|our|tried|try|guess|am|was|got|get|kind|sort|"
    r"probably|maybe|mostly|felt|been|said|say|told|would"
)
_ADVERB = (
    r"(?:(?:then|also|personally|first|immediately|quickly|just|finally|eventually|actually|"
    r"still|ultimately|directly|myself|alone|again|together|later|soon|next)\s+)?"
)
I_ACTION = guarded(
    rf"\b{_I}\s+{_ADVERB}(?:(?:have|had|would|will|'d|'ll|can|could)\s+)?(?!(?:{_NOT_ACTION})\b)"
    rf"(?:[a-z]+(?:ed|ing)?|{_ACTION_VERBS})\b|\bI (?:have|had) (?:\w+ )?(?:\w+ed|led|built|run|"
    rf"written|made|taken|chosen|driven)\b",
    re.IGNORECASE,
)
I_DECISION = guarded(
    rf"\b{_I}\s+{_ADVERB}(?:(?:had to|have to|need(?:ed)? to|would|will|'d|'ll|then|to)\s+)?"
    rf"(?:{_DECISION_VERBS}|decide|decides|make the call|kill|stop|pause|veto|prioriti[sz]e|"
    rf"deprioriti[sz]e|insist|push back|escalate|commit|reject|propose|went with|go with|"
    rf"opted|opt|settled on|drop(?:ped)?|delay(?:ed)?|postpone[d]?|shut down|turned down|"
    rf"turn down|held|hold)\b"
    rf"|\bmy (?:call|decision|bet|recommendation|proposal|choice)\b|\bthe call was mine\b"
    rf"|\bI (?:made|took) (?:the|a|that|this) (?:call|decision|bet|risk)\b",
    re.IGNORECASE,
)
WE_ACTION = words_re(
    r"we",
    r"our team",
    r"the team",
    r"my team",
    r"the org",
    r"the company",
    r"everyone",
    r"they",
    r"management",
    r"leadership decided",
)
PASSIVE = guarded(
    r"\b(?:was|were|got|been|being)\s+(?:\w+ly\s+)?(?:decided|launched|built|made|done|shipped|"
    r"agreed|chosen|prioriti[sz]ed|implemented|delivered|handled|fixed|resolved|completed|"
    r"created|rolled out|approved|set|planned|changed|driven|led)\b",
    re.IGNORECASE,
)
ACCOUNTABILITY = words_re(
    r"my (?:mistake|fault|miss|error|responsibility)",
    r"I (?:was|am) accountable",
    r"I took (?:full )?(?:responsibility|ownership)",
    r"I owned (?:the|it|that|this)",
    r"I should have",
    r"I shouldn't have",
    r"I (?:missed|underestimated|overestimated|misjudged|got it wrong)",
    r"I learned",
    r"I learnt",
    r"lesson (?:I|for me)",
    r"(?:next time|in hindsight|looking back),? I",
    r"I(?:'d| would) do (?:it )?differently",
    r"I (?:now|since) (?:always|make sure|do)",
    r"on me",
    r"I apologi[sz]ed",
    r"I wrote the (?:COE|post-?mortem|correction of error)",
    r"I changed how",
    r"I owned the (?:miss|outcome|result|number|metric|goal)",
)


DEFLECTION = words_re(
    r"(?:nobody|no one|no-one) (?:could|was|made|owned|told|decided|wanted|listened)",
    r"(?:out of|outside|beyond) (?:my|our) control",
    r"(?:wasn't|was not|isn't|is not|not) my (?:call|fault|decision|job|area|team)",
    r"I was (?:told|asked|forced|made) to",
    r"(?:they|management|leadership|my manager) (?:decided|made me|forced|"
    r"didn't (?:give|let|listen))",
    r"because (?:the|our) (?:\w+ )?(?:team|lead|manager|leadership|engineers?) "
    r"(?:left|didn't|did not|wouldn't|changed|was|were)",
    r"(?:requirements|priorities|scope) kept changing",
    r"(?:it|things|the project) (?:got|was|were) (?:delayed|messy|cancelled|canceled)",
    r"bad luck",
    r"unlucky",
    r"not much I could",
    r"nothing I could",
    r"blame[ds]?",
    r"their fault",
    r"the other team",
)


@dataclass(frozen=True)
class Voice:
    i_actions: list[Span]
    i_plans: list[Span]
    i_decisions: list[Span]
    we_sentences: list[Span]
    passive: list[Span]
    accountability: list[Span]
    deflection: list[Span]

    @property
    def we_share(self) -> float:
        """Share of agentive sentences told with we/the team/passive rather than I."""
        mine = len(self.i_actions) + len(self.i_plans)
        total = mine + len(self.we_sentences) + len(self.passive)
        return 0.0 if total == 0 else (len(self.we_sentences) + len(self.passive)) / total


_HYPOTHETICAL = guarded(r"\b(?:would|will|'d|'ll|can|could|might|going to|plan to|want to|need to)\b", re.IGNORECASE)


def _only_hypothetical(pattern: Guarded, text: str) -> bool:
    matches = [m.group() for m in pattern.finditer(text)]
    return bool(matches) and all(_HYPOTHETICAL.search(m) for m in matches)


def voice(text: str) -> Voice:
    """Per sentence: done in the first person, planned in the first person ("I would"), or done by others.

    A plan counts as a decision only when it says what it is chosen over or why.
    """
    i_actions, i_plans, i_decisions, we, passive, accountable, deflected = [], [], [], [], [], [], []
    for sentence in sentences(text):
        s = sentence.text
        is_i = I_ACTION.search(s) is not None
        if is_i and _only_hypothetical(I_ACTION, s):
            i_plans.append(sentence)
        elif is_i:
            i_actions.append(sentence)
        if I_DECISION.search(s) and (not _only_hypothetical(I_DECISION, s) or TRADEOFF.search(s)):
            i_decisions.append(sentence)
        if not is_i and WE_ACTION.search(s):
            we.append(sentence)
        elif not is_i and PASSIVE.search(s):
            passive.append(sentence)
        if ACCOUNTABILITY.search(s):
            accountable.append(sentence)
        if DEFLECTION.search(s):
            deflected.append(sentence)
    return Voice(i_actions, i_plans, i_decisions, we, passive, accountable, deflected)
