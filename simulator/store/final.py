"""The finished transcript, `transcripts/<id>.json`: written atomically, read with clear errors."""

import contextlib
import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from simulator.domain import SCHEMA_VERSION, Transcript
from simulator.redaction import redact_bytes
from simulator.store.journal import PRIVATE_FILE, ensure_private_dir, fsync_dir

FINAL_SUFFIX = ".json"


class TranscriptError(Exception):
    """A transcript cannot be found or read; the message is one line naming the file."""


def final_path(directory: Path, transcript_id: str) -> Path:
    return directory / f"{transcript_id}{FINAL_SUFFIX}"


def write_final(transcript: Transcript, directory: Path) -> Path:
    """Save `transcript` as `<directory>/<id>.json`; readers see the old or the whole new file."""
    data = transcript.model_dump_json(indent=2).encode() + b"\n"
    path = final_path(directory, transcript.id)
    atomic_write(path, data)
    return path


def atomic_write(path: Path, data: bytes, private_dir: bool = True) -> None:
    """Replace `path` with `data` (mode 0600, secrets redacted) via a temp file in the same directory.

    On any failure the temp file is removed and the previous `path`, if any, is untouched.
    `private_dir`: also make the directory 0700 (False for a file the user asked for anywhere).
    """
    data = redact_bytes(data)
    if private_dir:
        ensure_private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def read_transcript(path: Path) -> Transcript:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError(f"{path}: no such file") from None
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        obj = json.loads(data)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{path}: not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise TranscriptError(f"{path}: not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise TranscriptError(f"{path}: expected a JSON object, found {type(obj).__name__}")
    version = obj.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise TranscriptError(
            f"{path}: schema_version {version} is newer than this mockloop supports "
            f"({SCHEMA_VERSION}); upgrade mockloop to read it"
        )
    try:
        return Transcript.model_validate(obj)
    except ValidationError as exc:
        raise TranscriptError(f"{path}: not a valid transcript: {_summarise(exc)}") from None


def _summarise(exc: ValidationError, shown: int = 3) -> str:
    errors = exc.errors()
    parts = [f"{'.'.join(str(p) for p in err['loc']) or 'top level'}: {err['msg']}" for err in errors[:shown]]
    more = f" (and {len(errors) - shown} more)" if len(errors) > shown else ""
    return "; ".join(parts) + more
