"""The errors `simulator.llm` raises: no `openai` exception leaves this package."""


class LLMError(Exception):
    """An LLM call failed; the message says why in words a user can act on.

    `status` is the HTTP status when the server answered with an error.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LLMUnavailable(LLMError):
    """The endpoint could not be reached or kept failing until the retry budget ran out."""


class LLMBadOutput(LLMError):
    """The model answered, but not with what was asked for (even after one repair re-ask)."""


def not_openai_compatible(base_url: str, detail: str) -> LLMError:
    """The endpoint answered, but not as the OpenAI API does (an HTML page, invalid JSON, ...)."""
    detail = " ".join(detail.split())
    if len(detail) > 200:
        detail = detail[:199] + "…"
    return LLMError(f"the endpoint at {base_url} did not answer like an OpenAI-compatible API: {detail}")
