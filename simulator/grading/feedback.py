"""Feedback written for this answer: what a weak signal lacked, and what adding it would sound like.

The offline grader's rationale names what it found and what this answer lacks; `advice` is the
"next level" line, one sentence in the candidate's own words where the answer gives them ("You said
activation rose; say from what, to what, over which weeks, and where it was measured").
"""

import re

from simulator.grading.detectors.text import sentences

_LACKS = {
    "decision": "a call that was clearly yours",
    "i_action": "anything you did yourself",
    "i_plan": "a first-person plan",
    "accountability": "a miss or a lesson owned",
    "metric_complete": "a result with its baseline and time frame",
    "metric_partial": "a number with a baseline or time frame",
    "metric_sourced": "where the numbers were measured",
    "metric_target": "a target to reach",
    "segment": "a named customer segment",
    "pain": "what hurt for the customer",
    "research": "how you learned what customers needed",
    "backwards": "working back from the customer",
    "function": "another team by name",
    "alignment": "how you brought other teams along",
    "conflict_resolved": "a disagreement and how it was settled",
    "tradeoff": "a trade-off",
    "framework": "a way of ranking the options",
    "framing": "a framing of the problem",
    "simplify": "something removed or simplified",
    "rigor": "a check on the data",
    "star_parts": "the situation, action and result in order",
    "prfaq_sections": "the sections of a press release",
    "positioning_parts": "a positioning statement",
    "sizing_step": "sizing arithmetic",
    "sizing_assumption": "the assumptions behind the size",
    "sizing_check": "a sanity check of the size",
    "channel": "launch channels",
    "budget": "a budget split",
    "sequencing": "what launches first",
    "launch_metric": "launch metrics",
}
_ADVICE = {
    "decision": "say which call was yours (“I decided to …”), what you weighed and what you gave up.",
    "i_action": "say what you did yourself, in the first person, step by step.",
    "i_plan": "say what you would do, in the first person: “I would start with …, because …”.",
    "accountability": "say what you would do differently and what the miss cost.",
    "metric_sourced": "say where each number was measured: the dashboard, the experiment, the report.",
    "metric_target": "set a target: which metric, from its baseline today, to what number, by when.",
    "segment": "say which customers, as narrowly as “first-time sellers in tier-3 cities”, and why them first.",
    "pain": "say what hurt for the customer in their terms: what they could not do, or what it cost them.",
    "research": "say how you learned it: the tickets you read, the customers you spoke to, the data you pulled.",
    "backwards": "start from what the customer will experience, then work back to what to build.",
    "function": "name the teams that had to move (engineering, finance, legal…) and what each needed.",
    "alignment": "say how you brought them along: the review, the document, the trade you offered.",
    "conflict_resolved": "say where someone disagreed and how it was settled.",
    "tradeoff": "say what you chose over what, and what it cost.",
    "framework": "say how you ranked the options, such as impact against effort.",
    "framing": "frame the problem before solutions: who it is for, what is broken, which number shows it.",
    "simplify": "say what you removed or made simpler, not only what you added.",
    "rigor": "say how you would check the data: the cut, the control, what would rule out noise.",
    "star_parts": "tell it in order: the situation, your task, what you did and how it turned out.",
    "prfaq_sections": "write it as a press release: headline, customer problem, solution, a quote, FAQs.",
    "positioning_parts": "state for whom, the category, the benefit and why it beats the alternative.",
    "sizing_step": "show the arithmetic: how many customers, what share, how often, at what value.",
    "sizing_assumption": "state the assumption behind each number of the size.",
    "sizing_check": "check the size against a number you know.",
    "channel": "name the channels you would launch through and why each.",
    "budget": "say how the budget splits across the channels.",
    "sequencing": "say what launches first and what waits.",
    "launch_metric": "say the launch metrics and the number each must reach.",
}
_METRICS = ("metric_complete", "metric_partial")
_PLANS = {"i_plan"}
"""Advice that does not fit a story told in the past tense."""
_VERB = (
    r"(?P<verb>rose|fell|dropped|grew|increased|decreased|doubled|halved|climbed|improved|declined|jumped|shrank|"
    r"went (?:up|down)|came down)\b"
)
_MOVED = re.compile(rf"(?P<subject>(?:[A-Za-z][\w'-]* ){{0,5}}[A-Za-z][\w'-]*)\s+{_VERB}")
_MOVED_VERB = re.compile(rf"\s{_VERB}")
"""What `_MOVED` must contain, found without trying a subject at every word: a sentence lacking it is skipped."""
_LEADING = set("the our my their its this that a an and then so but we i if when after before until".split())
_PREPOSITIONS = {"on", "in", "of", "for", "at", "from", "across", "with", "per"}
_JOINS = {"and", "but", "so", "then", "while", "because"}
_GENERIC_CUSTOMER = re.compile(r"\b(customers|users|sellers|shoppers|buyers|merchants|people)\b", re.IGNORECASE)


def lacking(missing: list[str], found: list[str], past: bool) -> list[str]:
    """The missing features worth telling this answer about: no "I would" plans for a story told in
    the past tense, and no "a number with a baseline" once a complete result was given (or the reverse)."""
    measured = any(n in _METRICS for n in found)
    return [n for n in missing if n in _LACKS and not (past and n in _PLANS) and not (measured and n in _METRICS)]


def rationale(found: list[str], against: list[str], missing: list[str], human: dict[str, str]) -> str:
    parts = []
    if found:
        parts.append("Found " + _listed([human.get(n, n) for n in found]) + ".")
    if against:
        parts.append("Held back by " + _listed([human.get(n, n) for n in against]) + ".")
    if missing:
        parts.append("This answer does not show " + _listed([_LACKS[n] for n in missing[:3]], "or") + ".")
    return " ".join(parts)


def advice(missing: list[str], answer: str) -> str | None:
    """One sentence on the most weighted thing this answer lacks, in its own words where it can."""
    if not missing:
        return None
    name = missing[0]
    if name in _METRICS:
        return _metric_advice(answer)
    if name == "segment":
        generic = _GENERIC_CUSTOMER.search(answer)
        if generic:
            word = generic.group(1).lower()
            return f"You said “{word}”; say which {word}, as narrowly as you can, and why them first."
    return "To go up a level, " + _ADVICE[name]


def _metric_advice(answer: str) -> str:
    moved = what_moved(answer)
    if moved:
        return f"You said {moved}; say from what, to what, over which weeks, and where it was measured."
    return "No result is measured; say what moved, from what to what, over which weeks, and where you read it."


def what_moved(text: str) -> str | None:
    """The candidate's own words for what moved ("repeat purchase rose"), if a sentence says so."""
    for piece in sentences(text):
        match = _MOVED.search(piece.text) if _MOVED_VERB.search(piece.text) else None
        if match is None:
            continue
        words = match["subject"].split()
        joins = [i for i, w in enumerate(words) if w.lower() in _JOINS]
        words = words[joins[-1] + 1 :] if joins else words  # "launched a design and conversion rose": conversion
        while words and words[0].lower() in _LEADING:
            words.pop(0)
        cut = next((i for i, w in enumerate(words) if w.lower() in _PREPOSITIONS), len(words))
        words = words[:cut] or words
        words = words[-3:]
        if words and not any(ch.isdigit() for ch in " ".join(words)):
            if words[0][1:].islower():
                words[0] = words[0].lower()
            return f"{' '.join(words)} {match['verb']}"
    return None


def voided_advice(off_topic: bool) -> str:
    """What to do about an answer a gate voided (off the question, or not sentences at all)."""
    if off_topic:
        return "Answer the question that was asked, and say in your first sentence how your story or plan answers it."
    return "Write it as sentences a committee can follow, each point made once."


def skipped_advice() -> str:
    return "Answer it next time: a short story with one decision and one number beats a skip."


def _listed(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]
