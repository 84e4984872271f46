"""The journal: every appended event is on disk, whole, before `append` returns."""

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from datetime import datetime
from pathlib import Path

import pytest

from simulator.domain import Transcript
from simulator.store import (
    AnswerGiven,
    Journal,
    JournalBusy,
    QuestionAsked,
    new_transcript_id,
    read_transcript,
    replay_file,
    write_final,
)
from simulator.store.index import INDEX_NAME, list_sessions
from tests.samples import SAMPLE_ID, sample_events, sample_transcript


def test_each_append_is_one_fsynced_line_readable_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fsynced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsynced.append(fd), real_fsync(fd))[1])
    events = sample_events()
    with Journal.create(tmp_path, "amazon-pm") as journal:
        for count, event in enumerate(events, start=1):
            before = len(fsynced)
            journal.append(event)
            assert len(fsynced) > before  # fsync ran before append returned
            lines = journal.path.read_bytes().split(b"\n")
            assert lines[-1] == b"" and len(lines) == count + 1  # whole lines only
            assert json.loads(lines[-2]) == json.loads(event.model_dump_json())
    assert json.loads(lines[0])["v"] == 1


def test_transcript_ids_sort_by_time_and_never_clash(tmp_path: Path) -> None:
    now = datetime(2026, 11, 23, 15, 54, 0)
    assert new_transcript_id(now, "amazon-pm").startswith("20261123-155400-amazon-pm-")
    assert new_transcript_id(now, "../Weird Loop!").startswith("20261123-155400-weird-loop-")
    journals = [Journal.create(tmp_path, "amazon-pm", now=now) for _ in range(300)]
    for journal in journals:
        journal.close()
    assert len({j.id for j in journals}) == 300
    later = new_transcript_id(datetime(2026, 11, 23, 15, 54, 1), "amazon-pm")
    assert max(j.id for j in journals) < later


@pytest.mark.parametrize("umask", [0o022, 0o277])
def test_directory_is_0700_and_files_0600_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    directory = tmp_path / "transcripts"  # its parent exists: 0o277 would lock us out of one
    old = os.umask(umask)
    try:
        with Journal.create(directory, "amazon-pm") as journal:
            journal.append(sample_events()[0])
        final = write_final(_replayed(journal.path), directory)
        list_sessions(directory)
    finally:
        os.umask(old)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in (journal.path, final, directory / INDEX_NAME):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "amazon-pm") as journal, pytest.raises(JournalBusy):
        Journal.open(tmp_path, journal.id)


def test_reopening_after_a_torn_line_starts_a_fresh_line(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "amazon-pm") as journal:
        for event in sample_events(journal.id, finished=False)[:4]:
            journal.append(event)
    with journal.path.open("ab") as raw:
        raw.write(b'{"v":1,"type":"question","round":0,"te')  # the crash hit mid-line
    with Journal.open(tmp_path, journal.id) as resumed:
        resumed.append(QuestionAsked(round=0, text="Next question?"))
        resumed.append(AnswerGiven(round=0, turn=1, text="resumed answer"))
    transcript, problems = replay_file(journal.path)
    assert transcript is not None
    assert transcript.rounds[0].turns[1].answer == "resumed answer"
    assert len(problems) == 1 and f"{journal.path}:5: torn or corrupt line" in problems[0]


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tests.samples import sample_events
    from simulator.store import AnswerGiven, Journal, QuestionAsked

    journal = Journal.create(Path(sys.argv[1]), "amazon-pm")
    print(journal.id, flush=True)
    journal.append(sample_events(journal.id)[0])
    for n in range(100_000):
        journal.append(QuestionAsked(round=0, text=f"question {n}"))
        journal.append(AnswerGiven(round=0, turn=n, text=f"answer {n}\\nsecond line"))
        print(n, flush=True)  # acknowledged: the UI would move on now
    """
)


def test_sigkill_mid_loop_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    transcript_id = child.stdout.readline().strip()
    acknowledged = [int(child.stdout.readline()) for _ in range(40)]
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    transcript, problems = replay_file(tmp_path / f"{transcript_id}.jsonl")
    assert transcript is not None
    answers = [turn.answer for turn in transcript.rounds[0].turns]
    for n in acknowledged:
        assert answers[n] == f"answer {n}\nsecond line"
    assert all(p.endswith("torn or corrupt line (not JSON), skipped") for p in problems)
    assert len(problems) <= 1


def test_sigkill_after_a_journal_holds_the_whole_loop(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from tests.samples import sample_events
        from simulator.store import Journal

        journal = Journal.create(Path(sys.argv[1]), "amazon-pm")
        for event in sample_events(journal.id):
            journal.append(event)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, check=False)
    assert done.returncode == -signal.SIGKILL
    [path] = tmp_path.glob("*.jsonl")
    transcript, problems = replay_file(path)
    assert problems == [] and transcript is not None and transcript.finished
    assert transcript == sample_transcript(transcript.id)


def _replayed(path: Path) -> Transcript:
    transcript, _ = replay_file(path)
    assert transcript is not None
    return transcript


def test_final_written_from_a_journal_reads_back(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "amazon-pm") as journal:
        for event in sample_events(SAMPLE_ID):
            journal.append(event)
    transcript = _replayed(journal.path)
    assert read_transcript(write_final(transcript, tmp_path)) == transcript


def test_threads_appending_at_once_write_whole_lines(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "amazon-pm") as journal:

        def answer(worker: int) -> None:
            for n in range(50):
                journal.append(AnswerGiven(round=worker, turn=n, text=f"{worker}-{n} " * 200))

        threads = [threading.Thread(target=answer, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    events = [json.loads(line) for line in journal.path.read_bytes().splitlines()]
    assert sorted((e["round"], e["turn"]) for e in events) == [(w, n) for w in range(4) for n in range(50)]
    assert all(e["text"] == f"{e['round']}-{e['turn']} " * 200 for e in events)
