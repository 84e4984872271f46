"""Round-specific structure: STAR, PRFAQ sections, positioning, market sizing, launch plans."""

import re
from dataclasses import dataclass

from simulator.grading.detectors.literals import Guarded, guarded
from simulator.grading.detectors.metrics import numbers_in
from simulator.grading.detectors.text import Span, sentences, words_re
from simulator.grading.detectors.voice import I_ACTION

STAR_PARTS: dict[str, Guarded] = {
    "situation": words_re(
        r"(?:at|in|on) (?:the )?(?:Amazon|Alibaba|Taobao|Tmall|Alipay|AWS|Lazada|Cainiao|Freshippo|"
        r"DingTalk|Alibaba Cloud|Ads|Kindle|Prime|my (?:last|previous) (?:job|company|role|team))",
        r"(?:in|back in) (?:19|20)\d\d",
        r"when I was",
        r"I was (?:a|the|an)",
        r"(?:our|my) team (?:was|owned|ran)",
        r"the situation",
        r"context",
        r"we were (?:about|trying|"
        r"facing|losing|behind)",
        r"(?:last|that) (?:year|quarter)",
        r"(?:a|one) (?:few )?(?:years?|"
        r"months?) ago",
        r"I joined",
        r"I had just",
        r"I owned",
        r"I was responsible",
    ),
    "task": words_re(
        r"my (?:goal|job|task|mandate|target|remit|role) was",
        r"I was asked",
        r"I (?:needed|had) to",
        r"the goal was",
        r"the task was",
        r"I was (?:responsible|tasked|on the hook)",
        r"target was",
        r"we (?:needed|had) to",
        r"the ask was",
        r"I was given",
        r"I signed up",
    ),
    "action": I_ACTION,
    "result": words_re(
        r"as a result",
        r"the result",
        r"in the end",
        r"the outcome",
        r"ended up",
        r"end result",
        r"we (?:hit|beat|missed|delivered|shipped|launched)",
        r"which (?:led|resulted)",
        r"result:",
        r"(?:went|moved|dropped|rose|grew|fell) (?:from|to|by)",
        r"outcome",
        r"impact",
        r"shipped",
        r"launched",
        r"delivered",
        r"saved",
        r"reduced",
        r"increased",
        r"after (?:the )?launch",
        r"(?:become|became|got) (?:smaller|bigger|faster|better|lower|higher)",
        r"(?:went|go|goes) (?:down|up)",
        r"result(?:s)?:",
    ),
    "learning": words_re(
        r"I learned",
        r"I learnt",
        r"lesson",
        r"next time",
        r"in hindsight",
        r"looking back",
        r"I(?:'d| would) do (?:it )?differently",
        r"since then",
        r"what I took away",
        r"takeaway",
        r"I now",
        r"changed how I",
        r"if I did it again",
    ),
}

PRFAQ_SECTIONS: dict[str, Guarded] = {
    "headline": words_re(
        r"headline",
        r"press release",
        r"(?:announces|launches|introduces|unveils)\b",
        r"^\s*[\"“]?"
        r"[A-Z][^.\n]{5,80}(?:launches|introduces|announces|lets|helps|brings)\b",
        r"title:",
        r"(?:today|Hangzhou|Seattle|Singapore|Beijing|Shanghai)[^.\n]{0,30}—",
        r"for immediate release",
    ),
    "problem": words_re(
        r"(?:the |customer )?problem",
        r"today,? (?:customers|sellers|users|shoppers|merchants|"
        r"developers|drivers|buyers)",
        r"pain",
        r"struggl\w*",
        r"frustrat\w*",
        r"currently",
    ),
    "solution": words_re(
        r"(?:the )?solution",
        r"introduc\w*",
        r"now (?:customers|sellers|users|shoppers|merchants|"
        r"developers|you) can",
        r"with (?:the new|this)",
        r"lets (?:customers|sellers|users|you)",
        r"works by",
        r"how it works",
    ),
    "quote": guarded(
        r"[\"“][^\"”]{12,}[\"”]\s*(?:[,—–-]\s*)?(?:said|says|—|–|-)|(?:said|says)\s+[A-Z][a-z]+|"
        r"customer quote|quote from|(?:leader|spokesperson|customer) (?:quote|says)|\bquote:",
        re.IGNORECASE,
    ),
    "faq": words_re(
        r"FAQ",
        r"frequently asked",
        r"Q:",
        r"Q\d",
        r"questions? (?:customers|stakeholders|"
        r"leadership|internal|external) (?:will|would|might) ask",
        r"internal (?:FAQ|questions?)",
        r"external (?:FAQ|questions?)",
        r"hardest question",
        r"the first question",
    ),
    "metrics": words_re(
        r"success metrics?",
        r"(?:we|I)(?:'ll| will| would) measure",
        r"measured by",
        r"north[- ]star",
        r"guardrails?",
        r"target(?:s|ing)?",
        r"KPIs?",
        r"success (?:looks like|means|is)",
        r"leading indicator",
        r"goal is",
        r"launch criteria",
    ),
}

POSITIONING_PARTS: dict[str, Guarded] = {
    "for": words_re(
        r"for (?:busy |small |first[- ]time |young |independent |[a-z-]+ ){0,3}"
        r"(?:\w+ )?(?:customers|users|sellers|merchants|brands|shoppers|buyers|owners|"
        r"developers|teams|companies|businesses|SMBs|SMEs|parents|students|families|"
        r"professionals|advertisers|retailers|enterprises|startups|workers|consumers)"
    ),
    "who": words_re(
        r"who (?:need|want|struggle|are|can't|cannot|don't|have|worry|care|spend|lack|lose|pay|buy|"
        r"sell|run|use|wait|miss|hate|ship|face|feel|get|juggle|rely|still)\w*"
    ),
    "is": words_re(
        r"(?:our|the) [\w\s-]{1,40}? (?:is|are) (?:the|a|an)\b",
        r"(?-i:[A-Z]\w++(?: [A-Z]\w++){0,4}+) (?:is|are) (?:the|a|an)\b",
        r"positioned as",
        r"positioning(?: statement)?",
    ),
    "unlike": words_re(
        r"unlike",
        r"compared (?:to|with)",
        r"versus",
        r"vs\.?",
        r"competitors?",
        r"alternatives?",
        r"differentiat\w*",
        r"other (?:platforms|providers|tools)",
    ),
    "because": words_re(
        r"because",
        r"since (?:we|it|our)",
        r"backed by",
        r"thanks to",
        r"reasons? to believe",
        r"proof points?",
        r"the only one that",
    ),
}

ARITHMETIC = re.compile(
    r"(?<![\d,.])\d[\d,.]*+\s?(?:%|k|m|M|B|bn|million|billion|万|亿)?\s*(?:[x×*/÷]|times|multiplied by|divided by)"
    r"\s*(?:[$¥€]|RMB\s?)?\d|=\s*(?:[$¥€]|RMB\s?|~)?\d|(?<![\d,.])\b\d[\d,.]*+\s?(?:%|percent)\s+of\s+(?:those|them|"
    r"these|that|the\s+\w+)|\bper\s+(?:year|month|user|order|household|seller|store|day|customer|head|capita)\b"
    r"|\b(?:times|multiplied by|divided by|that gives|which gives|gets you|gets us|so that's|that's about|"
    r"that's roughly|works out to|comes to|equals|is about|is roughly|is around)\b|\b(?:a|per) (?:month|year)\b",
    re.IGNORECASE,
)
SIZING_WORDS = words_re(
    r"assum\w*",
    r"TAM",
    r"SAM",
    r"SOM",
    r"top[- ]down",
    r"bottom[- ]up",
    r"penetration",
    r"addressable",
    r"market size",
    r"sizing",
    r"serviceable",
    r"of which",
    r"roughly",
    r"about",
    r"estimate\w*",
    r"let's say",
    r"say \d",
    r"ballpark",
    r"order of magnitude",
)
SIZING_CHECK = words_re(
    r"sanity[- ]check\w*",
    r"triangulat\w*",
    r"cross[- ]check\w*",
    r"top[- ]down",
    r"bottom[- ]up",
    r"compare (?:it )?(?:with|to|against)",
    r"which (?:matches|is close to|lines up)",
    r"reality check",
)
CHANNELS = words_re(
    r"paid (?:search|social|media|ads?)",
    r"search ads?",
    r"social(?: media)?",
    r"KOLs?",
    r"KOCs?",
    r"influencers?",
    r"live[- ]?stream(?:ing|s)?",
    r"Taobao Live",
    r"Douyin",
    r"TikTok",
    r"WeChat",
    r"Weibo",
    r"Xiaohongshu",
    r"RED",
    r"Bilibili",
    r"email",
    r"push(?: notifications?)?",
    r"in-app",
    r"SMS",
    r"owned (?:channels?|media)",
    r"earned (?:media)?",
    r"PR",
    r"press",
    r"events?",
    r"trade shows?",
    r"webinars?",
    r"partners?(?:hips?)?",
    r"affiliates?",
    r"sales team",
    r"field sales",
    r"direct sales",
    r"resellers?",
    r"homepage",
    r"banners?",
    r"coupons?",
    r"vouchers?",
    r"sampling",
    r"referral",
    r"word of mouth",
    r"community",
    r"content marketing",
    r"SEO",
    r"SEM",
    r"OOH",
    r"billboards?",
    r"TV",
    r"Facebook",
    r"Instagram",
    r"YouTube",
    r"LINE",
    r"Shopee",
    r"Google",
    r"Amazon Ads",
    r"sponsored (?:products|brands)",
    r"DSP",
    r"retargeting",
    r"newsletter",
)
BUDGET = words_re(
    r"budget",
    r"allocat\w*",
    r"spend",
    r"(?:[$¥€]|RMB\s?)\d[\d,.]*\s?(?:k|m|M|million|万)?",
    r"\d+\s?% (?:of (?:the )?budget|to|on|for)",
    r"split",
    r"CAC",
    r"ROI",
    r"ROAS",
    r"payback",
)
SEQUENCING = words_re(
    r"phase \w+",
    r"week \d+",
    r"month \d+",
    r"day \d+",
    r"pilot",
    r"beta",
    r"soft launch",
    r"wave",
    r"first,",
    r"then",
    r"after that",
    r"pre-?launch",
    r"post-?launch",
    r"launch day",
    r"teaser",
    r"warm-?up",
    r"countdown",
    r"rollout",
    r"roll out",
    r"ramp",
    r"test (?:market|city)",
    r"Double 11",
    r"双11",
    r"618",
    r"timeline",
)
LAUNCH_METRICS = words_re(
    r"CAC",
    r"ROI",
    r"ROAS",
    r"conversion",
    r"awareness",
    r"brand lift",
    r"consideration",
    r"trial",
    r"activation",
    r"sign-?ups?",
    r"adoption",
    r"GMV",
    r"share of voice",
    r"CTR",
    r"repeat",
    r"retention",
    r"NPS",
    r"penetration",
    r"launch (?:metrics?|goals?|targets?)",
    r"success metrics?",
    r"KPIs?",
)


@dataclass(frozen=True)
class Sizing:
    steps: list[Span]
    assumptions: list[Span]
    checks: list[Span]


@dataclass(frozen=True)
class Launch:
    channels: set[str]
    budget: list[Span]
    sequencing: list[Span]
    metrics: list[Span]


def parts_present(parts: dict[str, Guarded], text: str, per_sentence: int = 1) -> dict[str, Span]:
    """The first sentence showing each part, by part name.

    A sentence credits at most `per_sentence` parts, so naming the parts in one breath
    ("a headline, a problem, a solution and an FAQ") is not the same as writing them.
    """
    found: dict[str, Span] = {}
    for sentence in sentences(text):
        credited = 0
        for name, pattern in parts.items():
            if credited < per_sentence and name not in found and pattern.search(sentence.text):
                found[name] = sentence
                credited += 1
    return found


def star(text: str) -> dict[str, Span]:
    return parts_present(STAR_PARTS, text)


def prfaq(text: str) -> dict[str, Span]:
    return parts_present(PRFAQ_SECTIONS, text)


def positioning(text: str) -> dict[str, Span]:
    """A positioning statement is often one sentence: every part may come from it."""
    return parts_present(POSITIONING_PARTS, text, per_sentence=len(POSITIONING_PARTS))


def sizing(text: str) -> Sizing:
    steps, assumptions, checks = [], [], []
    for sentence in sentences(text):
        s = sentence.text
        if len(numbers_in(s)) >= 2 and ARITHMETIC.search(s):
            steps.append(sentence)
        if numbers_in(s) and SIZING_WORDS.search(s):
            assumptions.append(sentence)
        if SIZING_CHECK.search(s):
            checks.append(sentence)
    return Sizing(steps, assumptions, checks)


def launch(text: str) -> Launch:
    channels: set[str] = set()
    budget, sequencing, metrics = [], [], []
    for sentence in sentences(text):
        s = sentence.text
        channels |= {m.group().lower() for m in CHANNELS.finditer(s)}
        if BUDGET.search(s):
            budget.append(sentence)
        if SEQUENCING.search(s):
            sequencing.append(sentence)
        if LAUNCH_METRICS.search(s):
            metrics.append(sentence)
    return Launch(channels, budget, sequencing, metrics)
