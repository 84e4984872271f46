"""The `AsyncOpenAI` client, with the SDK's own retries off: `retry.py` is the one retry policy."""

from typing import TYPE_CHECKING

from simulator.llm.config import LLMSettings
from simulator.llm.errors import LLMError

if TYPE_CHECKING:
    from openai import AsyncOpenAI


def make_client(settings: LLMSettings) -> "AsyncOpenAI":
    """Raises LLMError when offline (no key and no base URL) or when the base URL is malformed."""
    from openai import AsyncOpenAI

    api_key = settings.client_api_key()
    try:
        return AsyncOpenAI(api_key=api_key, base_url=settings.endpoint, timeout=settings.timeout, max_retries=0)
    except Exception as exc:  # the SDK parses the URL here (httpx's InvalidURL, or a ValueError)
        raise LLMError(f"bad base URL {settings.endpoint!r}: {' '.join(str(exc).split())}") from exc
