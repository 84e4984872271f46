"""A chat call whose reply is a pydantic model.

Structured outputs (`response_format` json_schema, strict) first. A server that rejects that
request (400/422) gets JSON mode with the schema written into the system message, and the
session remembers it. A reply that does not validate earns one repair re-ask quoting the
validation error; a second bad reply raises LLMBadOutput.
"""

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from simulator.llm.errors import LLMBadOutput, LLMError
from simulator.llm.replies import json_in, reply_text
from simulator.llm.session import LLMSession, Messages, Prepare
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
    text: str
    """The reply the value was read from."""


async def complete_structured(
    session: LLMSession,
    messages: Messages,
    schema: type[M],
    *,
    model: str,
    tally: Usage | None = None,
    options: Mapping[str, Any] | None = None,
) -> Structured[M]:
    """Raises LLMUnavailable, LLMBadOutput or LLMError; never an `openai` error.

    The mode is chosen as the request is sent, not when the call starts: once any request of the
    session has been refused json_schema, a call still waiting for a slot sends JSON mode at once.
    `options` (temperature, seed, max_tokens) go with every request, the repair re-ask included.
    """
    extra = dict(options or {})
    sent: dict[str, object] = {}

    def prepare(base: Messages, params: dict[str, object]) -> tuple[Messages, dict[str, object]]:
        mode: Mode = "json_schema" if session.json_schema_supported else "json_object"
        chosen = base if mode == "json_schema" else _schema_in_prompt(base, schema)
        sent.update(mode=mode, messages=chosen)
        return chosen, {**params, **extra, "response_format": response_format(schema, mode)}

    try:
        reply = await _ask(session, messages, model, tally, prepare)
    except LLMError as exc:
        if exc.status not in (400, 422) or sent.get("mode") != "json_schema":
            raise
        session.json_schema_supported = False  # for every request of the session not yet sent
        log.info("json_schema refused (%s); falling back to JSON mode", exc)
        try:
            reply = await _ask(session, messages, model, tally, prepare)
        except LLMError as again:
            if again.status in (400, 422) and not session.json_mode_served:
                session.json_schema_supported = True  # JSON mode is refused too: the request, not the mode
            raise
    if sent["mode"] == "json_object":
        session.json_mode_served = True
    mode: Mode = "json_object" if sent["mode"] == "json_object" else "json_schema"
    messages = sent["messages"]  # type: ignore[assignment]
    try:
        return Structured(parse_reply(reply, schema), mode, repaired=False, text=reply)
    except ValidationError as exc:
        problem = validation_problem(reply, exc)
    log.info("reply failed validation (%s); asking once for a repair", problem)
    retry_messages: Messages = [
        *messages,
        {"role": "assistant", "content": reply},
        {"role": "user", "content": REPAIR.format(problem=problem)},
    ]
    reply = await _ask(session, retry_messages, model, tally, **extra, response_format=response_format(schema, mode))
    try:
        return Structured(parse_reply(reply, schema), mode, repaired=True, text=reply)
    except ValidationError as exc:
        problem = validation_problem(reply, exc)
        raise LLMBadOutput(
            f"the model's reply did not fit {schema.__name__} even after a repair re-ask: {problem}"
        ) from None


def response_format(schema: type[BaseModel], mode: Mode) -> dict[str, object]:
    if mode == "json_object":
        return {"type": "json_object"}
    return {
        "type": "json_schema",
        "json_schema": {"name": schema.__name__, "schema": _strict_schema(schema), "strict": True},
    }


@functools.cache
def _strict_schema(schema: type[BaseModel]) -> dict[str, object]:
    """The strict JSON Schema of a reply model, built once per model (it is the same for every call).

    The SDK's public `pydantic_function_tool` makes the schema strict structured outputs accept
    (every property required, no extra properties, references inlined where needed); only its
    `parameters` are used."""
    from openai import pydantic_function_tool

    return dict(pydantic_function_tool(schema)["function"]["parameters"])


async def _ask(
    session: LLMSession,
    messages: Messages,
    model: str,
    tally: Usage | None,
    prepare: Prepare | None = None,
    **params: object,
) -> str:
    return readable_text(await session.chat(model, messages, tally, prepare=prepare, **params))


def readable_text(completion: Any) -> str:
    """`reply_text`, with a shape no server was seen to send said as LLMBadOutput, not a crash."""
    try:
        return reply_text(completion)
    except LLMError:
        raise
    except Exception as exc:
        log.debug("unreadable reply", exc_info=True)
        raise LLMBadOutput(f"the reply could not be read ({type(exc).__name__}: {exc})") from exc


def parse_reply(reply: str, schema: type[M]) -> M:
    """Raises ValidationError, also for an empty reply or one that is not JSON."""
    return schema.model_validate_json(json_in(reply) or '""')


def validation_problem(reply: str, exc: ValidationError) -> str:
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
