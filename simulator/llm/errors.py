"""The errors `simulator.llm` raises: no `openai` exception (nor any other) leaves this package."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.llm.usage import Usage


class LLMError(Exception):
    """An LLM call failed; the message says why in words a user can act on.

    `status` is the HTTP status when the server answered with an error. `transient` marks a reply
    that looks like a passing fault (no choices, an error body or an HTML page with 200): the retry
    policy retries it like a 5xx. `usage` is what a failed `ChatModel.complete` had spent
    before it failed (a reply that did not validate, then its repair re-ask), when it spent any.
    """

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient
        self.usage: Usage | None = None


class LLMUnavailable(LLMError):
    """The endpoint could not be reached or kept failing until the retry budget ran out."""


class LLMAuthError(LLMError):
    """The server refused the credentials (401 or 403): no later request can succeed, so the
    session sends no more and a command stops with one line."""


class LLMBadOutput(LLMError):
    """The model answered, but not with what was asked for (even after one repair re-ask)."""


def not_openai_compatible(base_url: str, detail: str, *, transient: bool = False) -> LLMError:
    """The endpoint answered, but not as the OpenAI API does (an HTML page, invalid JSON, ...)."""
    detail = " ".join(detail.split())
    if len(detail) > 200:
        detail = detail[:199] + "…"
    return LLMError(
        f"the endpoint at {base_url} did not answer like an OpenAI-compatible API: {detail}", transient=transient
    )
