"""A chat call whose reply is a pydantic model.

Structured outputs (`response_format` json_schema, strict) first. A server that rejects that
request (400/422) gets JSON mode with the schema written into the system message, and the
session remembers it. A reply that does not validate earns one repair re-ask quoting the
validation error; a second bad reply raises LLMBadOutput.
"""

import functools
import json
import logging
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from simulator.llm.errors import LLMBadOutput, LLMError
from simulator.llm.replies import json_in, reply_text
from simulator.llm.session import LLMSession, Messages
from simulator.llm.usage import Usage

M = TypeVar("M", bound=BaseModel)
Mode = Literal["json_schema", "json_object"]
log = logging.getLogger(__name__)

REPAIR = (
    "Your reply could not be used: {problem}\n"
    "Reply again with only the corrected JSON object, matching the schema exactly."
)
SCHEMA_IN_PROMPT = (
    "Reply with one JSON object and nothing else (no prose, no code fences). "
    "It must validate against this JSON Schema:\n{schema}"
)


@dataclass
class Structured(Generic[M]):
    value: M
    mode: Mode
    repaired: bool


async def complete_structured(
    session: LLMSession,
    messages: Messages,
    schema: type[M],
    *,
    model: str,
    tally: Usage | None = None,
) -> Structured[M]:
    """Raises LLMUnavailable, LLMBadOutput or LLMError; never an `openai` error."""
    mode: Mode = "json_schema"
    reply: str | None = None
    if session.json_schema_supported:
        try:
            reply = await _ask(session, messages, schema, model, mode, tally)
        except LLMError as exc:
            if exc.status not in (400, 422):
                raise
            log.info("json_schema refused (%s); falling back to JSON mode", exc)
    if reply is None:
        mode = "json_object"
        messages = _schema_in_prompt(messages, schema)
        reply = await _ask(session, messages, schema, model, mode, tally)
        session.json_schema_supported = False
    try:
        return Structured(_parse(reply, schema), mode, repaired=False)
    except ValidationError as exc:
        problem = _problem(reply, exc)
    log.info("reply failed validation (%s); asking once for a repair", problem)
    retry_messages: Messages = [
        *messages,
        {"role": "assistant", "content": reply},
        {"role": "user", "content": REPAIR.format(problem=problem)},
    ]
    reply = await _ask(session, retry_messages, schema, model, mode, tally)
    try:
        return Structured(_parse(reply, schema), mode, repaired=True)
    except ValidationError as exc:
        raise LLMBadOutput(
            f"the model's reply did not fit {schema.__name__} even after a repair re-ask: "
            f"{_problem(reply, exc)}"
        ) from None


def _response_format(schema: type[BaseModel], mode: Mode) -> dict[str, object]:
    if mode == "json_object":
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": _strict_schema(schema),
                                                   "strict": True}}


@functools.cache
def _strict_schema(schema: type[BaseModel]) -> dict[str, object]:
    """The strict JSON Schema of a reply model, built once per model (it is the same for every call)."""
    from openai.lib._pydantic import to_strict_json_schema

    return to_strict_json_schema(schema)


async def _ask(
    session: LLMSession,
    messages: Messages,
    schema: type[BaseModel],
    model: str,
    mode: Mode,
    tally: Usage | None,
) -> str:
    completion = await session.chat(
        model, messages, tally, response_format=_response_format(schema, mode)
    )
    try:
        return reply_text(completion)
    except LLMError:
        raise
    except Exception as exc:  # a shape no server was seen to send: say so rather than crash
        log.debug("unreadable reply", exc_info=True)
        raise LLMBadOutput(f"the reply could not be read ({type(exc).__name__}: {exc})") from exc


def _parse(reply: str, schema: type[M]) -> M:
    """Raises ValidationError, also for an empty reply or one that is not JSON."""
    return schema.model_validate_json(json_in(reply) or '""')


def _problem(reply: str, exc: ValidationError) -> str:
    return _explain(exc) if reply.strip() else "the reply was empty"


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors()[:5]:
        where = ".".join(str(part) for part in error["loc"]) or "the reply"
        problems.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def _schema_in_prompt(messages: Messages, schema: type[BaseModel]) -> Messages:
    """The schema goes into the (first) system message, so whatever came last stays last."""
    note = SCHEMA_IN_PROMPT.format(schema=json.dumps(schema.model_json_schema(), indent=1))
    if messages and messages[0]["role"] == "system":
        first = {**messages[0], "content": f"{messages[0]['content']}\n\n{note}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]
