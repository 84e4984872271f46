"""A rubric as Markdown for the rubric viewer: scale, rounds and weights, signals with level anchors."""

from pathlib import Path

from simulator.domain import Rubric


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rubric_markdown(rubric: Rubric, source: Path | None = None) -> str:
    lines = [f"# {rubric.title}", "", f"`{rubric.id}`" + (f" · extends `{rubric.extends}`" if rubric.extends else "")]
    if source is not None:
        lines[-1] += f" · {source}"
    if rubric.description:
        lines += ["", rubric.description.strip()]
    lines += ["", "## Scale", ""]
    lines += [f"- **{score}** {label}" for score, label in sorted(rubric.scale.items())]
    lines += ["", "## Rounds", "", "| round | weight in the loop | signals (weight in the round) |", "|---|---|---|"]
    for round_id, spec in rubric.rounds.items():
        signals = ", ".join(f"{signal} {weight:g}" for signal, weight in spec.signals.items())
        lines.append(f"| {round_id} | {spec.weight:g} | {signals} |")
    rule = rubric.decision
    cutoffs = ", ".join(f"{cut:g}" for cut in rule.round_cutoffs)
    lines += ["", "## Decision", "",
              f"- Hire when the weighted mean of round scores is at least {rule.hire_at_least:g}.",
              f"- A round's overall score is 2, 3 or 4 from a weighted signal mean of {cutoffs}.",
              f"- An answer flagged prompt-injection scores at most {rule.integrity_cap} on every signal."]
    for veto in rule.vetoes:
        where = "any round" if veto.round == "*" else veto.round
        what = "any signal" if veto.signal == "*" else veto.signal
        reason = f": {veto.reason}" if veto.reason else ""
        lines.append(f"- Veto: {what} at {veto.at_most} or below in {where}{reason}")
    lines += ["", "## Signals"]
    for signal_id, signal in rubric.signals.items():
        lines += ["", f"### {signal.name} (`{signal_id}`)", "", _cell(signal.description), "",
                  "| level | what an answer at this level sounds like |", "|---|---|"]
        lines += [f"| {level} {rubric.label(level)} | {_cell(text)} |" for level, text in sorted(signal.levels.items())]
    return "\n".join(lines) + "\n"
