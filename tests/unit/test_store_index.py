"""Listing sessions: final beats journal, a cache keyed by name+mtime+size, id lookup."""

import os
import stat
import time
from pathlib import Path

import pytest

from simulator.domain import Transcript
from simulator.store import (
    TranscriptError,
    latest_unfinished,
    list_sessions,
    load_session,
    write_final,
)
from simulator.store import index as index_module
from simulator.store.index import INDEX_NAME
from tests.samples import journal_bytes, sample_events, sample_transcript


def _id(n: int) -> str:
    return f"20261123-{n // 60:04d}{n % 60:02d}-amazon-pm-{n:04x}"


def _populate(directory: Path, finals: int, journals: int) -> None:
    directory.mkdir(exist_ok=True)
    template = sample_transcript()
    for n in range(finals):
        transcript = template.model_copy(update={"id": _id(n)})
        (directory / f"{_id(n)}.json").write_text(transcript.model_dump_json())
    for n in range(finals, finals + journals):
        (directory / f"{_id(n)}.jsonl").write_bytes(journal_bytes(sample_events(_id(n), False)))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the transcript files the index reads (instead of taking from its cache)."""
    seen: list[str] = []
    real_read, real_replay = index_module.read_transcript, index_module.replay_file

    def read(path: Path) -> Transcript:
        seen.append(path.name)
        return real_read(path)

    def replay(path: Path) -> tuple[Transcript | None, list[str]]:
        seen.append(path.name)
        return real_replay(path)

    monkeypatch.setattr(index_module, "read_transcript", read)
    monkeypatch.setattr(index_module, "replay_file", replay)
    return seen


def test_2000_sessions_second_listing_reads_nothing(tmp_path: Path, reads: list[str]) -> None:
    _populate(tmp_path, finals=1500, journals=500)
    first = list_sessions(tmp_path)
    assert len(first) == 2000 and len(reads) == 2000
    assert stat.S_IMODE((tmp_path / INDEX_NAME).stat().st_mode) == 0o600

    reads.clear()
    started = time.perf_counter()
    second = list_sessions(tmp_path)
    elapsed = time.perf_counter() - started
    assert reads == [] and second == first
    assert elapsed < 1.0, elapsed  # generous; the point is it reads no transcript

    changed = tmp_path / f"{_id(1700)}.jsonl"
    changed.write_bytes(journal_bytes(sample_events(_id(1700), finished=True)))
    (tmp_path / f"{_id(3)}.json").unlink()
    third = list_sessions(tmp_path)
    # a journal that finished without its final file (a kill in between) is read again to write it
    assert reads == [changed.name, changed.name] and len(third) == 1999
    assert next(s for s in third if s.id == _id(1700)).finished
    assert (tmp_path / f"{_id(1700)}.json").exists()


def test_summaries_say_what_a_listing_shows(tmp_path: Path) -> None:
    _populate(tmp_path, finals=1, journals=1)
    done, running = list_sessions(tmp_path)
    assert (done.id, done.loop, done.loop_title) == (_id(0), "amazon-pm", "Amazon PM loop")
    assert (done.finished, done.decision, done.mean) == (True, "hire", 3.0)
    assert done.path == tmp_path / f"{_id(0)}.json"
    assert (running.finished, running.decision, running.readable) == (False, None, True)
    assert running.started == sample_transcript().started_at


def test_the_final_file_wins_and_the_journal_is_not_read(tmp_path: Path, reads: list[str]) -> None:
    _populate(tmp_path, finals=0, journals=1)
    write_final(sample_transcript(_id(0)), tmp_path)
    [session] = list_sessions(tmp_path)
    assert session.finished and session.path.suffix == ".json"
    assert reads == [f"{_id(0)}.json"]


def test_an_unreadable_final_falls_back_to_its_journal(tmp_path: Path) -> None:
    _populate(tmp_path, finals=0, journals=2)
    (tmp_path / f"{_id(0)}.json").write_text("{ torn")
    (tmp_path / f"{_id(1)}.jsonl").write_text("nonsense\n")
    fallback, broken = list_sessions(tmp_path)
    assert fallback.readable and fallback.path.suffix == ".jsonl"
    assert "not JSON at line 1" in fallback.problems[0]
    assert not broken.readable and len(broken.problems) == 2

    transcript, problems = load_session(tmp_path, _id(0))
    assert transcript.id == _id(0) and "not JSON" in problems[0]
    with pytest.raises(TranscriptError, match="nothing to replay"):
        load_session(tmp_path, _id(1))


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, reads: list[str]) -> None:
    _populate(tmp_path, finals=3, journals=0)
    list_sessions(tmp_path)
    (tmp_path / INDEX_NAME).write_text('{"format": 1, "schema": 1, "files": {"x": 1')
    reads.clear()
    assert len(list_sessions(tmp_path)) == 3 and len(reads) == 3
    reads.clear()
    assert len(list_sessions(tmp_path)) == 3 and reads == []


def test_listing_a_missing_directory_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    assert list_sessions(tmp_path / "nowhere") == []
    assert not (tmp_path / "nowhere").exists()


def test_latest_unfinished_is_the_newest_one_not_done(tmp_path: Path) -> None:
    assert latest_unfinished(tmp_path) is None
    _populate(tmp_path, finals=2, journals=3)
    (tmp_path / f"{_id(4)}.jsonl").write_text("torn beyond repair")
    latest = latest_unfinished(tmp_path)
    assert latest is not None and latest.id == _id(3)


def test_load_session_by_id_or_unique_prefix(tmp_path: Path) -> None:
    _populate(tmp_path, finals=1, journals=1)
    transcript, problems = load_session(tmp_path, _id(0))
    assert transcript == sample_transcript(_id(0)) and problems == []
    transcript, _ = load_session(tmp_path, _id(1)[:-2])
    assert transcript == sample_transcript(_id(1), finished=False)


def test_unknown_ids_are_one_line_errors_with_suggestions(tmp_path: Path) -> None:
    _populate(tmp_path, finals=12, journals=0)
    with pytest.raises(TranscriptError) as caught:
        load_session(tmp_path, _id(5).replace("amazon", "amazom"))
    assert str(caught.value).startswith(f"no transcript '{_id(5).replace('amazon', 'amazom')}'")
    assert _id(5) in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(TranscriptError, match="matches 12 transcripts"):
        load_session(tmp_path, "2026")
    with pytest.raises(TranscriptError, match="not a transcript id"):
        load_session(tmp_path, "../../etc/passwd")
    with pytest.raises(TranscriptError, match="see `mockloop transcripts list`"):
        load_session(tmp_path, "zzzz")


def test_a_growing_journal_is_reread(tmp_path: Path, reads: list[str]) -> None:
    _populate(tmp_path, finals=0, journals=1)
    path = tmp_path / f"{_id(0)}.jsonl"
    assert not list_sessions(tmp_path)[0].finished
    before = path.stat()
    with path.open("ab") as handle:
        handle.write(journal_bytes(sample_events(_id(0))[-4:]))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as if within one clock tick
    reads.clear()
    assert list_sessions(tmp_path)[0].finished and reads[0] == path.name  # the size changed
