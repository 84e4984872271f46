"""Export a transcript as Markdown next to it: `<transcripts dir>/<id>[.<variant>].md`, private to the user."""

from pathlib import Path

from simulator.domain import Transcript
from simulator.store import to_markdown
from simulator.store.final import atomic_write


def export_markdown(transcript: Transcript, directory: Path, variant: str = "") -> Path:
    """Write the report (0600, atomically) and return its path; `variant` tells a re-graded copy apart."""
    name = f"{transcript.id}.{variant}.md" if variant else f"{transcript.id}.md"
    path = directory / name
    atomic_write(path, to_markdown(transcript).encode())
    return path
