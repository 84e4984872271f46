"""Trade-offs and prioritisation, problem framing, simplification and analytical rigour."""

from simulator.grading.detectors.literals import Guarded
from simulator.grading.detectors.text import Span, sentences, words_re

TRADEOFF = words_re(
    r"(?:chose|choose|picked|pick|prioriti[sz]ed|prioriti[sz]e|went with|go with|favou?red)\b[^.;]{0,60}"
    r"\b(?:over|instead of|rather than|ahead of|before)",
    r"instead of",
    r"rather than",
    r"trade-?offs?",
    r"traded (?:off)?",
    r"at the (?:cost|expense) of",
    r"deprioriti[sz]\w*",
    r"cut (?:the )?scope",
    r"descop\w*",
    r"de-scop\w*",
    r"defer(?:red)?",
    r"push(?:ed)? (?:it |that )?to (?:v2|phase 2|next quarter|later)",
    r"said no",
    r"not now",
    r"out of scope",
    r"the downside",
    r"the risk (?:was|is)",
    r"gave up",
    r"give up",
    r"opportunity cost",
    r"MVP",
    r"phase (?:1|one)",
    r"v1",
    r"won't do",
    r"will not do",
    r"not (?:doing|building)",
    r"left out",
    r"parked",
    r"because it (?:would|was|is|will)",
    r"which meant (?:we|I) (?:lost|gave|delayed)",
    r"accept(?:ed)? (?:the|a|some) (?:risk|hit|delay)",
    r"(?:chose|choose|picked|pick|went with|go with|decided on|decided to|opted)\b[^.]{0,120}\bbecause",
    r"options? (?:were|are|was|is|would be)\b",
    r"(?:two|three|four|several|a few) options",
    r"option (?:one|two|three|1|2|3|A|B|C)\b",
    r"the trade\b",
    r"but only (?:for|if|when)",
    r"the (?:cost|price) (?:was|is|would be)",
    r"alternatives?",
    r"versus",
    r"vs\.?",
    r"(?:first|last|lowest|highest) priority",
    r"(?:P0|P1|P2)\b",
    r"must[- ]have",
    r"nice[- ]to[- ]have",
)
FRAMEWORK = words_re(
    r"RICE",
    r"ICE",
    r"cost of delay",
    r"MoSCoW",
    r"weighted (?:scoring|score)",
    r"Kano",
    r"impact (?:vs\.?|versus|and) effort",
    r"effort (?:vs\.?|versus) impact",
    r"2x2",
    r"reach,? impact",
    r"WSJF",
    r"value (?:vs\.?|versus) (?:cost|effort)",
)
PROBLEM_FRAMING = words_re(
    r"(?:the |real |core |underlying )*problem(?: is| was| here is|:)",
    r"defined the problem",
    r"(?:the |my |our )?goal(?: is| was| would be|:)",
    r"the user (?:is|are)",
    r"(?:who|which users)"
    r" (?:is|are) (?:this|it) for",
    r"(?:the )?objective",
    r"success (?:looks like|means|would be|is)",
    r"I(?:'d| would) (?:first )?"
    r"(?:clarify|ask|confirm|define|start by)",
    r"clarif\w*",
    r"scope",
    r"out of scope",
    r"target (?:user|customer|segment)",
    r"(?:primary|core) (?:user|persona|segment)",
    r"persona",
    r"user journey",
    r"jobs? to be done",
    r"JTBD",
    r"north[- ]star",
    r"constraints?",
    r"assum\w*",
    r"hypothes\w*",
    r"root cause",
    r"why (?:it|this) matters",
    r"pain points?",
    r"segment\w*",
    r"the question (?:is|was)",
    r"measurable",
    r"we(?:'d| would) know",
)
SIMPLIFY = words_re(
    r"simplif\w*",
    r"simpler",
    r"remov\w*",
    r"eliminat\w*",
    r"instead of building",
    r"reus\w*",
    r"one[- ]click",
    r"automat\w*",
    r"(?:new|different) (?:mechanism|model|approach)",
    r"rather than add\w*",
    r"fewer (?:steps|clicks|fields|screens)",
    r"from \d+ (?:steps|clicks|"
    r"fields|screens|forms) to \d+",
    r"got rid of",
    r"collapsed",
    r"consolidat\w*",
    r"no longer need",
    r"zero[- ]touch",
    r"self[- ]serve",
    r"default",
    r"invent\w*",
    r"first[- ]of[- ]its[- ]kind",
    r"nobody (?:else )?(?:had|has|does)",
    r"reimagin\w*",
    r"rethink\w*",
    r"rethought",
    r"frugal\w*",
    r"cheaper",
    r"without (?:building|adding|new headcount)",
    r"replac\w*",
    r"hides?",
    r"hidden",
    r"no (?:more |longer )?[\w-]+ (?:needed|required)",
    r"without (?:a|any|the)\b",
    r"(?:one|single) (?:number|step|tap|click|screen|template|place|price|flow|page|button|form)",
    r"just one",
    r"only one",
    r"(?:hard |spend )?cap\b",
    r"skips?",
    r"skipped",
    r"drops? the",
    r"cut (?:out|the)",
    r"no (?:forms?|paperwork|waybill|app|login|setup|budgets?|categories|bids?|keywords|photos?|review)",
    r"(?:removes?|removed|kills?|killed) (?:the|three|two|\d+)",
    r"turn(?:s|ed)? (?:\w+ )?into (?:a|one)",
)
RIGOR = words_re(
    r"defined as",
    r"numerator",
    r"denominator",
    r"by segment",
    r"cohorts?",
    r"split (?:it )?by",
    r"segment(?:ed)? by",
    r"new (?:vs\.?|versus) returning",
    r"by (?:platform|region|channel|device|"
    r"category|city|app version|cohort)",
    r"A/B",
    r"AB test",
    r"control",
    r"treatment",
    r"holdout",
    r"statistical(?:ly)? significan\w*",
    r"power",
    r"sample size",
    r"confidence interval",
    r"p-?value",
    r"MDE",
    r"minimum detectable",
    r"confound\w*",
    r"seasonal\w*",
    r"mix shift",
    r"instrumentation",
    r"logging",
    r"tracking (?:bug|issue|change)",
    r"guardrails?",
    r"counter-?metrics?",
    r"internal (?:vs\.?|or|versus) external",
    r"data quality",
    r"sanity[- ]check\w*",
    r"diff-in-diff",
    r"difference[- ]in[- ]differences?",
    r"regression",
    r"correlat\w*",
    r"causal\w*",
    r"novelty effect",
    r"leading indicator",
    r"lagging indicator",
    r"funnel",
    r"drill(?:ed)? down",
    r"decompos\w*",
    r"baseline",
    r"week[- ]over[- ]week",
    r"day[- ]of[- ]week",
    r"outliers?",
    r"bias",
)


def find(pattern: Guarded, text: str) -> list[Span]:
    """Sentences where `pattern` occurs."""
    return [s for s in sentences(text) if pattern.search(s.text)]


def tradeoffs(text: str) -> list[Span]:
    return find(TRADEOFF, text)


def frameworks(text: str) -> list[Span]:
    return find(FRAMEWORK, text)


def problem_framing(text: str) -> list[Span]:
    return find(PROBLEM_FRAMING, text)


def simplification(text: str) -> list[Span]:
    return find(SIMPLIFY, text)


def rigor(text: str) -> list[Span]:
    return find(RIGOR, text)
