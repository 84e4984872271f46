"""`mockloop regrade`: the same answers graded by two rubric versions (or two graders), and what moved."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.commands.regrade import render_table
from simulator.domain import OverallScore, RoundGrade, SignalGrade
from simulator.services.regrade import Compared, compare
from tests.coach_rubrics import write_variant
from tests.fake_openai import FakeOpenAI, Recorded, Reply, json_reply
from tests.support import REPO, run_cli

GOLDEN = REPO / "rubrics" / "golden" / "tune" / "bar-raiser.yaml"


def grade(overall: int, **signals: tuple[int, str]) -> RoundGrade:
    """signals: id=(score, rationale); a signal's evidence is its rationale's first word."""
    return RoundGrade(
        round="bar-raiser",
        grader="offline",
        overall=OverallScore(score=overall, label=str(overall)),
        signals={s: SignalGrade(score=n, evidence=[why.split()[0]], rationale=why) for s, (n, why) in signals.items()},
    )


def test_compare_hand_checked() -> None:
    rows = [
        Compared(
            "s.yaml#0",
            "bar-raiser",
            grade(3, ownership=(3, "A decided"), delivery_metrics=(2, "A number")),
            grade(2, ownership=(1, "B we"), delivery_metrics=(2, "B number")),
        ),
        Compared(
            "s.yaml#1",
            "bar-raiser",
            grade(2, ownership=(2, "A tasks"), delivery_metrics=(2, "A bare")),
            grade(2, ownership=(2, "B tasks"), delivery_metrics=(4, "B baseline"), structure=(3, "B star")),
        ),
    ]
    report = compare(rows, top=5)
    assert report["rounds"] == 2
    assert report["signals"]["ownership"] == {
        "n": 2,
        "mean_a": 2.5,
        "mean_b": 1.5,
        "shift": -1.0,
        "changed": 1,
        "only_a": 0,
        "only_b": 0,
    }
    assert report["signals"]["delivery_metrics"]["shift"] == 1.0
    assert report["signals"]["structure"] == {
        "n": 0,
        "mean_a": None,
        "mean_b": None,
        "shift": None,
        "changed": 0,
        "only_a": 0,
        "only_b": 1,
    }
    assert report["overall"] == {"n": 2, "mean_a": 2.5, "mean_b": 2.0, "shift": -0.5, "changed": 1}
    assert report["moved"] == [
        {
            "item": "s.yaml#0",
            "round": "bar-raiser",
            "a": 3,
            "b": 2,
            "decision_a": "hire",
            "decision_b": "no-hire",
            "flipped": True,
        }
    ]
    assert report["flipped"] == ["s.yaml#0"]
    first, second = report["changes"]
    assert (first["item"], first["signal"], first["delta"], first["flipped"]) == ("s.yaml#0", "ownership", -2, True)
    assert first["a"] == {"score": 3, "evidence": ["A"], "rationale": "A decided"}
    assert first["b"] == {"score": 1, "evidence": ["B"], "rationale": "B we"}
    assert (second["item"], second["signal"], second["delta"]) == ("s.yaml#1", "delivery_metrics", 2)
    assert len(compare(rows, top=1)["changes"]) == 1


def test_two_rubric_versions_show_the_shift_the_flips_and_the_evidence(tmp_path: Path) -> None:
    # An ownership bar no answer reaches: every ownership score falls to 1, and since ownership is what
    # the bar-raiser weighs most, no round stays on the hire side.
    strict = write_variant(tmp_path / "strict.yaml", "ownership", rubric_id="strict", thresholds=[20.0, 30.0, 40.0])
    result = run_cli("regrade", str(GOLDEN), "--rubric", "base", "--against", str(strict), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["a"] == {"rubric": "base", "rubric_ids": ["base"], "grader": "offline"}
    assert report["b"] == {"rubric": str(strict), "rubric_ids": ["strict"], "grader": "offline"}
    assert report["rounds"] == 8
    ownership = report["signals"]["ownership"]
    assert ownership["n"] == 8 and ownership["mean_b"] == 1.0 and ownership["shift"] < 0 and ownership["changed"] > 0
    assert report["signals"]["delivery_metrics"]["shift"] == 0.0, "only ownership's evidence settings changed"
    assert report["flipped"], "a round on the hire side under base is not under the strict version"
    for moved in report["moved"]:
        assert moved["b"] < moved["a"]
        if moved["item"] in report["flipped"]:
            assert (moved["decision_a"], moved["decision_b"]) == ("hire", "no-hire")
    biggest = report["changes"][0]
    assert biggest["signal"] == "ownership" and biggest["b"]["score"] == 1 and biggest["delta"] <= -2
    assert biggest["a"]["evidence"] and biggest["a"]["rationale"] and biggest["b"]["rationale"]
    shown = render_table(report)
    assert "decision flipped in" in shown and "hire -> no-hire" in shown and "Biggest changes" in shown


@pytest.fixture
def generous_model() -> Iterator[FakeOpenAI]:
    def fours(recorded: Recorded) -> Reply:
        schema = recorded.body["response_format"]["json_schema"]["schema"]
        answer = re.search(
            r"<<<BEGIN ANSWER (\w+)>>>\n(.*)\n<<<END ANSWER \1>>>", recorded.messages[-1]["content"], re.DOTALL
        )
        quote = answer.group(2).split(".")[0] if answer else ""  # a 3 or 4 needs a verified quote
        return json_reply(
            {s: {"reasoning": f"the model likes {s}", "score": 4, "evidence": [quote]} for s in schema["properties"]}
        )

    with FakeOpenAI() as server:
        server.default["/chat/completions"] = fours
        yield server


def test_two_graders_on_the_same_rubric(
    generous_model: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", generous_model.base_url)
    monkeypatch.setenv("MOCKLOOP_MODEL", "fake-model")
    assert main(["regrade", str(GOLDEN), "--against-grader", "llm", "--top", "3", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["a"]["grader"], report["b"]["grader"]) == ("offline", "llm")
    assert report["a"]["rubric_ids"] == report["b"]["rubric_ids"] == ["base"]
    assert all(block["mean_b"] == 4.0 and block["shift"] >= 0 for block in report["signals"].values())
    assert len(report["changes"]) == 3
    assert all(change["b"]["rationale"].startswith("the model likes") for change in report["changes"])


def test_nothing_to_compare_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regrade", str(GOLDEN), "--rubric", "base"]) == 2
    assert "nothing to compare" in capsys.readouterr().err
