"""`mockloop grade` as a real process: the JSON contract, formats, bad inputs, transcripts."""

import json
from pathlib import Path

from tests.answers import SHEET
from tests.support import REPO, run_cli

GOLDEN = REPO / "rubrics" / "golden" / "tune" / "bar-raiser.yaml"


def test_json_contract(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(SHEET)
    result = run_cli("grade", str(sheet), "--grader", "offline", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    [entry] = document["results"]
    assert entry["source"] == str(sheet) and entry["rubric"] == "amazon-pm"
    first, second = entry["rounds"]
    answer = SHEET.split("answer: |\n")[1].split("  - round")[0]
    flat = " ".join(answer.split())
    for rnd in (first, second):
        assert rnd["round"] == "bar-raiser" and rnd["grader"] == "offline"
        assert isinstance(rnd["overall"]["score"], int) and isinstance(rnd["flags"], list)
        for signal in rnd["signals"].values():
            assert isinstance(signal["score"], int)
            assert isinstance(signal["evidence"], list)
    for signal in first["signals"].values():
        for quote in signal["evidence"]:
            assert " ".join(quote.split()) in flat
    assert "prompt-injection" in second["flags"] and second["overall"]["score"] <= 2


def test_bad_file_reported_others_graded(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("rounds:\n  - round: prfaq\n    question: [unclosed\n")
    result = run_cli("grade", str(broken), str(GOLDEN))
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert [r["source"] for r in document["results"]] == [str(GOLDEN)]
    assert document["errors"][0]["source"] == str(broken)
    assert result.stderr.startswith(f"mockloop: {broken}:")
    assert "Traceback" not in result.stderr


def test_unknown_round_names_file_and_line(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("rounds:\n  - round: astrology\n    question: q\n    answer: a\n")
    result = run_cli("grade", str(sheet))
    assert result.returncode == 1
    assert f"{sheet}:2:5: rounds[0].round: rubric 'base' does not grade round 'astrology'" in result.stderr


def test_table_and_markdown() -> None:
    table = run_cli("grade", str(GOLDEN), "--format", "table")
    assert table.returncode == 0 and "overall" in table.stdout and "bar-raiser" in table.stdout
    markdown = run_cli("grade", str(GOLDEN), "--format", "markdown")
    assert markdown.returncode == 0 and markdown.stdout.startswith("# ") and "| signal | score |" in markdown.stdout


def test_rubric_file_override_moves_scores(tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text("id: strict\ntitle: Strict\nextends: base\ndecision:\n  round_cutoffs: [3.9, 3.95, 4.0]\n")
    default = json.loads(run_cli("grade", str(GOLDEN)).stdout)
    tuned = json.loads(run_cli("grade", str(GOLDEN), "--rubric", str(strict)).stdout)
    assert tuned["results"][0]["rubric"] == "strict"
    before = [r["overall"]["score"] for r in default["results"][0]["rounds"]]
    after = [r["overall"]["score"] for r in tuned["results"][0]["rounds"]]
    assert all(a <= b for a, b in zip(after, before, strict=True)) and after != before


def test_grades_a_saved_transcript(tmp_path: Path) -> None:
    answer = (
        "At Cainiao I owned the returns flow. I decided to refund on courier scan. Refund time "
        "went from 9 days to 2 days over eight weeks, per the returns dashboard.\n.\n"
    )
    run = run_cli("run", "drill-prfaq", "--plain", "--seed", "1", "--transcripts-dir", str(tmp_path), stdin=answer * 6)
    assert run.returncode == 0, run.stderr
    [final] = [p for p in tmp_path.glob("*.json") if not p.name.startswith(".")]
    result = run_cli("grade", str(final))
    assert result.returncode == 0, result.stderr
    [entry] = json.loads(result.stdout)["results"]
    assert entry["rounds"][0]["round"] == "prfaq"


def test_llm_grader_without_endpoint_says_so(tmp_path: Path) -> None:
    result = run_cli("grade", str(GOLDEN), "--grader", "llm")
    assert result.returncode == 2
    assert "needs an endpoint" in result.stderr and "Traceback" not in result.stderr
