"""Turn detector findings into named, capped features, each backed by verbatim spans.

The feature names are what a rubric's `evidence.features` weighs (docs/GRADER.md lists them).
Counts are capped so that saying the same kind of thing again, or at greater length, adds nothing.
"""

from dataclasses import dataclass, field

from simulator.domain.offline_model import DETECTOR_FEATURES
from simulator.grading import detectors as d
from simulator.grading.detectors.judgment import frameworks, problem_framing, rigor, simplification, tradeoffs
from simulator.grading.detectors.text import Span

CAPS: dict[str, float] = {
    "decision": 3,
    "i_action": 4,
    "i_plan": 3,
    "accountability": 2,
    "deflection": 2,
    "we_dominant": 1,
    "no_first_person": 1,
    "metric_complete": 3,
    "metric_partial": 3,
    "metric_sourced": 2,
    "bare_number": 3,
    "metric_change_only": 3,
    "metric_target": 2,
    "segment": 2,
    "pain": 2,
    "research": 2,
    "backwards": 1,
    "function": 4,
    "alignment": 3,
    "conflict_resolved": 1,
    "tradeoff": 3,
    "framework": 1,
    "framing": 3,
    "simplify": 3,
    "rigor": 4,
    "star_parts": 5,
    "prfaq_sections": 6,
    "positioning_parts": 5,
    "sizing_step": 3,
    "sizing_assumption": 3,
    "sizing_check": 1,
    "channel": 4,
    "budget": 2,
    "sequencing": 2,
    "launch_metric": 2,
    "cue": 2,
}
assert set(CAPS) == set(DETECTOR_FEATURES), "every detector feature has a cap"


@dataclass
class Evidence:
    """Feature values of one answer and the spans that show them."""

    values: dict[str, float] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)

    def add(self, name: str, spans: list[Span], value: float | None = None) -> None:
        unique = list({(s.start, s.end): s for s in spans}.values())
        raw = float(len(unique)) if value is None else value
        self.values[name] = min(raw, CAPS[name])
        self.spans[name] = unique

    def value(self, name: str) -> float:
        return self.values.get(name, 0.0)

    @property
    def substance(self) -> float:
        """Anything a committee could check: an action, a number with a metric, a customer, a function."""
        return (
            self.value("i_action")
            + self.value("i_plan")
            + self.value("metric_partial")
            + self.value("metric_complete")
            + self.value("segment")
            + min(self.value("function"), 1)
            + self.value("sizing_step")
            + (1 if self.value("prfaq_sections") >= 3 else 0)
        )


def extract(answer: str) -> Evidence:
    """Run every detector on the answer once."""
    ev = Evidence()
    v = d.voice(answer)
    ev.add("decision", v.i_decisions)
    ev.add("i_action", v.i_actions)
    ev.add("i_plan", v.i_plans)
    ev.add("accountability", v.accountability)
    ev.add("deflection", v.deflection)
    agentive = len(v.i_actions) + len(v.i_plans) + len(v.we_sentences) + len(v.passive)
    ev.add("we_dominant", v.we_sentences + v.passive, 1.0 if agentive >= 3 and v.we_share >= 0.6 else 0.0)
    ev.add("no_first_person", [], 1.0 if not (v.i_actions or v.i_plans) else 0.0)

    found = d.claims(answer)
    ev.add("metric_complete", [c.span for c in found if c.complete])
    ev.add("metric_partial", [c.span for c in found if c.partial and not c.complete])
    ev.add("metric_sourced", [c.span for c in found if c.source and (c.partial or c.complete)])
    ev.add("bare_number", [c.span for c in found if not (c.baseline or c.change or c.timeframe)])
    ev.add("metric_target", d.targets(answer))
    ev.add("metric_change_only", [c.span for c in found if c.change and not (c.baseline or c.timeframe)])

    cust = d.customers(answer)
    ev.add("segment", cust.segments)
    ev.add("pain", cust.pains)
    ev.add("research", cust.research)
    ev.add("backwards", cust.backwards)

    st = d.stakeholders(answer)
    ev.add("function", [], float(len(st.functions)))
    ev.add("alignment", st.aligned)
    ev.add("conflict_resolved", st.conflicts if st.aligned else [], 1.0 if st.conflicts and st.aligned else 0.0)

    ev.add("tradeoff", tradeoffs(answer))
    ev.add("framework", frameworks(answer))
    ev.add("framing", problem_framing(answer))
    ev.add("simplify", simplification(answer))
    ev.add("rigor", rigor(answer))

    parts = d.star(answer)
    ev.add("star_parts", list(parts.values()), float(len(parts)))
    sections = d.prfaq(answer)
    ev.add("prfaq_sections", list(sections.values()), float(len(sections)))
    pos = d.positioning(answer)
    ev.add("positioning_parts", list(pos.values()), float(len(pos)))
    size = d.sizing(answer)
    ev.add("sizing_step", size.steps)
    ev.add("sizing_assumption", size.assumptions)
    ev.add("sizing_check", size.checks)
    plan = d.launch(answer)
    ev.add("channel", [], float(len(plan.channels)))
    ev.add("budget", plan.budget)
    ev.add("sequencing", plan.sequencing)
    ev.add("launch_metric", plan.metrics)
    return ev


def substantive(span: Span, ev: Evidence) -> bool:
    """A sentence that carries a checkable fact (so a cue phrase in it may count)."""
    for name in ("i_action", "i_plan", "metric_partial", "metric_complete", "segment", "alignment", "sizing_step"):
        if any(s.start == span.start for s in ev.spans.get(name, [])):
            return True
    return False
