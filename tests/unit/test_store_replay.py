"""Replaying a journal keeps every readable event and reports the rest; it never raises."""

import json
import random
from pathlib import Path

from simulator.store import replay_file
from simulator.store.replay import LOST_QUESTION
from tests.samples import ANSWER_1, ANSWER_3, journal_bytes, sample_events, sample_transcript


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "20261123-155400-amazon-pm-ab12.jsonl"
    path.write_bytes(data)
    return path


def test_a_torn_last_line_keeps_everything_before_it(tmp_path: Path) -> None:
    whole = journal_bytes(sample_events(finished=False))
    torn = json.dumps({"v": 1, "type": "round_ended", "round": 1, "seconds_used": 9})[:25]
    path = _write(tmp_path, whole + torn.encode())
    transcript, problems = replay_file(path)
    assert transcript == sample_transcript(finished=False)
    assert problems == [f"{path}:14: torn or corrupt line (not JSON), skipped"]


def test_corrupt_lines_in_the_middle_are_skipped_and_named(tmp_path: Path) -> None:
    lines = journal_bytes(sample_events()).split(b"\n")
    lines.insert(3, b"\x00\x00\x00garbage")  # e.g. a block zeroed by a crash
    lines.insert(6, b"\xff\xfe not utf-8")
    lines.insert(8, b"[1, 2]")
    path = _write(tmp_path, b"\n".join(lines))
    transcript, problems = replay_file(path)
    assert transcript is not None and transcript.finished
    assert transcript.rounds[0].turns[0].answer == ANSWER_1
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:4", f"{path}:7", f"{path}:9"]
    assert "not an event" in problems[2]


def test_a_lost_question_keeps_its_answer_under_a_placeholder(tmp_path: Path) -> None:
    lines = journal_bytes(sample_events()).split(b"\n")
    lines[9] = lines[9][:-3]  # round 1's question, damaged
    transcript, problems = replay_file(_write(tmp_path, b"\n".join(lines)))
    assert transcript is not None
    turn = transcript.rounds[1].turns[0]
    assert (turn.text, turn.answer) == (LOST_QUESTION, ANSWER_3)
    assert len(problems) == 2 and "kept under a placeholder" in problems[1]


def test_events_from_a_newer_schema_are_kept_where_understood(tmp_path: Path) -> None:
    events = [json.loads(e.model_dump_json()) for e in sample_events(finished=False)]
    for event in events[4:]:
        event["v"] = 2
        event["mood"] = "confident"  # a field this version does not know
    events.insert(5, {"v": 2, "at": events[4]["at"], "type": "hint_shown", "round": 0})
    path = _write(tmp_path, "\n".join(json.dumps(e) for e in events).encode() + b"\n")
    transcript, problems = replay_file(path)
    assert transcript == sample_transcript(finished=False)
    assert problems == [
        f"{path}:5: written by a newer mockloop (schema v2, this one reads v1); keeping the events it understands",
        f"{path}:6: unknown event type 'hint_shown', skipped",
    ]


def test_inconsistent_events_are_reported_not_applied(tmp_path: Path) -> None:
    events = [json.loads(e.model_dump_json()) for e in sample_events(finished=False)]
    bad = [
        {**events[2], "round": 7},
        {**events[0]},
        {**events[3], "turn": "first"},
    ]
    lines = [json.dumps(e) for e in [events[2], *events, *bad]]
    path = _write(tmp_path, "\n".join(lines).encode())
    transcript, problems = replay_file(path)
    assert transcript == sample_transcript(finished=False)
    assert problems == [
        f"{path}:1: question before loop_started, skipped",
        f"{path}:15: question for unknown round 7, skipped",
        f"{path}:16: second loop_started, skipped",
        f"{path}:17: invalid answer event: turn: Input should be a valid integer, "
        "unable to parse string as an integer, skipped",
    ]


def test_no_loop_started_means_no_transcript(tmp_path: Path) -> None:
    path = _write(tmp_path, b"")
    assert replay_file(path) == (None, [f"{path}: no loop_started event; nothing to replay"])
    transcript, problems = replay_file(tmp_path / "missing.jsonl")
    assert transcript is None and "cannot read" in problems[0]


def test_random_damage_never_raises(tmp_path: Path) -> None:
    data = bytearray(journal_bytes(sample_events()))
    rng = random.Random(7)
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = damaged[: rng.randrange(len(damaged) + 1)]
        transcript, problems = replay_file(_write(tmp_path, bytes(cut)))
        assert transcript is not None or problems
    nested = _write(tmp_path, b'{"v":1,"type":"question","text":' + b"[" * 100_000 + b"\n")
    assert replay_file(nested)[0] is None
