"""Find saved sessions quickly, even with thousands of transcripts.

A summary of each file is cached in `transcripts/.index.json` (0600) under the file's name,
mtime and size; a listing re-reads only files that changed since. The cache is disposable:
a missing, corrupt or unwritable cache only makes the listing slower.
"""

import difflib
import json
import os
import re
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from simulator.domain import SCHEMA_VERSION, Transcript
from simulator.store.final import (
    FINAL_SUFFIX,
    TranscriptError,
    atomic_write,
    final_path,
    read_transcript,
    write_final,
)
from simulator.store.journal import JOURNAL_SUFFIX, journal_path, writer_gone
from simulator.store.replay import replay_file

INDEX_NAME = ".index.json"
_CACHE_FORMAT = 2
"""2: summaries carry the level."""
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SessionSummary(BaseModel):
    id: str
    loop: str = ""
    loop_title: str = ""
    started: datetime | None = None
    level: str | None = None
    """The seniority the loop was started for; None: any level."""
    finished: bool = False
    decision: str | None = None
    """`hire` / `no-hire` once the debrief exists."""
    mean: float | None = None
    path: Path
    readable: bool = True
    """False when neither the final transcript nor the journal could be read."""
    problems: list[str] = Field(default_factory=list)


def list_sessions(directory: Path) -> list[SessionSummary]:
    """Every session in `directory`, oldest first (ids start with the start time).

    A session's final `<id>.json` wins over its `<id>.jsonl` journal; the journal is read
    only when the final file is missing or unreadable.
    """
    files = _scan(directory)
    cache = _Cache.load(directory)
    ids = sorted({_stem(name) for name in files})
    sessions = [_session(directory, transcript_id, files, cache) for transcript_id in ids]
    cache.save(directory, keep=files)
    return sessions


def _session(directory: Path, transcript_id: str, files: dict[str, tuple[int, int]], cache: "_Cache") -> SessionSummary:
    final_name, journal_name = transcript_id + FINAL_SUFFIX, transcript_id + JOURNAL_SUFFIX
    final = None
    if final_name in files:
        final = cache.summary(directory / final_name, files[final_name])
        if final.readable or journal_name not in files:
            return final
    journal = cache.summary(directory / journal_name, files[journal_name])
    if final is None:
        if journal.finished and journal.readable:
            transcript, _ = replay_file(directory / journal_name)
            if transcript is not None and complete_final(directory, transcript):
                return journal.model_copy(update={"path": final_path(directory, transcript_id)})
        return journal
    return journal.model_copy(update={"problems": final.problems + journal.problems})


def latest_unfinished(directory: Path) -> SessionSummary | None:
    unfinished = [s for s in list_sessions(directory) if s.readable and not s.finished]
    return unfinished[-1] if unfinished else None


def load_session(directory: Path, transcript_id: str) -> tuple[Transcript, list[str]]:
    """The session `transcript_id` (or a unique prefix of it) with any problems found on the way.

    The final transcript if it exists and reads, else the replayed journal. Raises
    `TranscriptError` (one line) for an unknown id or when nothing readable is left.
    """
    try:
        return _load(directory, transcript_id)
    except PermissionError as exc:
        raise TranscriptError(f"{exc.filename or directory}: permission denied") from None


def _load(directory: Path, transcript_id: str) -> tuple[Transcript, list[str]]:
    transcript_id = _resolve(directory, transcript_id)
    final, journal = final_path(directory, transcript_id), journal_path(directory, transcript_id)
    problems: list[str] = []
    if final.exists():
        try:
            return read_transcript(final), problems
        except TranscriptError as exc:
            if not journal.exists():
                raise
            problems.append(str(exc))
    transcript, replay_problems = replay_file(journal)
    problems += replay_problems
    if transcript is None:
        raise TranscriptError("; ".join(problems))
    if transcript.finished and not final.exists():
        complete_final(directory, transcript)
    return transcript, problems


def complete_final(directory: Path, transcript: Transcript) -> bool:
    """Write the final file of a session whose journal says it finished but which has none (a kill
    between journaling `loop_finished` and writing `<id>.json`), and remove the temp files that
    write left behind. Only when no process is writing the journal; False when not written."""
    journal, final = journal_path(directory, transcript.id), final_path(directory, transcript.id)
    with writer_gone(journal) as idle:
        if not idle or final.exists():
            return False
        for stray in directory.glob(f".{final.name}.*.tmp"):
            with suppress(OSError):
                stray.unlink()
        try:
            write_final(transcript, directory)
        except OSError:  # a read-only directory: the journal still reads, the file is written next time
            return False
    return True


def _resolve(directory: Path, wanted: str) -> str:
    if not _ID.match(wanted):
        raise TranscriptError(f"{wanted!r} is not a transcript id; see `mockloop transcripts list`")
    if final_path(directory, wanted).exists() or journal_path(directory, wanted).exists():
        return wanted
    known = sorted({_stem(name) for name in _scan(directory)})
    prefixed = [i for i in known if i.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise TranscriptError(
            f"{wanted!r} matches {len(prefixed)} transcripts in {directory}: "
            f"{', '.join(prefixed[:5])}{', …' if len(prefixed) > 5 else ''}"
        )
    close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.6)
    hint = f"; close: {', '.join(close)}" if close else "; see `mockloop transcripts list`"
    raise TranscriptError(f"no transcript {wanted!r} in {directory}{hint}")


def _scan(directory: Path) -> dict[str, tuple[int, int]]:
    """Transcript file names in `directory` with their (mtime_ns, size)."""
    files = {}
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return {}
    except NotADirectoryError:
        raise TranscriptError(f"{directory} is not a directory; pass a transcripts directory") from None
    except PermissionError:
        raise TranscriptError(f"{directory}: permission denied") from None
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not name.endswith((FINAL_SUFFIX, JOURNAL_SUFFIX)):
            continue
        with suppress(OSError):  # vanished between scandir and stat
            stat = entry.stat()
            files[name] = (stat.st_mtime_ns, stat.st_size)
    return files


def _summarise(path: Path) -> SessionSummary:
    problems: list[str] = []
    if path.suffix == FINAL_SUFFIX:
        try:
            transcript = read_transcript(path)
        except TranscriptError as exc:
            return _unreadable(path, [str(exc)])
    else:
        replayed, problems = replay_file(path)
        if replayed is None:
            return _unreadable(path, problems)
        transcript = replayed
    debrief = transcript.debrief
    return SessionSummary(
        id=_stem(path.name),
        loop=transcript.loop,
        loop_title=transcript.loop_title,
        started=transcript.started_at,
        level=transcript.level,
        finished=transcript.finished,
        decision=debrief.decision if debrief else None,
        mean=debrief.mean if debrief else None,
        path=path,
        problems=problems,
    )


def _unreadable(path: Path, problems: list[str]) -> SessionSummary:
    return SessionSummary(id=_stem(path.name), path=path, readable=False, problems=problems)


def _stem(name: str) -> str:
    """The id a file name stands for: what `load_session` and `mockloop export` look up."""
    return name.rsplit(".", 1)[0]


class _Cache:
    """`{"format", "schema", "files": {name: {"mtime_ns", "size", "summary"}}}`; paths are not
    stored, so the same cache serves however the directory is spelled."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self.entries = entries
        self.changed = False

    @classmethod
    def load(cls, directory: Path) -> "_Cache":
        try:
            data = json.loads((directory / INDEX_NAME).read_bytes())
        except (OSError, ValueError, RecursionError):
            return cls({})
        if (
            not isinstance(data, dict)
            or data.get("format") != _CACHE_FORMAT
            or data.get("schema") != SCHEMA_VERSION
            or not isinstance(data.get("files"), dict)
        ):
            return cls({})
        return cls(data["files"])

    def summary(self, path: Path, stamp: tuple[int, int]) -> SessionSummary:
        entry = self.entries.get(path.name)
        if isinstance(entry, dict) and (entry.get("mtime_ns"), entry.get("size")) == stamp:
            try:
                return SessionSummary.model_validate({**entry["summary"], "path": path})
            except (ValidationError, TypeError, KeyError):  # a damaged entry: read the file
                pass
        summary = _summarise(path)
        self.entries[path.name] = {
            "mtime_ns": stamp[0],
            "size": stamp[1],
            "summary": summary.model_dump(mode="json", exclude={"path"}),
        }
        self.changed = True
        return summary

    def save(self, directory: Path, keep: dict[str, tuple[int, int]]) -> None:
        gone = [name for name in self.entries if name not in keep]
        for name in gone:
            del self.entries[name]
        if not (self.changed or gone):
            return
        data = {"format": _CACHE_FORMAT, "schema": SCHEMA_VERSION, "files": self.entries}
        with suppress(OSError):  # a read-only directory still lists, just without a cache
            atomic_write(directory / INDEX_NAME, json.dumps(data, separators=(",", ":")).encode())
