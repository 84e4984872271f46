"""A rubric as Markdown for the rubric viewer: scale, rounds and weights, signals with level anchors."""

from pathlib import Path
from typing import Any

from simulator.content.errors import Problem
from simulator.domain import Rubric


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def calibration_markdown(calibration: dict[str, Any] | None) -> list[str]:
    """The latest `mockloop calibrate` of the rubric: agreement with expert labels, per signal."""
    if not calibration:
        return [
            "",
            "## Latest calibration",
            "",
            "None yet: `mockloop calibrate --rubric ID --golden rubrics/golden/holdout` measures how well "
            "this rubric's grades agree with expert labels.",
        ]

    def figure(value: Any) -> str:
        return "—" if value is None else f"{value:.2f}"

    golden = ", ".join(str(g) for g in calibration.get("golden", []))
    lines = [
        "",
        "## Latest calibration",
        "",
        f"{calibration.get('at', '')} · grader {calibration.get('grader', '?')} · {golden}",
        "",
        "| | n | exact | adjacent | Spearman | QWK |",
        "|---|---|---|---|---|---|",
    ]
    blocks = [("overall", calibration.get("overall", {})), *calibration.get("signals", {}).items()]
    for name, block in blocks:
        figures = " | ".join(figure(block.get(key)) for key in ("exact", "adjacent", "spearman", "qwk"))
        lines.append(f"| {name} | {block.get('n', 0)} | {figures} |")
    return lines


def rubric_markdown(rubric: Rubric, source: Path | None = None, calibration: dict[str, Any] | None = None) -> str:
    lines = [f"# {rubric.title}", "", f"`{rubric.id}`" + (f" · extends `{rubric.extends}`" if rubric.extends else "")]
    if source is not None:
        lines[-1] += f" · {source}"
    if rubric.description:
        lines += ["", rubric.description.strip()]
    lines += ["", "## Scale", ""]
    lines += [f"- **{score}** {label}" for score, label in sorted(rubric.scale.items())]
    lines += [
        "",
        "## Rounds",
        "",
        "Each round's weight in the loop, then its signals with their weight in the round:",
        "",
    ]
    for round_id, spec in rubric.rounds.items():  # a list, not a table: a narrow pane wraps it, never cuts an id
        signals = ", ".join(f"{signal} {weight:g}" for signal, weight in spec.signals.items())
        lines.append(f"- **{round_id}** {spec.weight:g}: {signals}")
    rule = rubric.decision
    cutoffs = ", ".join(f"{cut:g}" for cut in rule.round_cutoffs)
    lines += [
        "",
        "## Decision",
        "",
        f"- Hire when the weighted mean of round scores is at least {rule.hire_at_least:g}.",
        f"- A round's overall score is 2, 3 or 4 from a weighted signal mean of {cutoffs}.",
        f"- An answer flagged prompt-injection scores at most {rule.integrity_cap} on every signal.",
    ]
    for veto in rule.vetoes:
        where = "any round" if veto.round == "*" else veto.round
        what = "any signal" if veto.signal == "*" else veto.signal
        reason = f": {veto.reason}" if veto.reason else ""
        lines.append(f"- Veto: {what} at {veto.at_most} or below in {where}{reason}")
    lines += calibration_markdown(calibration)
    lines += ["", "## Signals"]
    for signal_id, signal in rubric.signals.items():
        lines += [
            "",
            f"### {signal.name} (`{signal_id}`)",
            "",
            _cell(signal.description),
            "",
            "| level | what an answer at this level sounds like |",
            "|---|---|",
        ]
        lines += [f"| {level} {rubric.label(level)} | {_cell(text)} |" for level, text in sorted(signal.levels.items())]
    return "\n".join(lines) + "\n"


def shown_path(path: Path) -> str:
    """`path` as a coach reads it: relative to the current directory, else to the config dir, else shipped."""
    from simulator.locations import shipped_root, user_config_dir

    path = Path(path).absolute()
    for base, label in ((Path.cwd(), "."), (user_config_dir(), "<config dir>"), (shipped_root(), "<shipped>")):
        if path.is_relative_to(base.absolute()):
            return f"{label}/{path.relative_to(base.absolute())}"
    return str(path)


def where_text(problem: Problem) -> str:
    return f"{shown_path(problem.file)}:{problem.line}:{problem.column}"


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut at a word to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
