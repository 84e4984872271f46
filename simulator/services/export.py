"""Write a transcript as a report: Markdown beside it in the transcripts dir, or Markdown/JSON to a file.

Every export goes through `store.final.atomic_write`: 0600, secrets redacted, never half written.
"""

from pathlib import Path
from typing import Literal

from simulator.content import Library
from simulator.domain import Transcript
from simulator.store import to_json, to_markdown
from simulator.store.final import atomic_write

Format = Literal["markdown", "json"]


def outlines(transcript: Transcript, library: Library | None) -> dict[str, list[str]]:
    """What a strong answer covers, for each question of `transcript` the library still has."""
    if library is None:
        return {}
    asked = {turn.question_id for record in transcript.rounds for turn in record.turns if turn.question_id}
    return {qid: library.questions[qid].outline for qid in asked if qid in library.questions}


def render(transcript: Transcript, format: Format = "markdown", library: Library | None = None) -> str:
    """Markdown (with each graded question's outline from `library`) or JSON (the transcript as saved)."""
    if format == "json":
        return to_json(transcript)
    return to_markdown(transcript, outlines(transcript, library))


def export_beside(transcript: Transcript, directory: Path, variant: str = "", library: Library | None = None) -> Path:
    """`<directory>/<id>[.<variant>].md`; `variant` tells a re-graded copy apart."""
    name = f"{transcript.id}.{variant}.md" if variant else f"{transcript.id}.md"
    path = directory / name
    atomic_write(path, render(transcript, library=library).encode())
    return path


def export_to(
    transcript: Transcript, output: Path, format: Format = "markdown", library: Library | None = None
) -> Path:
    """Write to `output` (created 0600; its directory is left as it is)."""
    atomic_write(output, render(transcript, format, library).encode(), private_dir=False)
    return output
