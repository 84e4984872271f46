"""Write a transcript as a report: Markdown beside it in the transcripts dir, or Markdown/JSON to a file.

Every export goes through `store.final.atomic_write`: 0600, secrets redacted, never half written.
"""

from pathlib import Path
from typing import Literal

from simulator.domain import Transcript
from simulator.store import to_json, to_markdown
from simulator.store.final import atomic_write

Format = Literal["markdown", "json"]


def render(transcript: Transcript, format: Format = "markdown") -> str:
    return to_markdown(transcript) if format == "markdown" else to_json(transcript)


def export_beside(transcript: Transcript, directory: Path, variant: str = "") -> Path:
    """`<directory>/<id>[.<variant>].md`; `variant` tells a re-graded copy apart."""
    name = f"{transcript.id}.{variant}.md" if variant else f"{transcript.id}.md"
    path = directory / name
    atomic_write(path, render(transcript).encode())
    return path


def export_to(transcript: Transcript, output: Path, format: Format = "markdown") -> Path:
    """Write to `output` (created 0600; its directory is left as it is)."""
    atomic_write(output, render(transcript, format).encode(), private_dir=False)
    return output
