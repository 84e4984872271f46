"""The `mockloop` command as a real process."""

import json
from pathlib import Path

from tests.support import run_cli

BROKEN = """\
id: broken
title: Broken
signals:
  ownership:
    name: Ownership
    description: x
    levels: {1: a, 2: b, 3: c, 4: d}
rounds:
  bar-raiser:
    signals: {ownership: 1, grit: 1}
"""


def test_help_lists_commands_and_example() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("rubrics", "loops", "questions"):
        assert command in result.stdout
    assert "example" in result.stdout


def test_every_subcommand_help_has_an_example() -> None:
    for args in (("rubrics", "validate"), ("rubrics", "schema"), ("loops", "list"), ("questions", "list")):
        result = run_cli(*args, "--help")
        assert result.returncode == 0, result.stderr
        assert "example:\n  mockloop" in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("mockloop ")


def test_help_does_not_import_textual_or_openai() -> None:
    code = (
        "import sys\nfrom simulator.cli import build_parser\n"
        "build_parser()\n"
        "bad = [m for m in ('textual', 'openai', 'simulator.grading.offline') if m in sys.modules]\n"
        "print(bad)"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_shipped_content_validates(tmp_path: Path) -> None:
    result = run_cli("rubrics", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok:")


def test_broken_rubric_one_line_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = run_cli("rubrics", "validate", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:10:")
    assert "grit" in first


def test_syntax_error_reported(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("id: x\ntitle: [unclosed\nsignals: {}\n")
    result = run_cli("rubrics", "validate", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:")
    assert "Traceback" not in result.stderr


def test_schema_is_json_schema() -> None:
    result = run_cli("rubrics", "schema")
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"id", "signals", "rounds", "decision"} <= set(schema["properties"])


def test_loops_and_questions_json() -> None:
    loops = json.loads(run_cli("loops", "list", "--json").stdout)
    ids = {loop["id"] for loop in loops}
    assert {"amazon-pm", "alibaba-pm", "alibaba-pmm", "alibaba-tpm"} <= ids
    questions = json.loads(run_cli("questions", "list", "--round", "prfaq", "--json").stdout)
    assert len(questions) >= 12
    for q in questions:
        assert q["round"] == "prfaq"
        assert q["text"] and q["id"]
        assert isinstance(q["probes"], list) and q["probes"]


def test_unknown_round_is_one_line() -> None:
    result = run_cli("questions", "list", "--round", "astrology")
    assert result.returncode == 1
    assert "unknown round type 'astrology'" in result.stderr
    assert "Traceback" not in result.stderr
