"""Secrets never reach a screen or a file: every error text is redacted before it is shown or written.

A server may echo the API key in its error ("Incorrect API key provided: sk-..."), and that text
ends up in a grade's `fallback_reason`, a warning, a report. `redact` replaces, in any text:

- the key mockloop is configured with (`OPENAI_API_KEY`, or `llm.api_key` in the config file),
  and any other secret `register`ed by the code that holds it;
- anything shaped like an API key or a bearer token (`sk-...`, `Bearer ...`), and the password in
  a URL (`https://user:password@host`), whoever's it is.

The sinks call it: the journal and every file mockloop writes (`store`), the streams of the
`mockloop` command (`redacted_streams`), the app's notifications, the engine's grading errors.
Imports nothing of ours, so every layer may use it.
"""

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

REDACTED = "[redacted]"
SECRET_ENV = ("OPENAI_API_KEY",)
MIN_SECRET = 8
"""Shorter values are not treated as secrets (a placeholder such as `x` would redact every x)."""

_PATTERNS = re.compile(
    r"(?P<key>\bsk-[A-Za-z0-9_\-]{12,})"
    r"|(?P<bearer>(?i:\bbearer)\s+)[A-Za-z0-9._~+/=\-]{8,}"
    r"|(?P<url>\b[a-z][a-z0-9+.\-]*://[^\s:/@\"']+:)[^\s/@\"']+@"
)
_registered: set[str] = set()
_lock = threading.Lock()
_config_cache: tuple[tuple[str, int, int], tuple[str, ...]] | None = None
_config_checked = (-1.0, "")
"""When (monotonic seconds) and for which MOCKLOOP_CONFIG_DIR the config file was last looked at."""
_known: tuple[tuple, list[str]] | None = None
CHECK_EVERY_S = 1.0


def register(secret: str | None) -> None:
    """Redact `secret` from now on (a key given on the command line, say)."""
    if secret and len(secret) >= MIN_SECRET:
        with _lock:
            _registered.add(secret)


def known_secrets() -> list[str]:
    """The secrets of this process, longest first (a key that contains another is replaced whole)."""
    global _known
    env = tuple(os.environ.get(name, "").strip() for name in SECRET_ENV)
    config = _config_secrets()
    with _lock:
        stamp = (env, config, len(_registered))
        if _known is None or _known[0] != stamp:
            found = {*_registered, *config, *(value for value in env if len(value) >= MIN_SECRET)}
            _known = (stamp, sorted(found, key=len, reverse=True))
        return _known[1]


def redact(text: str) -> str:
    """`text` with every secret replaced by `[redacted]`."""
    if not text:
        return text
    for secret in known_secrets():
        if secret in text:
            text = text.replace(secret, REDACTED)
    if "sk-" not in text and "://" not in text and "bearer" not in text.lower():
        return text  # none of _PATTERNS can match: skips a regex pass over every word (a 3 MB listing: 0.3 s)
    return _PATTERNS.sub(_replace, text)


def redact_bytes(data: bytes) -> bytes:
    """`redact` for UTF-8 bytes; bytes that are not UTF-8 are redacted where they are ASCII."""
    if not data:
        return data
    text = data.decode("utf-8", errors="surrogateescape")
    cleaned = redact(text)
    return data if cleaned == text else cleaned.encode("utf-8", errors="surrogateescape")


def _replace(match: re.Match[str]) -> str:
    if match.group("bearer"):
        return match.group("bearer") + REDACTED
    if match.group("url"):
        return match.group("url") + REDACTED + "@"
    return REDACTED


def _config_secrets() -> tuple[str, ...]:
    """`llm.api_key` of the config file, looked at again at most every second, read again only when it changed."""
    global _config_cache, _config_checked
    now, where = time.monotonic(), os.environ.get("MOCKLOOP_CONFIG_DIR", "")
    if _config_cache is not None and _config_checked[1] == where and now - _config_checked[0] < CHECK_EVERY_S:
        return _config_cache[1]
    _config_checked = (now, where)
    path = _config_file()
    try:
        info = path.stat()
    except OSError:
        _config_cache = ((str(path), -1, -1), ())
        return ()
    stamp = (str(path), info.st_mtime_ns, info.st_size)
    if _config_cache is None or _config_cache[0] != stamp:
        _config_cache = (stamp, _read_config_secrets(path))
    return _config_cache[1]


def _config_file() -> Path:
    from simulator.locations import config_file

    return config_file()


def _read_config_secrets(path: Path) -> tuple[str, ...]:
    try:
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:  # a config file that does not read holds no key we could send either
        return ()
    section = data.get("llm") if isinstance(data, dict) else None
    key = section.get("api_key") if isinstance(section, dict) else None
    return (key.strip(),) if isinstance(key, str) and len(key.strip()) >= MIN_SECRET else ()


class RedactingStream:
    """A text stream (stdout, stderr) that redacts what is written to it; everything else is the stream's.

    Text is redacted in pieces as the stream would pass it on: line by line when the stream is
    line-buffered (a terminal) or is stderr, else in blocks of about 8 KB or at `flush()`. So a key is never
    cut in two by the pieces a writer happens to write, and a long JSON listing costs one redaction per
    block, not one per token."""

    BLOCK = 8192

    def __init__(self, stream: TextIO, *, by_line: bool | None = None) -> None:
        self._stream = stream
        self._pending = ""
        self._by_line = bool(getattr(stream, "line_buffering", False)) if by_line is None else by_line

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in text and (self._by_line or len(self._pending) >= self.BLOCK):
            cut = self._pending.rfind("\n") + 1
            done, self._pending = self._pending[:cut], self._pending[cut:]
            self._stream.write(redact(done))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._drain()
        self._stream.flush()

    def _drain(self) -> None:
        if self._pending:
            done, self._pending = self._pending, ""
            self._stream.write(redact(done))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def redacted_streams() -> Iterator[None]:
    """`sys.stdout` and `sys.stderr` redact what is written while this lasts (the `mockloop` command);
    what is still pending is written when it ends."""
    import sys

    saved = {name: getattr(sys, name) for name in ("stdout", "stderr")}
    for name, stream in saved.items():
        if stream is not None and not isinstance(stream, RedactingStream):
            # stderr passes each line on at once (warnings, a batch id, as they happen), as Python's does
            setattr(sys, name, RedactingStream(stream, by_line=True if name == "stderr" else None))
    try:
        yield
    finally:
        for name, stream in saved.items():
            wrapper = getattr(sys, name)
            if isinstance(wrapper, RedactingStream) and wrapper is not stream:
                with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing left to say
                    wrapper._drain()
                setattr(sys, name, stream)
