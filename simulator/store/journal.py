"""The append-only journal of a running loop: `transcripts/<id>.jsonl`.

`append` returns only once the line is on disk (written, fsynced), so the UI may move on.
"""

import contextlib
import os
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType

from simulator.redaction import redact_bytes
from simulator.store.events import Event

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
JOURNAL_SUFFIX = ".jsonl"

_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise turn "\n" into "\r\n"
_CREATE_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | _BINARY


class JournalBusy(RuntimeError):
    """Another process holds the journal open for writing."""


def new_transcript_id(now: datetime, loop_id: str) -> str:
    """`20261123-155400-amazon-pm-ab12`: sorts by start time; the random tail separates
    sessions started in the same second (`Journal.create` retries on the rare clash)."""
    slug = _UNSAFE.sub("-", loop_id.lower()).strip("-") or "loop"
    return f"{now:%Y%m%d-%H%M%S}-{slug}-{secrets.token_hex(2)}"


def journal_path(directory: Path, transcript_id: str) -> Path:
    return directory / f"{transcript_id}{JOURNAL_SUFFIX}"


def ensure_private_dir(directory: Path) -> None:
    """Create `directory` if missing, 0700 whatever the umask, and so every parent it creates (the
    `mockloop/` config dir above `calibrations/`, say); an existing one of ours (such as the
    `transcripts/` a git clone makes 0755) is made private too."""
    if directory.is_dir():
        info = directory.stat()
        if info.st_mode & 0o077 and hasattr(os, "getuid") and info.st_uid == os.getuid():
            os.chmod(directory, PRIVATE_DIR)
        return
    missing = [directory]
    while not missing[-1].parent.exists() and missing[-1].parent != missing[-1]:
        missing.append(missing[-1].parent)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(folder, PRIVATE_DIR)
        fsync_dir(folder.parent)


def fsync_dir(directory: Path) -> None:
    """Make a created, renamed or deleted entry in `directory` durable."""
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals metadata itself
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writer_gone(path: Path) -> Iterator[bool]:
    """Whether no process (this one included) has the journal at `path` open for writing: True while
    this holds its writer lock, so nobody starts writing it meanwhile. False when it is busy or
    cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY | _BINARY)
    except OSError:
        yield False
        return
    try:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; a writer would hold the file open anyway
            yield True
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class Journal:
    """One writer per journal: an advisory lock refuses a second process (`JournalBusy`);
    within the process, threads may append (a grade finishing in a worker, say)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        return self.path.name.removesuffix(JOURNAL_SUFFIX)

    @classmethod
    def create(cls, directory: Path, loop_id: str, now: datetime | None = None) -> "Journal":
        """A new, empty journal with a fresh id, never reusing an existing file name."""
        ensure_private_dir(directory)
        started = now or datetime.now()
        while True:
            transcript_id = new_transcript_id(started, loop_id)
            path = journal_path(directory, transcript_id)
            if path.with_suffix(".json").exists():
                continue
            try:
                fd = os.open(path, _CREATE_FLAGS, PRIVATE_FILE)
            except FileExistsError:
                continue
            os.chmod(path, PRIVATE_FILE)
            fsync_dir(directory)
            return cls._locked(path, fd)

    @classmethod
    def open(cls, directory: Path, transcript_id: str) -> "Journal":
        """Reopen an existing journal to continue it (resume).

        A torn last line (a crash mid-write) is ended with a newline first, so the next event
        starts on a line of its own; replay reports the torn line and keeps everything else.
        """
        path = journal_path(directory, transcript_id)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | _BINARY)
        journal = cls._locked(path, fd)
        try:
            if os.lseek(fd, 0, os.SEEK_END) > 0:
                os.lseek(fd, -1, os.SEEK_END)
                if os.read(fd, 1) != b"\n":
                    journal._write(b"\n")
        except OSError:
            journal.close()
            raise
        return journal

    @classmethod
    def _locked(cls, path: Path, fd: int) -> "Journal":
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks
            return cls(path, fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalBusy(f"{path}: another mockloop is writing this transcript") from None
        return cls(path, fd)

    def append(self, event: Event) -> None:
        """Write `event` as one line and fsync; when this returns, the event survives a crash.
        No secret (an API key a server echoed in an error) is written."""
        self._write(redact_bytes(event.model_dump_json().encode()) + b"\n")

    def _write(self, data: bytes) -> None:
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> "Journal":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
