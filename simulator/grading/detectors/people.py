"""Customers (a named segment, its pain, how it was learned) and stakeholders (who, and how aligned)."""

import re
from dataclasses import dataclass

from simulator.grading.detectors.literals import guarded
from simulator.grading.detectors.text import Span, sentences, words_re

_SEGMENT_NOUN = (
    r"customers?|users?|sellers?|merchants?|buyers?|shoppers?|drivers?|couriers?|riders?|"
    r"owners?|developers?|advertisers?|brands?|parents?|students?|workers?|mothers?|moms?|"
    r"families|households?|travell?ers?|readers?|viewers?|subscribers?|members?|patients?|"
    r"farmers?|retailers?|suppliers?|vendors?|operators?|agents?|admins?|engineers?|"
    r"SMBs?|SMEs?|enterprises?|accounts?|consumers?|creators?|streamers?|hosts?|graduates?|"
    r"elderly|seniors|commuters|employees|teams|teenagers|teens|kids|children|grandparents|retirees|"
    r"pensioners|mums|nurses|teachers|店主|商家|用户|买家|卖家"
)
_QUALIFIER = (
    r"first[- ]time|new|returning|repeat|rural|urban|tier[- ]?\d|lower[- ]tier|small|mid[- ]size|"
    r"large|enterprise|SMB|cross[- ]border|overseas|international|young|older|elderly|busy|"
    r"office|working|night[- ]shift|power|casual|heavy|light|mobile|high[- ]value|low[- ]income|"
    r"price[- ]sensitive|budget|premium|Gen ?Z|millennial|college|student|B2B|self[- ]serve|"
    r"long[- ]tail|independent|long-time|loyal|lapsed|churned|dormant|active|grocery|fashion|"
    r"electronics|beauty|apparel|furniture|fresh|Prime|Tmall|Taobao|Alipay|Lazada|AWS|Freshippo|"
    r"Cainiao|Kindle|Indonesian|Thai|Vietnamese|Filipino|Malaysian|Singapore|Chinese|Indian|US|EU|"
    r"Southeast Asian|SEA|UK|Hangzhou|Shanghai|Beijing|Jakarta|Manila|third[- ]party|3P|1P|"
    r"live[- ]?stream(?:ing)?|delivery|female|male|senior|junior|part[- ]time|full[- ]time|"
    r"solo|individual|corporate|government|healthcare|restaurant|local|regional|offline|online|"
    r"(?<![\d-])\d++[- ]?(?:to|-)[- ]?\d++|aged? \d+|expecting|pregnant|retired|widowed|single|"
    r"Android|iPhone|low-end|feature-phone|budget-phone|shared-phone|night-time|weekend|rainy-day"
)
SEGMENT = words_re(
    rf"(?:{_QUALIFIER})(?:[\s-]++[\w-]++){{0,2}}?[\s-]++(?:{_SEGMENT_NOUN})",
    rf"(?<![\w-])[a-z]+-[a-z]+(?:[\s-]++[\w-]++)?\s+(?:{_SEGMENT_NOUN})",
    rf"(?:{_SEGMENT_NOUN})\s+(?:who|in|on|from|with|that|selling|buying|running|under|over|using|across|aged)\b",
    rf"(?:{_SEGMENT_NOUN})\s+(?:of|with) (?:kids|children|toddlers|babies|a baby|a toddler)\b",
    rf"(?:{_SEGMENT_NOUN})\s+in (?:tier|lower-tier|third-tier|fourth-tier|county|rural|small)"
    r"[\w -]{0,12}(?:cities|towns|areas)",
    rf"(?-i:(?!(?:The|Our|My|These|Those|Many|Most|Some|All|Their|Your|Other|Such|Any|Every|Each|Few|More|"
    rf"So|And|But|Then|If|When|Because|Of|For|To|In|On|At|We|They|I)\b)[A-Z][A-Za-z]+)\s+(?:{_SEGMENT_NOUN})",
    r"淘宝 ?(?:store owners|sellers|店主)",
)
_SEGMENT_NEEDS = guarded(rf"(?<!\w)(?:(?:{_SEGMENT_NOUN})(?!\w)|淘宝)", re.IGNORECASE)
"""What every `SEGMENT` phrase contains, a kind of customer as a whole word (or 淘宝), found several times
faster than a qualifier tried at every word: a sentence without one cannot name a segment."""
PAIN = words_re(
    r"pain(?:s| points?)?",
    r"struggl\w*",
    r"frustrat\w*",
    r"complain\w*",
    r"couldn't",
    r"could not",
    r"can't",
    r"cannot",
    r"unable",
    r"had to",
    r"have to",
    r"forced to",
    r"churn\w*",
    r"abandon\w*",
    r"drop(?:ped)? off",
    r"gave up",
    r"give up",
    r"wait(?:ed|ing)?",
    r"confus\w*",
    r"afraid",
    r"worr\w*",
    r"hate[ds]?",
    r"annoy\w*",
    r"too slow",
    r"slow",
    r"manual(?:ly)?",
    r"late",
    r"lost",
    r"losing",
    r"expensive",
    r"hard to",
    r"difficult",
    r"didn't trust",
    r"don't trust",
    r"distrust",
    r"anxious",
    r"stuck",
    r"spent (?:\w+ )?(?:hours|days|minutes)",
    r"wasted?",
    r"missed",
    r"problem",
    r"need(?:ed|s)?",
    r"want(?:ed|s)? to",
    r"fear\w*",
    r"risk",
    r"cancel\w*",
    r"return\w*",
    r"refund\w*",
    r"tickets?",
)
RESEARCH = words_re(
    r"interview\w*",
    r"talked (?:to|with)",
    r"spoke (?:to|with)",
    r"spoken (?:to|with)",
    r"surveys?",
    r"surveyed",
    r"support tickets?",
    r"tickets",
    r"reviews",
    r"research\w*",
    r"shadow\w*",
    r"visited",
    r"site visits?",
    r"usability (?:test\w*|sessions?)",
    r"verbatims?",
    r"customer calls?",
    r"sat (?:with|in)",
    r"watched",
    r"session recordings?",
    r"focus groups?",
    r"field (?:visits?|trips?|study)",
    r"diary stud\w*",
    r"ethnograph\w*",
    r"(?:data|logs|funnel|analysis) (?:showed|shows|revealed|told)",
    r"we learned",
    r"I learned that",
    r"heard from",
    r"feedback",
    r"listened",
    r"call (?:center|centre) (?:logs|recordings)",
    r"went to",
    r"rode along",
    r"followed \d+",
    r"talking to",
    r"asked (?:them|customers|sellers|users)",
    r"transcripts?",
    r"contact[- ]cent(?:er|re)",
    r"call logs?",
    r"complaints? (?:data|log)",
    r"read (?:\w+ )?\d+",
    r"NPS comments?",
    r"app reviews?",
    r"store visits?",
)
PLANNED = words_re(
    r"(?:I|we)(?:'d| would| will|'ll| could| plan to| want to|'m going to| am going to| are going to)\s+"
    r"(?:\w+\s+){0,2}(?:run|do|interview|survey|talk|speak|ask|look|read|visit|shadow|check|start|pull|sit|watch)",
)
"""Research yet to be done ("I'd run a survey") is a plan, not evidence about customers."""
WORKING_BACKWARDS = words_re(
    r"working backwards?",
    r"work(?:ed)? backwards?",
    r"from the customer",
    r"customer need",
    r"customer problem",
    r"for the customer",
    r"customer(?:'s)? (?:experience|pain)",
)

_FUNCTIONS = (
    r"engineering",
    r"engineers?",
    r"dev(?:elopment)? team",
    r"tech lead",
    r"architects?",
    r"design(?:ers?)?",
    r"UX",
    r"legal",
    r"finance",
    r"sales",
    r"marketing",
    r"ops",
    r"operations",
    r"data science",
    r"data scientists?",
    r"analysts?",
    r"security",
    r"compliance",
    r"risk team",
    r"support",
    r"customer service",
    r"CS team",
    r"PR",
    r"comms",
    r"leadership",
    r"VP",
    r"director",
    r"GM",
    r"CEO",
    r"CFO",
    r"CTO",
    r"SVP",
    r"category (?:managers?|team)",
    r"merchant(?:s)? (?:team|ops)",
    r"logistics",
    r"warehouse",
    r"fulfil+ment",
    r"partners?",
    r"partner teams?",
    r"vendors?",
    r"procurement",
    r"SRE",
    r"QA",
    r"infra(?:structure)?",
    r"platform team",
    r"payments? team",
    r"regional teams?",
    r"country managers?",
    r"brand team",
    r"store managers?",
    r"(?:my |the )?manager",
    r"(?:my |the )?skip[- ]level",
    r"stakeholders?",
    r"(?-i:[A-Z][A-Za-z]+) team",
    r"(?!(?:the|our|my|a|this|that|whole|entire|same|core|small|new)\s)[a-z]+-[a-z]+ team",
    r"(?-i:[A-Z][A-Za-z]+) (?:checkout|search|ads|logistics|payments|risk|growth|merchant|seller|platform|infra|"
    r"fulfil+ment|pricing|trust and safety|T&S|customer service|CS)",
    r"hiring manager",
    r"program managers?",
    r"TPMs?",
    r"PMs?",
    r"product managers?",
    r"account managers?",
    r"BD",
    r"business development",
    r"HR",
    r"growth team",
    r"ads team",
    r"search team",
    r"recommendations? team",
    r"ML team",
    r"(?:the|our|their|his|her) (?!(?:whole|entire|same|core|small|new|own|other|wrong|right|first|second|last|next|"
    r"two|three|four|best|old|big|full|only|whole|product|project)\s)[a-z]+ (?:team|lead)s?",
    r"store (?:ops|kitchens?|staff|teams?)",
    r"kitchens",
)
FUNCTION = words_re(*_FUNCTIONS)
MECHANISM = words_re(
    # concrete ways people were brought along; "meetings", "syncs" and "alignment" alone are not
    r"(?:one|two|six|6|1|2)[- ]pager",
    r"PRD",
    r"PR/?FAQ",
    r"narrative",
    r"memo",
    r"doc(?:ument)?",
    r"proposal",
    r"(?:design|launch|business|weekly|monthly|operational|readiness|architecture|pricing|"
    r"exec(?:utive)?) review",
    r"WBR",
    r"MBR",
    r"QBR",
    r"go/no-go",
    r"workshop",
    r"war room",
    r"agreed (?:to|on|that|a|the)",
    r"(?:they|he|she|legal|finance|ops|engineering|sales) agreed",
    r"agreement",
    r"trade-?offs?",
    r"compromise",
    r"escalat\w+ (?:to|with)",
    r"disagree and commit",
    r"convinc\w*",
    r"persuad\w*",
    r"negotiat\w*",
    r"buy-?in",
    r"signed off",
    r"sign-?off",
    r"pilot",
    r"A/B",
    r"experiment",
    r"shared (?:the |our )?(?:data|numbers|results)",
    r"showed (?:them|him|her|the)",
    r"show (?:them|him|her) (?:the|our)",
    r"RACI",
    r"SLAs?",
    r"OKRs?",
    r"decision log",
    r"joint (?:goal|metric|plan|OKR)",
    r"shared (?:goal|metric|OKR)",
    r"brought (?:them|both|everyone) together",
    r"walked (?:them|him|her) through",
    r"demo(?:ed)?",
    r"won (?:them|him|her) over",
    r"got (?:them|him|her|legal|finance|engineering|ops|sales|the \w+ team) to",
    r"influenc(?:e|ed|ing)\b",
    r"without authority",
    r"earned? (?:their|trust)",
    r"(?:made|struck|cut) a deal",
    r"in exchange",
    r"in return",
    r"(?:I|we) offered",
    r"offered (?:them|him|her|to)",
    r"(?:I|we) gave (?:them|him|her|his|their)",
    r"(?:a|the) cap (?:on|of)",
    r"cap(?:ped)? (?:it |them |the \w+ |\w+ )?at",
    r"revers\w* (?:it|the \w+)? ?if",
    r"roll(?:ed)? (?:it )?back if",
    r"kill switch",
    r"(?:my|our) team (?:would|took on|covered|did|built|absorbed)",
    r"(?:lent|loaned) (?:them|him|her|two|one|an?)",
    r"co-?own\w*",
    r"wrote (?:a|the) (?:doc|proposal|plan|memo|narrative)",
    r"their (?:KPI|goal|metric|incentive)s?",
    r"what (?:they|he|she) (?:needed|wanted|cared about)",
    r"in the (?:first|next|weekly|launch|design) review",
    r"review(?:ed)? (?:it )?with",
    r"propos\w* (?:we|that|to|a|the)",
    r"(?:take|took|bring|brought) (?:the|our) [\w-]+ data",
)
CONFLICT = words_re(
    r"feared",
    r"worried",
    r"concerned",
    r"concerns?",
    r"pushback",
    r"resisted",
    r"disagree\w*",
    r"push(?:ed)? back",
    r"conflict\w*",
    r"objected",
    r"objection",
    r"resist\w*",
    r"refused",
    r"tension",
    r"clash\w*",
    r"argued",
    r"pushback",
    r"blocked",
    r"didn't want",
    r"did not want",
    r"opposed",
    r"skeptic\w*",
    r"sceptic\w*",
)


@dataclass(frozen=True)
class Customers:
    segments: list[Span]
    pains: list[Span]
    research: list[Span]
    backwards: list[Span]


@dataclass(frozen=True)
class Stakeholders:
    functions: set[str]
    aligned: list[Span]
    conflicts: list[Span]


ANY_CUSTOMER = words_re(_SEGMENT_NOUN)


def customers(text: str) -> Customers:
    """Named segments; pains of customers (any named kind of customer) in the same sentence; research."""
    segments, pains, research, backwards = [], [], [], []
    for sentence in sentences(text):
        s = sentence.text
        if _SEGMENT_NEEDS.search(s) and SEGMENT.search(s):
            segments.append(sentence)
        if ANY_CUSTOMER.search(s) and PAIN.search(s):
            pains.append(sentence)
        if RESEARCH.search(s) and not PLANNED.search(s.replace("’", "'")):
            research.append(sentence)
        if WORKING_BACKWARDS.search(s):
            backwards.append(sentence)
    return Customers(segments, pains, research, backwards)


def stakeholders(text: str) -> Stakeholders:
    """Named functions, and sentences where one (named here or just before) is aligned by a mechanism.

    A sentence listing four or more functions is an enumeration and names only one.
    """
    functions: set[str] = set()
    aligned, conflicts = [], []
    previous_named = False
    for sentence in sentences(text):
        s = sentence.text
        named = {m.group().lower().removeprefix("my ").removeprefix("the ") for m in FUNCTION.finditer(s)}
        functions |= named if len(named) < 4 else set(sorted(named)[:1])
        if (named or previous_named) and MECHANISM.search(s):
            aligned.append(sentence)
        if CONFLICT.search(s):
            conflicts.append(sentence)
        previous_named = bool(named)
    return Stakeholders(functions, aligned, conflicts)
