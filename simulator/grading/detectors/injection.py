"""Text addressed to a grader or a model rather than to the interviewer.

Read on normalised text (`normalise.py`: NFKC, invisible characters removed, Cyrillic and Greek
look-alikes folded, a phrase split across lines joined), in English, Spanish, French, German,
Malay/Indonesian, Japanese, Korean and Chinese, HTML comments included; spans are reported in the
original text's offsets.
"""

import bisect
import functools
import itertools
import re

from simulator.grading.detectors.normalise import normalise
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
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>",
    r"\[/?(?:inst|sys)\]",
    r"#{2,}\s*(?:instruction|system|new task)",
    r"\b(?:for|on)\s+(?:every|each|all)\s+(?:the\s+)?signals?\b",
    r"\brubric\b[^.\n]{0,40}\b(?:override|does not apply|doesn't apply|ignore|updated|new)\b",
    r"\bregardless of (?:the )?(?:answer|content|rubric|above)\b",
    # to whoever reviews this; polite third-person requests to the grader
    r"\b(?:to|for|dear)\s+(?:whoever|whomever|anyone|the (?:person|people|one)s?)\s+(?:who\s+|that\s+)?"
    r"(?:is\s+|are\s+|will be\s+)?"
    r"(?:review|grad|scor|evaluat|assess)\w*\s+(?:this|my|these|the (?:answer|response|submission))\b",
    r"\b(?:reviewers?|graders?|evaluators?|assessors?|raters?|scorers?|markers?|examiners?)\b[^.\n]{0,60}"
    r"\b(?:is|are)\s+(?:kindly\s+|respectfully\s+|hereby\s+)?(?:asked|requested|encouraged|invited|expected|advised|"
    r"instructed|reminded)\b[^.\n]{0,40}\b(?:score|grade|rate|mark|give|award|assign|consider|treat)\b",
    r"\b(?:kindly|please)\b[^.\n]{0,40}\b(?:score|grade|rate|mark|assess|evaluate|consider)\s+(?:this|my|me|it|"
    r"the (?:answer|response|candidate|submission))\b[^.\n]{0,50}"
    r"(?:\b[45]\b|four|highest|maximum|top|full marks|perfect|strong hire|exceptional|outstanding)",
    r"\b(?:it would be|i would be|we would be|i'd be)\s+(?:much\s+)?(?:appreciated|grateful)\b[^.\n]{0,80}"
    r"\b(?:scor|grad|rat|mark)\w*",
    r"\bdeserves?\s+(?:a\s+)?(?:4\b|four\b|full marks|the highest|top marks|a strong hire|strong hire)",
    r"\b(?:deserves?|merits?|earns?|warrants?)\s+(?:the\s+|a\s+)?(?:top|highest|maximum|best|full|perfect)\s+"
    r"(?:rating|score|mark|grade|level)s?",
    r"\b(?:whoever|anyone|anybody|everyone)\s+(?:who\s+(?:is\s+)?)?(?:review|grad|scor|evaluat|assess)(?:s|e|es|ed|ing)?\s+"
    r"(?:this|my|these|the (?:answer|response|submission))\b"
    r"[^.\n]{0,80}\b(?:agree|see|score|rate|grade|mark|give|award|recogni[sz]e|find|consider|conclude)",
    r"\b(?:rubric|scoring|grading|grader)\s+notes?\b",
    r"\bfor (?:the )?(?:automated|automatic|ai|llm|machine) (?:scoring|grading|grader|scorer)",
    r"\b(?:score|grade|rate|mark) (?:it |this |me )?accordingly\b",
    # Spanish
    r"\bignor(?:a|e|ad|en|ar)\b[^.\n]{0,40}\b(?:instrucciones|r[uú]brica|reglas|criterios|indicaciones|pautas)",
    r"\b(?:nota|mensaje|instrucci[oó]n(?:es)?|aviso)\s+(?:para|al|a la)\s+(?:el\s+|la\s+)?(?:evaluador(?:a|es)?|"
    r"calificador(?:a)?|corrector(?:a)?|revisor(?:a)?|modelo|ia|asistente|sistema)",
    r"\b(?:dale|d[eé]le|da|asigna|as[ií]gnale|otorga|ot[oó]rgale|pon|ponle|califica|punt[uú]a|eval[uú]a)\b[^.\n]{0,40}"
    r"(?:\b[45]\b|cuatro|m[aá]xim[ao]|puntuaci[oó]n perfecta|nota m[aá]s alta|mejor nota)",
    r"\b(?:evaluador|calificador|corrector)(?:a|es)?\s+(?:debe|deber[ií]a|tiene que)\b",
    # French
    r"\bignor(?:e|ez|er)\b[^.\n]{0,40}\b(?:instructions|consignes|grille|r[eè]gles|crit[eè]res|bar[eè]me)",
    r"\b(?:note|message|remarque|consigne)s?\s+(?:pour|à|au|aux)\s+(?:l['’]\s*|le\s+|la\s+|les\s+)?"
    r"(?:[ée]valuat(?:eur|rice)s?|correct(?:eur|rice)s?|examinat(?:eur|rice)s?|mod[eè]le|ia|assistant|syst[eè]me)",
    r"\b(?:donne[rz]?|attribue[rz]?|accorde[rz]?|mets|mettez|notez)\b[^.\n]{0,40}"
    r"(?:\b[45]\b|quatre|note maximale|meilleure note|maximum|20/20|note parfaite)",
    r"\b(?:[ée]valuat(?:eur|rice)|correct(?:eur|rice))s?\s+(?:doit|devrait|doivent)\b",
    # German
    r"\bignorier(?:e|en|t)?\b[^.\n]{0,40}\b(?:anweisungen|anleitung|bewertungs\w*|regeln|kriterien|vorgaben)",
    r"\b(?:hinweis|nachricht|notiz|anweisung)(?:en)?\s+(?:an|f[uü]r)\s+(?:den\s+|die\s+|das\s+)?"
    r"(?:bewerter\w*|bewertung|pr[uü]fer\w*|pr[uü]fung|gutachter\w*|korrektor\w*|modell|ki|assistent\w*|system)",
    r"\bverdien\w*\b[^.\n]{0,60}(?:h[oö]chstnote|bestnote|volle punktzahl|h[oö]chste bewertung)",
    r"\bm[eé]rit\w*\b[^.\n]{0,60}(?:note maximale|meilleure note|puntuaci[oó]n m[aá]xima|nota m[aá]xima|m[aá]xima "
    r"puntuaci[oó]n|la m[aá]xima)",
    r"\b(?:gib|gebt|geben sie|vergib|vergeben sie|bewerte|bewerten sie)\b[^.\n]{0,40}"
    r"(?:\b[45]\b|vier|h[oö]chstnote|bestnote|volle punktzahl|maximal\w*|h[oö]chste\w*)",
    r"\b(?:bewerter|pr[uü]fer|gutachter)(?:in|innen)?\s+(?:soll(?:te)?|muss|m[uü]ssen)\b",
    # Malay and Indonesian
    r"\b(?:nota|catatan|pesan|mesej)\s+(?:untuk|kepada|buat|bagi)\s+(?:para\s+)?(?:penilai|pemeriksa|juri|"
    r"pengulas|model|ai|sistem)",
    r"\b(?:sila|tolong|mohon|harap)\s+(?:beri|berikan|kasih)\b[^.\n]{0,40}(?:markah|nilai|skor|angka)",
    # Japanese and Korean
    r"採点者|満点|最高評価|채점자|만점|최고 점수",
    # Chinese
    r"忽略|无视|打满分|满分|最高分|评分标准|评分规则|评分者|评分的(?:老师|人)|评审员|阅卷|打\s*[45四五]\s*分|请给.{0,10}分",
]


def _joined(patterns: list[str]) -> str:
    """One alternation of the patterns, in their order, with each run of patterns that begin at a word
    boundary put under one leading `\\b`: the same matches, but a position inside a word is given up
    at once instead of once per pattern (four times faster on typical answers)."""
    boundary = r"\b"
    out = []
    for bounded, run in itertools.groupby(patterns, key=lambda p: p.startswith(boundary)):
        if bounded:
            out.append(boundary + "(?:" + "|".join(f"(?:{p.removeprefix(boundary)})" for p in run) + ")")
        else:
            out.extend(f"(?:{p})" for p in run)
    return "|".join(out)


_JOINED = _joined(_PATTERNS)
_INJECTION = re.compile(_JOINED)
"""Run on lower-cased text (a third faster than IGNORECASE); `_INJECTION_ANY_CASE` when lowering
would change the text's length."""
_INJECTION_ANY_CASE = re.compile(_JOINED, re.IGNORECASE)
_LINE_START = re.compile(
    r"^\s*\[?(?:system|assistant)(?: note| message| prompt)?\]?\s*:?[^\n]{0,80}\b(?:scor|grad|rat|rubric|"
    r"evaluat|level|instruction|ignore|override|assign|output)",
    re.IGNORECASE | re.MULTILINE,
)
"""A line that poses as a system or assistant message."""
_SCORE_JSON = re.compile(
    r"[{\[][^{}\[\]]{0,400}[\"']?(?:score|overall|rating|grade|level|ownership|delivery_metrics)"
    r"[\"']?\s*[:=]\s*\"?\d[^{}]{0,400}[}\]]",
    re.IGNORECASE | re.DOTALL,
)


_HTML_COMMENT = re.compile(r"<!--(.*?)(?:-->|\Z)", re.DOTALL)
_COMMENT_WORDS = re.compile(
    r"\b(?:grad\w*|scor\w*|rubric|rat(?:e|ing)|mark(?:s|ing)?|evaluat\w*|assess\w*|review\w*|instructions?|"
    r"prompt|model|ai|llm|assistant|system|ignore|override)\b",
    re.IGNORECASE,
)


def find_injection(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of `text` that talk to a grader or model: the whole sentences a match
    touches (a phrase split across lines included), HTML comments that mention grading, lines
    posing as system messages, and JSON score blocks."""
    return list(_find(text))


@functools.lru_cache(maxsize=256)
def _find(text: str) -> tuple[tuple[int, int], ...]:
    """The offline grader and the LLM grader both read each answer: read it once."""
    norm = normalise(text)
    seen = norm.text
    pieces = sentences(seen)
    starts = [p.start for p in pieces]
    found: list[tuple[int, int]] = []
    joined = seen.replace("\n", " ")  # the same length: offsets stay put
    lowered = joined.lower()
    matches = _INJECTION.finditer(lowered) if len(lowered) == len(joined) else _INJECTION_ANY_CASE.finditer(joined)
    for match in [*matches, *_LINE_START.finditer(seen)]:
        first = max(bisect.bisect_right(starts, match.start()) - 1, 0)
        last = max(bisect.bisect_left(starts, match.end()) - 1, first)
        found.append((min(pieces[first].start, match.start()), max(pieces[last].end, match.end())))
    for comment in _HTML_COMMENT.finditer(seen):
        inner = comment.group(1)
        if _COMMENT_WORDS.search(inner) or _INJECTION_ANY_CASE.search(inner):
            found.append((comment.start(), comment.end()))
    for match in _SCORE_JSON.finditer(seen):
        found.append((match.start(), match.end()))
    return tuple(_merge([norm.span(start, end) for start, end in found if end > start]))


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
