"""`mockloop transcripts list` and `mockloop export`, run as real subprocesses."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.store import write_final
from tests.samples import ANSWER_1, journal_bytes, sample_events, sample_transcript

DONE = "20261123-155400-amazon-pm-ab12"
RUNNING = "20261124-090000-amazon-pm-cd34"


def mockloop(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOCKLOOP_CONFIG_DIR": str(cwd / "config")}
    env.pop("MOCKLOOP_TRANSCRIPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    directory = tmp_path / "transcripts"
    write_final(sample_transcript(DONE), directory)
    (directory / f"{RUNNING}.jsonl").write_bytes(journal_bytes(sample_events(RUNNING, False)))
    return directory


def test_list_json(transcripts: Path, tmp_path: Path) -> None:
    done = mockloop("transcripts", "list", "--json", "--transcripts-dir", str(transcripts), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["id"], r["loop"], r["finished"], r["decision"]) for r in rows] == [
        (DONE, "amazon-pm", True, "hire"),
        (RUNNING, "amazon-pm", False, None),
    ]
    assert rows[0]["started"] == "2026-11-23T15:54:00Z" and rows[0]["mean"] == 3.0


def test_list_table_uses_the_default_directory(transcripts: Path) -> None:
    done = mockloop("transcripts", "list", cwd=transcripts.parent)
    assert done.returncode == 0, done.stderr
    header, _, first, second = done.stdout.splitlines()
    assert header.split() == ["id", "loop", "started", "finished", "result"]
    assert first.split() == [DONE, "amazon-pm", "2026-11-23", "15:54", "yes", "hire", "(3.00)"]
    assert second.split() == [RUNNING, "amazon-pm", "2026-11-23", "15:54", "no"]


def test_list_an_empty_directory(tmp_path: Path) -> None:
    done = mockloop("transcripts", "list", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (
        0,
        "no sessions saved in transcripts/ yet: `mockloop run LOOP` starts one (`mockloop loops list`)\n",
    )


def test_export_markdown_to_stdout_and_json_to_a_file(transcripts: Path, tmp_path: Path) -> None:
    done = mockloop("export", DONE, "--transcripts-dir", str(transcripts), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Mock interview loop: Amazon PM loop")
    assert f"> {ANSWER_1.splitlines()[0]}" in done.stdout and "## Debrief" in done.stdout

    out = tmp_path / "loop.json"
    done = mockloop(
        "export",
        RUNNING[:15],
        "--format",
        "json",
        "--output",
        str(out),
        "--transcripts-dir",
        str(transcripts),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == f"wrote {out}\n"
    assert json.loads(out.read_text())["id"] == RUNNING
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_an_unknown_id_is_one_line_and_exit_1(transcripts: Path) -> None:
    done = mockloop("export", DONE.replace("ab12", "ab13"), cwd=transcripts.parent)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"mockloop: no transcript '{DONE[:-1]}3' in transcripts; close: ")
    assert DONE in done.stderr


def test_export_a_corrupt_final_is_one_line_and_exit_1(tmp_path: Path) -> None:
    directory = tmp_path / "transcripts"
    directory.mkdir()
    (directory / f"{DONE}.json").write_text('{"id": "x",\n "loop": }')
    done = mockloop("export", DONE, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr == (f"mockloop: transcripts/{DONE}.json: not JSON at line 2, column 10: Expecting value\n")


def test_export_warns_about_a_torn_journal_and_still_exports(transcripts: Path) -> None:
    with (transcripts / f"{RUNNING}.jsonl").open("ab") as journal:
        journal.write(b'{"v": 1, "type": "ans')
    done = mockloop("export", RUNNING, cwd=transcripts.parent)
    assert done.returncode == 0
    assert done.stderr == (f"warning: transcripts/{RUNNING}.jsonl:14: torn or corrupt line (not JSON), skipped\n")
    assert "Improve returns for Taobao sellers." in done.stdout
