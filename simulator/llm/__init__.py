"""The only package that imports `openai` (lazily, inside functions): the provider-neutral model
interface (`ChatModel`, `Prompt`, `Completion`) and its implementations, settings, the client, one
retry policy, structured output, streaming, and usage and cost accounting."""

from simulator.llm.config import OFFLINE, LLMSettings, resolve_settings
from simulator.llm.errors import LLMAuthError, LLMBadOutput, LLMError, LLMUnavailable
from simulator.llm.model import ChatModel, Completion, Prompt, Turn
from simulator.llm.openai_model import OpenAIChatModel
from simulator.llm.scripted import ScriptedModel
from simulator.llm.session import LLMSession, Messages
from simulator.llm.stream import stream_text
from simulator.llm.structured import Structured, complete_structured
from simulator.llm.usage import ModelPrice, Usage

__all__ = [
    "OFFLINE",
    "ChatModel",
    "Completion",
    "LLMAuthError",
    "LLMBadOutput",
    "LLMError",
    "LLMSession",
    "LLMSettings",
    "LLMUnavailable",
    "Messages",
    "ModelPrice",
    "OpenAIChatModel",
    "Prompt",
    "ScriptedModel",
    "Structured",
    "Turn",
    "Usage",
    "complete_structured",
    "resolve_settings",
    "stream_text",
]
