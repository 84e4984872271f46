"""The `AsyncOpenAI` client, with the SDK's own retries off: `retry.py` is the one retry policy."""

from typing import TYPE_CHECKING

from simulator.llm.config import OPENAI_BASE_URL, LLMSettings

if TYPE_CHECKING:
    from openai import AsyncOpenAI


def make_client(settings: LLMSettings) -> "AsyncOpenAI":
    """Raises LLMError when offline (no key and no base URL)."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        api_key=settings.client_api_key(),
        base_url=settings.base_url or OPENAI_BASE_URL,
        timeout=settings.timeout,
        max_retries=0,
    )
