"""The only package that imports `openai` (lazily, inside functions): settings, the client, one
retry policy, structured output, streaming, and usage and cost accounting."""

from simulator.llm.config import OFFLINE, LLMSettings, resolve_settings
from simulator.llm.errors import LLMAuthError, LLMBadOutput, LLMError, LLMUnavailable
from simulator.llm.session import LLMSession, Messages
from simulator.llm.stream import stream_text
from simulator.llm.structured import Structured, complete_structured
from simulator.llm.usage import ModelPrice, Usage

__all__ = [
    "OFFLINE",
    "LLMAuthError",
    "LLMBadOutput",
    "LLMError",
    "LLMSession",
    "LLMSettings",
    "LLMUnavailable",
    "Messages",
    "ModelPrice",
    "Structured",
    "Usage",
    "complete_structured",
    "resolve_settings",
    "stream_text",
]
