"""Grading many rounds through the OpenAI Batch API, resumable after an interruption.

The LLM grader builds every request and reads every reply itself; only its model is swapped.
A `CapturingModel` records the body of the request a live grade would send (one batch line per
round), a `ReplayModel` hands the grader the batch's reply. So a batch line is the request a live
grade sends, and a reply passes the same checks (schema, verbatim quotes, the injection cap, the
round's overall score). A round whose reply is missing or invalid falls back to the offline grader,
marked `offline-fallback` with the reason.

The state file (JSON, 0600) is written when the requests are uploaded and again, with the batch
id, as soon as the batch exists. Running the same command again, or with the batch id, polls that
batch instead of creating another. The state file and the JSONL beside it are removed once the
results are merged.

The grader's own model must be an `OpenAIChatModel`: its session reaches the Batch API.
"""

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from simulator.domain import RoundGrade, Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.llm_grader import LLMGrader
from simulator.llm import batch
from simulator.llm.batch import (
    BatchLine,
    BatchReply,
    BatchStatus,
    CapturedRequest,
    CapturingModel,
    ReplayModel,
)
from simulator.llm.errors import LLMError
from simulator.llm.openai_model import OpenAIChatModel

STATE_VERSION = 1


class BatchStateError(Exception):
    """A state file that cannot be read; the message names it."""


@dataclass(frozen=True)
class BatchJob:
    """One round to grade: `source` names the input as given, `index` the round's place in it."""

    source: str
    index: int
    request: GradeRequest
    rubric: Rubric

    @property
    def custom_id(self) -> str:
        return f"{self.source}#{self.index}"

    def fingerprint(self) -> str:
        """Changes when what the candidate was asked or answered changes."""
        r = self.request
        return _digest([r.round, r.question, r.answer, list(r.followups)])


class ManifestEntry(BaseModel):
    custom_id: str
    round: str
    rubric: str
    fingerprint: str


class BatchState(BaseModel):
    version: int = STATE_VERSION
    created_at: str
    model: str
    input_file_id: str
    batch_id: str | None = None
    requests: list[ManifestEntry]

    @classmethod
    def read(cls, path: Path) -> "BatchState | None":
        """None when there is no such file."""
        try:
            return cls.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError) as exc:
            raise BatchStateError(f"{path}: not a readable batch state file ({exc})") from None

    def write(self, path: Path) -> None:
        from simulator.store.final import atomic_write

        atomic_write(path, self.model_dump_json(indent=2).encode() + b"\n")


@dataclass(frozen=True)
class BatchOutcome:
    status: BatchStatus
    grades: list[RoundGrade]
    """One per job, in job order."""


def default_state_path(grader: LLMGrader, jobs: Sequence[BatchJob], states: Path) -> Path:
    """`<states>/<digest>.json` (`states` is `state_dir` of the transcripts dir): the digest of everything
    the requests are built from (endpoint, model, prompt template, rubrics, rounds), so the same command
    finds it again."""
    live = live_model(grader)
    rubrics = {job.rubric.id: job.rubric.model_dump_json() for job in jobs}
    key = _digest(
        [
            live.session.settings.base_url,
            live.model,
            live.options,
            grader.hints is not None,
            grader.template.system.template,
            grader.template.user.template,
            rubrics,
            [[job.custom_id, job.rubric.id, job.fingerprint()] for job in jobs],
        ]
    )
    return states / f"{key[:16]}.json"


def live_model(grader: LLMGrader) -> OpenAIChatModel:
    """The grader's model, which batch grading needs to be on an OpenAI-compatible endpoint."""
    if not isinstance(grader.model, OpenAIChatModel):
        raise LLMError(f"batch grading needs an OpenAI-compatible endpoint, not {type(grader.model).__name__}")
    return grader.model


def state_dir(transcripts: Path) -> Path:
    """Where batch state files live: `batches/` in the transcripts dir."""
    return transcripts / "batches"


async def grade_in_batch(
    grader: LLMGrader,
    jobs: Sequence[BatchJob],
    *,
    state_path: Path,
    states: Path,
    batch_id: str | None = None,
    poll_seconds: float = 30.0,
    on_submitted: Callable[[str, Path], None] | None = None,
    on_progress: Callable[[BatchStatus], None] | None = None,
) -> BatchOutcome:
    """Submit the jobs as one batch (or pick up the batch the state file or `batch_id` names),
    poll until it finishes and grade each round from its reply.

    With `batch_id`, the state file is `state_path` if it holds that batch, else the one in
    `states` that does; without one, replies are matched to jobs by custom_id alone.
    Raises LLMError when the Batch API cannot be reached, BatchStateError for a corrupt state file.
    """
    owned: Path | None = state_path
    if batch_id is None:
        state = BatchState.read(state_path)
        if state is None or state.batch_id is None:
            state = await _submit(grader, jobs, state_path, state)
            if on_submitted is not None:
                on_submitted(str(state.batch_id), state_path)
        batch_id = str(state.batch_id)
    else:
        owned = _state_holding(batch_id, state_path, states)
        state = BatchState.read(owned) if owned else None
    status = await _poll(grader, batch_id, poll_seconds, on_progress)
    replies = await batch.replies(live_model(grader).session, status)
    manifest = {entry.custom_id: entry for entry in state.requests} if state else None
    grades = await asyncio.gather(*(_grade(grader, job, status, replies, manifest) for job in jobs))
    if owned is not None:
        for path in (owned, owned.with_suffix(".jsonl")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return BatchOutcome(status, list(grades))


async def _submit(grader: LLMGrader, jobs: Sequence[BatchJob], path: Path, state: BatchState | None) -> BatchState:
    """Upload the requests unless the state says they are, then create the batch; the state is
    saved after each step."""
    live = live_model(grader)
    session = live.session
    if state is None:
        from simulator.store.final import atomic_write

        lines = [await _capture(grader, job) for job in jobs]
        requests = path.with_suffix(".jsonl")
        atomic_write(requests, "".join(line.jsonl() + "\n" for line in lines).encode())
        state = BatchState(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            model=live.model,
            input_file_id=await batch.upload(session, requests),
            requests=[
                ManifestEntry(
                    custom_id=job.custom_id,
                    round=job.request.round,
                    rubric=job.rubric.id,
                    fingerprint=job.fingerprint(),
                )
                for job in jobs
            ],
        )
        state.write(path)
    created = await batch.create(session, state.input_file_id, {"created_by": "mockloop grade --batch"})
    state = state.model_copy(update={"batch_id": created.id})
    state.write(path)
    return state


async def _capture(grader: LLMGrader, job: BatchJob) -> BatchLine:
    capturing = LLMGrader(CapturingModel(live_model(grader)), hints=grader.hints, template=grader.template)
    try:
        await capturing.grade(job.request, job.rubric)
    except CapturedRequest as captured:
        return BatchLine(job.custom_id, captured.body)
    raise RuntimeError(f"{job.custom_id}: the LLM grader made no request")


async def _poll(
    grader: LLMGrader, batch_id: str, poll_seconds: float, on_progress: Callable[[BatchStatus], None] | None
) -> BatchStatus:
    while True:
        status = await batch.retrieve(live_model(grader).session, batch_id)
        if on_progress is not None:
            on_progress(status)
        if status.finished:
            return status
        await asyncio.sleep(poll_seconds)


async def _grade(
    grader: LLMGrader,
    job: BatchJob,
    status: BatchStatus,
    replies: dict[str, BatchReply],
    manifest: dict[str, ManifestEntry] | None,
) -> RoundGrade:
    reply = replies.get(job.custom_id)
    entry = manifest.get(job.custom_id) if manifest is not None else None
    if manifest is not None and (entry is None or entry.fingerprint != job.fingerprint()):
        reply, missing = None, f"this round is not the one submitted in batch {status.id}"
    elif status.status == "failed":
        missing = f"batch {status.id} failed: {'; '.join(status.errors) or 'no reason given'}"
    elif status.status == "completed":
        missing = f"batch {status.id} has no reply for {job.custom_id}"
    else:
        missing = f"batch {status.id} was {status.status} before this request was answered"
    replaying = LLMGrader(
        ReplayModel(live_model(grader), reply, missing),
        fallback=grader.fallback,
        hints=grader.hints,
        template=grader.template,
    )
    return await replaying.grade(job.request, job.rubric)


def _state_holding(batch_id: str, preferred: Path, states: Path) -> Path | None:
    """`preferred` if it is the state of `batch_id`, else the state file in `states` that is."""
    for path in [preferred, *sorted(states.glob("*.json"))]:
        try:
            state = BatchState.read(path)
        except BatchStateError:
            continue
        if state is not None and state.batch_id == batch_id:
            return path
    return None


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
