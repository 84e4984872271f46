"""Export: a Markdown report a coach can read, and JSON that loads back."""

from simulator.domain import Transcript
from simulator.store import to_json, to_markdown
from tests.samples import ANSWER_1, ANSWER_2, sample_transcript


def test_markdown_report_has_the_loop_answers_grades_and_debrief() -> None:
    report = to_markdown(sample_transcript())
    assert report.startswith("# Mock interview loop: Amazon PM loop\n")
    assert "- **Date:** 2026-11-23 15:54 UTC" in report
    assert "- **Result:** hire (mean 3.00)" in report
    assert "## Round 1: Bar raiser (`bar-raiser`)" in report
    assert "Tell me about a time you owned an outcome." in report
    quoted_answer = "\n".join(f"> {line}".rstrip() for line in ANSWER_1.splitlines())
    assert quoted_answer in report and f"> {ANSWER_2}" in report
    assert "#### Follow-up (probing `cross_functional_influence`)" in report
    assert "**Time:** 47 min 5 s of 45 min, ran over" in report
    assert "**Round overall: 3 · Lean hire** (offline grader)" in report
    assert "| ownership | 3 |" in report and "| delivery_metrics | 2 |" in report
    assert "- “I decided to cut”" in report
    assert "**Next level needs:** Name the trade-off you rejected and why." in report
    assert "_Skipped._" in report
    assert "## Debrief" in report and "**Decision: hire** (mean 3.00)" in report
    assert "Rule: weighted mean of round scores >= 3.0 and no veto" in report
    assert "| ownership | 3.00 | 3 | bar-raiser 3, product-sense 3 |" in report
    assert "1. **Delivery & metrics** (`delivery_metrics`): Outcomes lack a baseline" in report
    assert "   - “Activation rose from 41% to 58% in six weeks”" in report


def test_an_unfinished_loop_exports_what_there_is() -> None:
    transcript = sample_transcript(finished=False)
    transcript.rounds[1].turns[1].skipped = False
    transcript.rounds[1].turns[1].answer = None
    report = to_markdown(transcript)
    assert "- **Status:** not finished" in report and "## Debrief" not in report
    assert "**Time:** not finished (45 min round)" in report
    assert "_Not answered._" in report


def test_json_export_loads_back_as_the_same_transcript() -> None:
    transcript = sample_transcript()
    assert Transcript.model_validate_json(to_json(transcript)) == transcript


def test_a_graded_round_lists_what_a_strong_answer_covers_and_an_ungraded_one_does_not() -> None:
    outlines = {
        "br-ownership-1": ["Names the gap and why nobody owned it", "Gives the before and after number"],
        "ps-returns-1": ["Segments the sellers first"],
    }
    report = to_markdown(sample_transcript(), outlines)
    first, second = report.split("## Round 2")
    covers = "### What a strong answer covers\n\n- Names the gap and why nobody owned it\n- Gives the before"
    assert covers in first and first.index(covers) < first.index("### Grade")
    assert "- Segments the sellers first" in second
    assert "What a strong answer covers" not in to_markdown(sample_transcript())  # no outlines given

    ungraded = sample_transcript(finished=False)
    ungraded.rounds[1].grade = None
    assert "- Segments the sellers first" not in to_markdown(ungraded, outlines).split("## Round 2")[1]


def test_the_level_asked_for_is_in_the_report_header() -> None:
    transcript = sample_transcript().model_copy(update={"level": "L6"})
    assert "· level L6" in to_markdown(transcript).split("\n## ")[0]
