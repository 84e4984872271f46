"""The OpenAI Batch API for chat completions: upload JSONL requests, create a batch, poll it and
download what it answered, at half the price of live requests, within 24 hours.

Two `ChatModel`s let code written for live calls (the LLM grader) build batch lines and read batch
replies unchanged: `CapturingModel` records the body the live model would send instead of sending
it, and `ReplayModel` answers with the batch's reply to it.
"""

import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from simulator.llm.errors import LLMBadOutput, LLMError
from simulator.llm.model import Completion, Prompt
from simulator.llm.openai_model import OpenAIChatModel
from simulator.llm.replies import check_completion
from simulator.llm.session import LLMSession
from simulator.llm.structured import parse_reply, readable_text, validation_problem
from simulator.llm.usage import ModelPrice, request_usage

ENDPOINT: Final = "/v1/chat/completions"
WINDOW: Final = "24h"
FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})
PRICE_FACTOR = 0.5
"""What a batch request costs relative to a live one (OpenAI and Azure OpenAI: half)."""


@dataclass(frozen=True)
class BatchLine:
    """One request of a batch; `custom_id` is how its reply is found again."""

    custom_id: str
    body: dict[str, Any]

    def jsonl(self) -> str:
        line = {"custom_id": self.custom_id, "method": "POST", "url": ENDPOINT, "body": self.body}
        return json.dumps(line, ensure_ascii=False)


@dataclass(frozen=True)
class BatchStatus:
    id: str
    status: str
    """validating, in_progress, finalizing, completed, failed, expired, cancelling or cancelled."""
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: tuple[str, ...] = ()
    """Why the batch as a whole failed (validation errors), when it did."""

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @classmethod
    def of(cls, batch: Any) -> "BatchStatus":
        counts = batch.request_counts
        problems = (batch.errors.data or []) if batch.errors else []
        return cls(
            id=batch.id,
            status=batch.status,
            total=counts.total if counts else 0,
            completed=counts.completed if counts else 0,
            failed=counts.failed if counts else 0,
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            errors=tuple(_problem(p.code, p.message, p.line) for p in problems),
        )


@dataclass(frozen=True)
class BatchReply:
    """The batch's answer to one request: a chat completion body, or why there is none."""

    custom_id: str
    body: dict[str, Any] | None = None
    error: str | None = None


async def upload(session: LLMSession, path: Path) -> str:
    """Upload a JSONL file of requests (purpose `batch`); returns the file id."""
    content = path.read_bytes()
    uploaded = await session._request(lambda client: client.files.create(file=(path.name, content), purpose="batch"))
    return uploaded.id


async def create(session: LLMSession, input_file_id: str, metadata: dict[str, str]) -> BatchStatus:
    batch = await session._request(
        lambda client: client.batches.create(
            input_file_id=input_file_id,
            endpoint=ENDPOINT,
            completion_window=WINDOW,
            metadata=metadata,
        )
    )
    return BatchStatus.of(batch)


async def retrieve(session: LLMSession, batch_id: str) -> BatchStatus:
    return BatchStatus.of(await session._request(lambda client: client.batches.retrieve(batch_id)))


async def replies(session: LLMSession, status: BatchStatus) -> dict[str, BatchReply]:
    """Every reply in the batch's output and error files, by custom_id."""
    found: dict[str, BatchReply] = {}
    for file_id in (status.output_file_id, status.error_file_id):
        if file_id:
            found.update(parse_replies(await _download(session, file_id)))
    return found


async def _download(session: LLMSession, file_id: str) -> str:
    content = await session._request(lambda client: client.files.content(file_id))
    return content.text


def parse_replies(text: str) -> dict[str, BatchReply]:
    """The lines of a batch output or error file; a line that is not JSON is skipped."""
    found: dict[str, BatchReply] = {}
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict) or not isinstance(item.get("custom_id"), str):
            continue
        custom_id = item["custom_id"]
        response = item.get("response") or {}
        failure = item.get("error")
        status = response.get("status_code")
        if failure:
            found[custom_id] = BatchReply(custom_id, error=_problem(failure.get("code"), failure.get("message")))
        elif status == 200 and isinstance(response.get("body"), dict):
            found[custom_id] = BatchReply(custom_id, body=response["body"])
        else:
            body = response.get("body")
            detail = body.get("error", {}).get("message") if isinstance(body, dict) else None
            found[custom_id] = BatchReply(custom_id, error=f"HTTP {status}: {detail or body}")
    return found


class CapturedRequest(Exception):
    """Raised by `CapturingModel.complete` instead of sending: `body` is what would have been sent."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__("request captured for a batch")
        self.body = body


class CapturingModel:
    """A `ChatModel` that sends nothing: `complete` raises CapturedRequest with the body the live
    model's first request would carry."""

    def __init__(self, live: OpenAIChatModel) -> None:
        self.live = live
        self.concurrency = live.concurrency

    async def complete(self, prompt: Prompt, schema: type[BaseModel] | None = None) -> Completion[Any]:
        raise CapturedRequest(self.live.request_body(prompt, schema))

    def stream(self, prompt: Prompt) -> AsyncGenerator[str, None]:
        raise LLMError("a batch holds no streamed requests")

    async def aclose(self) -> None:
        """Nothing to close: the live model belongs to its owner."""


class ReplayModel:
    """A `ChatModel` that answers one `complete` with a batch reply, costed at the batch price.

    No reply (or an error reply) raises LLMError with the reason; a reply that does not fit the
    schema raises LLMBadOutput: a batch has one reply per request, so there is no repair re-ask.
    """

    def __init__(self, live: OpenAIChatModel, reply: BatchReply | None, missing: str) -> None:
        self.model = live.model
        self.endpoint = live.session.settings.endpoint
        self.prices = batch_prices(live.session.settings.prices)
        self.concurrency = live.concurrency
        self._reply = reply
        self._missing = missing

    async def complete(self, prompt: Prompt, schema: type[BaseModel] | None = None) -> Completion[Any]:
        from openai.types.chat import ChatCompletion

        if self._reply is None:
            raise LLMError(self._missing)
        if self._reply.body is None:
            raise LLMError(f"the batch request failed: {self._reply.error}")
        try:
            completion = ChatCompletion.model_validate(self._reply.body)
        except ValidationError:  # a lenient server's shape (content parts, ...): read as a live reply is
            completion = ChatCompletion.model_construct(**self._reply.body)
        try:
            check_completion(completion, self.endpoint)
        except LLMError as exc:
            raise LLMBadOutput(f"the batch reply is not a usable chat completion: {exc}") from None
        spent = request_usage(self.model, completion.usage, self.prices)
        try:
            text = readable_text(completion)
        except LLMError as exc:  # a refusal, a withheld or empty reply
            exc.usage = spent
            raise
        try:
            value = None if schema is None else parse_reply(text, schema)
        except ValidationError as exc:
            problem = validation_problem(text, exc)
            error = LLMBadOutput(f"the batch reply did not validate (a batch allows no repair re-ask): {problem}")
            error.usage = spent
            raise error from None
        return Completion(text, value, spent)

    def stream(self, prompt: Prompt) -> AsyncGenerator[str, None]:
        raise LLMError("a batch holds no streamed requests")

    async def aclose(self) -> None:
        """Nothing to close: the replies are in memory."""


def batch_prices(prices: dict[str, ModelPrice]) -> dict[str, ModelPrice]:
    def scaled(value: float | None) -> float | None:
        return None if value is None else value * PRICE_FACTOR

    return {
        model: ModelPrice(
            input=p.input * PRICE_FACTOR, output=p.output * PRICE_FACTOR, cached_input=scaled(p.cached_input)
        )
        for model, p in prices.items()
    }


def _problem(code: Any, message: Any, line: Any = None) -> str:
    where = f" (line {line})" if line is not None else ""
    return f"{code or 'error'}: {message or 'no message'}{where}"
