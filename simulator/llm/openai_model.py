"""`ChatModel` on an OpenAI-compatible endpoint: a session (retry policy, deadlines, concurrency,
usage) and the model name and generation settings of one role."""

from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import Any

from pydantic import BaseModel

from simulator.llm.config import LLMSettings, Role
from simulator.llm.errors import LLMError
from simulator.llm.model import Completion, Prompt
from simulator.llm.session import LLMSession, Messages
from simulator.llm.stream import stream_text
from simulator.llm.structured import complete_structured, readable_text, response_format
from simulator.llm.usage import Usage


class OpenAIChatModel:
    def __init__(self, session: LLMSession, model: str, options: Mapping[str, Any] | None = None) -> None:
        """`options` (temperature, seed, max_tokens) go with every request, a repair re-ask included."""
        self.session = session
        self.model = model
        self.options = dict(options or {})
        self.concurrency = session.settings.concurrency

    @classmethod
    def for_role(cls, settings: LLMSettings, role: Role) -> "OpenAIChatModel":
        """The role's model and generation settings, on a session of its own."""
        return cls(LLMSession(settings), settings.model_for(role), settings.generation_for(role))

    async def complete(self, prompt: Prompt, schema: type[BaseModel] | None = None) -> Completion[Any]:
        tally = Usage()
        try:
            if schema is None:
                completion = await self.session.chat(self.model, messages(prompt), tally, **self.options)
                return Completion(readable_text(completion), None, tally)
            reply = await complete_structured(
                self.session, messages(prompt), schema, model=self.model, tally=tally, options=self.options
            )
        except LLMError as exc:
            exc.usage = tally if tally.requests else None
            raise
        return Completion(reply.text, reply.value, tally)

    async def stream(self, prompt: Prompt) -> AsyncGenerator[str, None]:
        async with aclosing(stream_text(self.session, messages(prompt), model=self.model, options=self.options)) as s:
            async for text in s:
                yield text

    async def aclose(self) -> None:
        await self.session.aclose()

    def request_body(self, prompt: Prompt, schema: type[BaseModel] | None = None) -> dict[str, Any]:
        """The JSON body `complete` sends first (structured outputs for a schema), for the Batch API."""
        params: dict[str, Any] = {**self.session.sampling(), **self.options}
        if schema is not None:
            params["response_format"] = response_format(schema, "json_schema")
        return {"model": self.model, "messages": messages(prompt), **params}


def messages(prompt: Prompt) -> Messages:
    """The chat messages of a prompt: the system message (when there is system text), then the turns."""
    system = [{"role": "system", "content": prompt.system}] if prompt.system else []
    return [*system, *({"role": turn.role, "content": turn.text} for turn in prompt.turns)]
