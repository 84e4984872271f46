"""Read the transcripts of many saved sessions at once: the one loop every reader of history uses."""

from collections.abc import Iterable, Iterator
from pathlib import Path

from simulator.domain import Transcript
from simulator.store.final import TranscriptError
from simulator.store.index import SessionSummary, load_session


def load_transcripts(
    directory: Path, sessions: Iterable[SessionSummary]
) -> Iterator[tuple[SessionSummary, Transcript]]:
    """Each of `sessions` with its transcript, in order; unreadable ones are skipped."""
    for summary in sessions:
        if not summary.readable:
            continue
        try:
            transcript, _ = load_session(directory, summary.id)
        except TranscriptError:
            continue
        yield summary, transcript
