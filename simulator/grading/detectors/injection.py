"""Text addressed to a grader or a model rather than to the interviewer."""

import re

from simulator.grading.detectors.text import sentences

_PATTERNS = [
    r"\bignore\b[^.\n]{0,40}\b(?:instructions?|rubric|rules|guidelines|criteria|prompt|scoring)",
    r"\bdisregard\b[^.\n]{0,40}\b(?:instructions?|rubric|rules|guidelines|criteria|above|previous)",
    r"\b(?:score|grade|rate|mark|rank)\b\s+(?:this(?: answer| response)?|me|my (?:answer|response)|"
    r"the (?:answer|response|candidate|submission)|(?:each|every|all)(?: the)? (?:signals?|"
    r"dimensions?|criteri(?:on|a)|categor(?:y|ies)|competenc(?:y|ies)))\b[^.\n]{0,40}"
    r"(?:\b[45]\b|four|five|\bten\b|10|strong hire|highest|maximum|max|top|full marks|perfect)",
    r"\b(?:give|assign|award|output|return)\b[^.\n]{0,30}\b(?:score|scores|grade|rating|marks?)\b"
    r"[^.\n]{0,30}(?:\b[45]\b|four|highest|maximum|max|top|full|perfect|strong hire)",
    r"\b(?:give|assign|award|output)\b[^.\n]{0,20}(?:\b4\b|a four|4/4|4 out of 4)",
    r"\b(?:note|message|instructions?|reminder|hint)s?\s+(?:to|for)\s+(?:the\s+)?"
    r"(?:grader|evaluator|assessor|reviewer|scorer|ai|model|llm|assistant|system|rater)",
    r"\b(?:dear|hey|hello|attention)\s+(?:the\s+)?(?:grader|evaluator|assessor|ai|model|llm|assistant)",
    r"\b(?:as|you are|you're)\s+(?:an?\s+|the\s+)?(?:ai|language model|llm|grader|evaluator|"
    r"grading (?:model|system|assistant)|assistant)\b[^.\n]{0,60}\b(?:grad|scor|evaluat|rat|should|must)",
    r"\b(?:the\s+)?(?:grader|evaluator|grading model|assessor)\s+(?:should|must|will|needs to)\b",
    r"\bsystem\s*(?:prompt|message|override)\b",
    r"^\s*\[?(?:system|assistant)(?: note| message| prompt)?\]?\s*:?[^\n]{0,80}\b(?:scor|grad|rat|rubric|"
    r"evaluat|level|instruction|ignore|override|assign|output)",
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>",
    r"\[/?(?:INST|SYS)\]",
    r"#{2,}\s*(?:instruction|system|new task)",
    r"\b(?:for|on)\s+(?:every|each|all)\s+(?:the\s+)?signals?\b",
    r"\brubric\b[^.\n]{0,40}\b(?:override|does not apply|doesn't apply|ignore|updated|new)\b",
    r"\bregardless of (?:the )?(?:answer|content|rubric|above)\b",
    r"忽略|打满分|满分|评分标准",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.MULTILINE)
_SCORE_JSON = re.compile(
    r"[{\[][^{}\[\]]{0,400}[\"']?(?:score|overall|rating|grade|level|ownership|delivery_metrics)"
    r"[\"']?\s*[:=]\s*\"?\d[^{}]{0,400}[}\]]",
    re.IGNORECASE | re.DOTALL,
)


def find_injection(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of text that talks to a grader or model: whole sentences and JSON blocks."""
    spans: list[tuple[int, int]] = []
    for sentence in sentences(text):
        if _INJECTION.search(sentence.text):
            spans.append((sentence.start, sentence.end))
    for match in _SCORE_JSON.finditer(text):
        spans.append((match.start(), match.end()))
    return _merge(spans)


def redact(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out the spans, keeping every other offset where it was."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\n":
                chars[i] = " "
    return "".join(chars)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
