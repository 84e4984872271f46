"""Reading chat completions whatever shape an OpenAI-compatible server gives them.

Servers differ: `message.content` may be a string, a list of parts (`{"type": "text", "text": ...}`),
an object, or null with the reply in a tool call; a refusal has its own field; a proxy may answer
200 with an error body, an HTML page or no choices at all. `check_completion` runs inside a request
attempt, so what looks transient is retried under the one policy; `reply_text` then says what the
model wrote, or raises LLMBadOutput saying why there is nothing to read.
"""

import json
import re
from typing import Any

from pydantic import BaseModel

from simulator.llm.errors import LLMBadOutput, LLMError, not_openai_compatible

_FENCE = re.compile(r"```[ \t]*(?:json[c5]?|javascript|js)?[ \t]*\r?\n?(.*?)```", re.DOTALL | re.IGNORECASE)
_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_TEXT_PARTS = ("text", "output_text", "input_text")


def field(obj: Any, name: str) -> Any:
    """An attribute of an SDK object, or a key of the dict a lenient SDK left unparsed."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def check_completion(reply: Any, endpoint: str) -> None:
    """Raise unless `reply` is a chat completion with at least one choice.

    A 200 whose body is an error object, an HTML page (the SDK hands a body that is not JSON on as
    a str), a completion without choices or a refusal looks like an overloaded server, a proxy or
    a passing mood of the model: that raises a transient LLMError, which the retry policy retries.
    JSON of another shape is not retried.
    """
    if isinstance(reply, str):
        detail = f"POST /chat/completions answered text {reply[:80]!r}, not a chat completion"
        raise not_openai_compatible(endpoint, detail, transient=True)
    if not isinstance(reply, dict | BaseModel):
        raise not_openai_compatible(
            endpoint, f"POST /chat/completions answered JSON {_short(reply)}, not a chat completion"
        )
    problem = error_message(reply)
    if problem is not None:
        raise LLMError(f"the server answered 200 with an error: {problem}", transient=True)
    choices = field(reply, "choices")
    if isinstance(choices, list) and choices:
        _check_refusal(choices[0])
        return
    if choices is None and not any(field(reply, name) is not None for name in ("id", "object", "model", "usage")):
        raise not_openai_compatible(
            endpoint,
            "POST /chat/completions answered JSON without the fields of a chat completion, not a chat completion",
        )
    raise LLMError("the server returned no choices", transient=True)


def error_message(reply: Any) -> str | None:
    """The message of an `{"error": ...}` body (a str, or an object with a message), else None."""
    problem = field(reply, "error")
    if problem is None and isinstance(reply, BaseModel):
        problem = (reply.model_extra or {}).get("error")
    if not problem:
        return None
    if isinstance(problem, str):
        return problem[:300]
    message = field(problem, "message") or field(problem, "code") or _short(problem)
    return str(message)[:300]


def _check_refusal(choice: Any) -> None:
    """A refusal may not repeat (sampling, a moderation layer that misfired): it is transient, so
    the retry policy asks again before the caller falls back."""
    message = field(choice, "message")
    refusal = field(message, "refusal") if isinstance(message, dict | BaseModel) else None
    if refusal:
        raise LLMBadOutput(f"the model refused: {content_text(refusal) or refusal}", transient=True)


def reply_text(completion: Any) -> str:
    """What the first choice says: its text, else the arguments of its (first) tool call.

    Raises LLMBadOutput for a refusal, a reply blocked by a content filter, or one with no text.
    """
    choice = field(completion, "choices")[0]
    message = field(choice, "message")
    if message is None:
        message = choice if isinstance(choice, str) else {}
    if isinstance(message, str):
        return message
    _check_refusal(choice)
    text = content_text(field(message, "content"))
    if text and text.strip():
        return text
    arguments = _tool_arguments(message)
    if arguments:
        return arguments
    finish = field(choice, "finish_reason")
    if finish == "content_filter":
        raise LLMBadOutput("the server's content filter withheld the reply")
    if finish == "length":
        raise LLMBadOutput("the reply was cut off at the token limit before any text")
    return ""


def content_text(content: Any) -> str | None:
    """The text of a `content` value: a str, a list of parts, or an object holding text."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [content_text(part) for part in content if not _is_non_text_part(part)]
        return "".join(text for text in texts if text)
    if isinstance(content, dict | BaseModel):
        for name in ("text", "value", "content"):
            inner = field(content, name)
            if inner is not None:
                return content_text(inner)
        data = content.model_dump() if isinstance(content, BaseModel) else content
        return json.dumps(data)  # a server that put the JSON object itself in `content`
    if isinstance(content, (int, float, bool)):
        return json.dumps(content)
    return None


def json_in(text: str) -> str:
    """The JSON object in a reply: without reasoning blocks (`<think>`), out of a code fence, or
    the span from the first `{` to the last `}` when prose surrounds it."""
    text = _THINKING.sub("", text).strip()
    if text.startswith("{") and text.endswith("}"):
        return text
    fenced = _FENCE.search(text)
    if fenced:
        return fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text


def _tool_arguments(message: Any) -> str | None:
    calls = field(message, "tool_calls")
    if isinstance(calls, list) and calls:
        function = field(calls[0], "function")
        arguments = field(function, "arguments") if function is not None else field(calls[0], "arguments")
        return content_text(arguments)
    legacy = field(message, "function_call")
    return content_text(field(legacy, "arguments")) if legacy is not None else None


def _is_non_text_part(part: Any) -> bool:
    kind = field(part, "type") if not isinstance(part, str) else None
    return kind is not None and kind not in _TEXT_PARTS


def _short(value: Any) -> str:
    try:
        shown = json.dumps(value, default=str)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown[:80]
