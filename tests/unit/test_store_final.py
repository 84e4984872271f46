"""The final transcript: atomic replacement, and read errors that say what is wrong where."""

import json
import os
from pathlib import Path

import pytest

from simulator.domain import Transcript
from simulator.store import TranscriptError, read_transcript, write_final
from tests.samples import sample_transcript


def test_written_transcript_reads_back_with_its_schema_version(tmp_path: Path) -> None:
    transcript = sample_transcript()
    path = write_final(transcript, tmp_path / "transcripts")
    assert path == tmp_path / "transcripts" / f"{transcript.id}.json"
    assert json.loads(path.read_text())["schema_version"] == 1
    assert read_transcript(path) == transcript


def _only_final_left(directory: Path, path: Path, old: bytes) -> None:
    assert path.read_bytes() == old
    assert sorted(p.name for p in directory.iterdir()) == [path.name]  # no temp file left


def test_failed_serialisation_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old_transcript = sample_transcript(finished=False)
    path = write_final(old_transcript, tmp_path)
    old = path.read_bytes()

    def boom(self: Transcript, **kwargs: object) -> str:
        raise ValueError("cannot serialise")

    monkeypatch.setattr(Transcript, "model_dump_json", boom)
    with pytest.raises(ValueError, match="cannot serialise"):
        write_final(sample_transcript(), tmp_path)
    _only_final_left(tmp_path, path, old)


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = write_final(sample_transcript(finished=False), tmp_path)
    old = path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        write_final(sample_transcript(), tmp_path)
    monkeypatch.undo()
    _only_final_left(tmp_path, path, old)
    assert read_transcript(path) == sample_transcript(finished=False)


def _bad(tmp_path: Path, text: str) -> str:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def test_read_errors_name_the_file_and_the_trouble(tmp_path: Path) -> None:
    good = json.loads(sample_transcript().model_dump_json())
    assert _bad(tmp_path, '{\n  "id": "x",\n  oops\n}').endswith(
        "not JSON at line 3, column 3: Expecting property name enclosed in double quotes"
    )
    assert _bad(tmp_path, json.dumps({**good, "schema_version": 2})).endswith(
        "schema_version 2 is newer than this mockloop supports (1); upgrade mockloop to read it"
    )
    message = _bad(tmp_path, json.dumps({**good, "rounds": [{"index": "one"}], "rubric": None}))
    assert "not a valid transcript: rubric: Input should be a valid string" in message
    assert "rounds.0.index" in message and "(and 2 more)" in message
    assert _bad(tmp_path, "[]").endswith("expected a JSON object, found list")
    with pytest.raises(TranscriptError, match="no such file"):
        read_transcript(tmp_path / "missing.json")
