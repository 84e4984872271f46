"""`mockloop calibrate`: agreement figures on a hand-checked case, the JSON keys, the saved latest
calibration, and a changed threshold or cue in a coach's rubric moving the figures. Also the
progress bar every long command draws."""

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.commands.calibrate import render_table
from simulator.commands.progress import Progress
from simulator.domain import OverallScore, RoundGrade, SheetRound, SignalGrade
from simulator.grading.calibration import (
    Pair,
    calibration_report,
    calibrations_dir,
    figures,
    latest_calibration,
    pairs_for,
)
from simulator.services.inputs import tracked
from tests.coach_rubrics import write_variant
from tests.support import REPO, run_cli

LEVELS = [1, 2, 3, 4]
TUNE = REPO / "rubrics" / "golden" / "tune"
METRICS = ("n", "exact", "adjacent", "spearman", "qwk")


def pair(signal: str, label: int, score: int, index: int = 0) -> Pair:
    return Pair(f"sheet.yaml#{index}", "bar-raiser", signal, label, score, f"quote {index}")


def calibrate(rubric: str | Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Calibrated on the tune set's bar-raiser answers, the round that weighs ownership most."""
    golden = [str(path) for path in sorted(TUNE.glob("bar-raiser*.yaml"))]
    assert main(["calibrate", "--rubric", str(rubric), "--golden", *golden, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def headline(block: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(block[name] for name in METRICS)


# --- the figures ------------------------------------------------------------------------------------


def test_figures_on_a_hand_checked_case() -> None:
    # labels 1 2 3 4, scores 1 3 3 2.
    # exact 2/4; adjacent: misses of 0, 1, 0, 2 -> 3/4.
    # spearman: score ranks 1, 3.5, 3.5, 2 against 1, 2, 3, 4: sxy = 1.5, sxx = 5, syy = 4.5 -> 1.5 / sqrt(22.5).
    # qwk: observed weight (1 + 4) / 9; expected: column totals 1, 1, 2, 0 over n = 4 times the column's
    # weight sums 14/9, 6/9, 6/9, 14/9 -> 8/9; kappa = 1 - 5/8.
    pairs = [
        pair("ownership", label, score, i) for i, (label, score) in enumerate(zip(LEVELS, [1, 3, 3, 2], strict=True))
    ]
    block = figures(pairs, LEVELS, worst=5)
    assert block["n"] == 4
    assert block["exact"] == 0.5 and block["adjacent"] == 0.75
    assert block["spearman"] == pytest.approx(1.5 / 22.5**0.5, abs=1e-4)
    assert block["qwk"] == pytest.approx(0.375)
    assert block["confusion"] == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 1, 0, 0]]
    assert [(d["item"], d["label"], d["score"], d["quote"]) for d in block["worst"]] == [
        ("sheet.yaml#3", 4, 2, "quote 3"),
        ("sheet.yaml#1", 2, 3, "quote 1"),
    ]


def test_the_report_has_every_signal_and_overall_apart() -> None:
    pairs = [
        pair("ownership", 3, 3, 0),
        pair("ownership", 2, 2, 1),
        pair("overall", 2, 2, 0),
        pair("overall", 2, 3, 1),
        pair("delivery_metrics", 1, 4, 0),
    ]
    report = calibration_report(pairs, LEVELS, worst=1)
    assert list(report["signals"]) == ["ownership", "delivery_metrics"]
    assert report["signals"]["ownership"]["exact"] == 1.0 and report["signals"]["ownership"]["worst"] == []
    assert report["overall"]["n"] == 2 and report["overall"]["spearman"] is None, "labels constant"
    assert report["signals"]["delivery_metrics"]["spearman"] is None, "one pair: no ranking"
    assert len(calibration_report(pairs * 2, LEVELS, worst=1)["overall"]["worst"]) == 1


def test_pairs_quote_the_grader_or_the_answer_and_carry_the_expert_reason() -> None:
    labelled = SheetRound(
        round="bar-raiser",
        question="Q?",
        answer="I decided to cut scope.\nIt shipped.",
        labels={"ownership": 3, "market_sizing": 2, "overall": 3},
        reasons={"ownership": "A first-person call."},
    )
    grade = RoundGrade(
        round="bar-raiser",
        grader="offline",
        overall=OverallScore(score=2, label="Lean no hire"),
        signals={"ownership": SignalGrade(score=4, evidence=["I decided to cut scope."])},
    )
    ownership, overall = pairs_for("sheet.yaml#0", labelled, grade)
    assert (ownership.signal, ownership.label, ownership.score) == ("ownership", 3, 4)
    assert ownership.quote == "I decided to cut scope." and ownership.reason == "A first-person call."
    assert (overall.signal, overall.score, overall.quote) == ("overall", 2, "I decided to cut scope. It shipped.")


# --- the command ------------------------------------------------------------------------------------


def test_calibrate_json_keys_and_the_saved_latest_calibration() -> None:
    golden = TUNE / "bar-raiser.yaml"
    result = run_cli("calibrate", "--rubric", "base", "--golden", str(golden), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["rubric"], document["grader"], document["rounds"]) == ("base", "offline", 8)
    assert document["golden"] == [str(golden)] and document["at"]
    for block in [document["overall"], *document["signals"].values()]:
        assert set(METRICS) <= set(block)
        assert len(block["confusion"]) == 4 and all(len(row) == 4 for row in block["confusion"])
        for worst in block["worst"]:
            assert {"item", "signal", "label", "score", "quote"} <= set(worst) and worst["label"] != worst["score"]
    assert document["overall"]["n"] == 8
    assert {"ownership", "delivery_metrics", "customer_obsession", "cross_functional_influence"} <= set(
        document["signals"]
    )
    saved = calibrations_dir() / "base.json"
    assert saved.stat().st_mode & 0o777 == 0o600
    assert latest_calibration("base") == document
    assert latest_calibration("never-calibrated") is None


def test_a_changed_threshold_or_cue_moves_the_agreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubric = write_variant(tmp_path / "coach.yaml", "ownership")
    before = calibrate(rubric, capsys)
    assert "previous" not in before

    write_variant(rubric, "ownership", thresholds=[3.0, 5.0, 7.0])  # a higher bar for levels 2, 3 and 4
    stricter = calibrate(rubric, capsys)
    assert headline(stricter["signals"]["ownership"]) != headline(before["signals"]["ownership"])
    assert stricter["signals"]["ownership"]["confusion"] != before["signals"]["ownership"]["confusion"]
    assert stricter["signals"]["delivery_metrics"] == before["signals"]["delivery_metrics"], "only ownership moved"
    assert stricter["previous"]["at"] == before["at"]
    assert stricter["previous"]["signals"]["ownership"] == dict(
        zip(METRICS, headline(before["signals"]["ownership"]), strict=True)
    )
    shown = render_table(stricter).splitlines()
    assert any(line.startswith("ownership") and "(" in line for line in shown), "the change is shown beside it"
    assert latest_calibration("coach")["signals"]["ownership"] == stricter["signals"]["ownership"]

    write_variant(rubric, "delivery_metrics", cues=["I", "we"], features={"cue": 2.0})  # cues that earn a lot
    cued = calibrate(rubric, capsys)
    assert headline(cued["signals"]["delivery_metrics"]) != headline(before["signals"]["delivery_metrics"])


def test_no_labelled_rounds_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "plain.yaml"
    sheet.write_text("rounds:\n  - round: bar-raiser\n    question: Q?\n    answer: I did it.\n", encoding="utf-8")
    assert main(["calibrate", "--rubric", "base", "--golden", str(sheet)]) == 1
    assert "no labelled rounds" in capsys.readouterr().err


# --- the progress bar -------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_only() -> None:
    piped = io.StringIO()
    with Progress("grading", 2, piped) as bar:
        bar.advance()
        bar.advance()
    assert piped.getvalue() == ""

    terminal = Terminal()
    with Progress("grading", 4, terminal) as bar:
        bar.advance()
        bar.advance(0)
        bar.update(4, note="completed")
    drawn = terminal.getvalue()
    assert drawn.count("\r") == 2, "redrawn only when the line changes"
    assert "\rgrading [######------------------] 1/4" in drawn
    assert "[########################] 4/4 completed" in drawn and drawn.endswith("\n")


def test_tracked_keeps_the_order_and_advances_per_result() -> None:
    async def slow(value: int) -> int:
        await asyncio.sleep(0.01 * (3 - value))
        return value

    bar = Progress("x", 3, io.StringIO())
    assert asyncio.run(tracked([slow(1), slow(2), slow(3)], bar)) == [1, 2, 3]
    assert bar.done == 3
