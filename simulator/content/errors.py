"""Content problems: one line each, naming file, line, column, field path and what was expected."""

import re
from dataclasses import dataclass
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, order=True)
class Problem:
    file: Path
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {clip(self.path, MAX_PATH)}:" if self.path else ""
        return f"{where}:{field} {clip(self.message, MAX_MESSAGE)}"


MAX_PATH, MAX_MESSAGE = 120, 400
"""A problem stays one readable line whatever the file holds (a 1 MB key or value is not echoed)."""


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis and the length it had."""
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    if len(text) > limit:
        text = f"{text[: limit - 1]}… ({len(text):,} characters)"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)  # no escape sequence reaches the terminal


class ContentError(Exception):
    """Raised with every problem found in one or more files."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
