"""`ScriptedModel`: a `ChatModel` in memory that answers from a script, for unit tests of the code
above the model (the grader, the interviewer) with no server and no socket."""

import json
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.llm.errors import LLMBadOutput, LLMError
from simulator.llm.model import Completion, Prompt
from simulator.llm.structured import parse_reply, validation_problem
from simulator.llm.usage import Usage

Reply = str | dict[str, Any] | Sequence[str | LLMError] | LLMError
"""One call's reply: text; a JSON object (a dict); stream deltas, where an error cuts the stream
there; or an error to raise."""


class ScriptedModel:
    """Each call (`complete` or `stream`) takes the next reply of the script; a call past its end
    raises AssertionError, so a test never passes on a call it did not expect.

    `complete` with a schema parses the reply as `OpenAIChatModel` does and raises LLMBadOutput
    when it does not fit (there is no repair re-ask). Every reply costs `usage` (one request).
    """

    def __init__(self, *script: Reply, usage: Usage | None = None, concurrency: int = 8) -> None:
        self.script = list(script)
        self.usage = usage or Usage(requests=1)
        self.concurrency = concurrency
        self.prompts: list[Prompt] = []
        """What each call was asked, in order."""
        self.schemas: list[type[BaseModel] | None] = []
        """The schema each call asked for (None for a stream or plain text)."""
        self.closed = False

    async def complete(self, prompt: Prompt, schema: type[BaseModel] | None = None) -> Completion[Any]:
        text = "".join([delta async for delta in self._deltas(self._next(prompt, schema))])
        if schema is None:
            return Completion(text, None, self._spent())
        try:
            value = parse_reply(text, schema)
        except ValidationError as exc:
            error = LLMBadOutput(f"the model's reply did not fit {schema.__name__}: {validation_problem(text, exc)}")
            error.usage = self._spent()
            raise error from None
        return Completion(text, value, self._spent())

    def stream(self, prompt: Prompt) -> AsyncGenerator[str, None]:
        return self._deltas(self._next(prompt, None))

    async def aclose(self) -> None:
        self.closed = True

    def _next(self, prompt: Prompt, schema: type[BaseModel] | None) -> Reply:
        self.prompts.append(prompt)
        self.schemas.append(schema)
        if not self.script:
            raise AssertionError(f"ScriptedModel: call {len(self.prompts)} was not scripted")
        return self.script.pop(0)

    @staticmethod
    async def _deltas(reply: Reply) -> AsyncGenerator[str, None]:
        if isinstance(reply, LLMError):
            raise reply
        deltas = [reply] if isinstance(reply, str) else [json.dumps(reply)] if isinstance(reply, dict) else reply
        for delta in deltas:
            if isinstance(delta, LLMError):
                raise delta
            yield delta

    def _spent(self) -> Usage:
        spent = Usage()
        spent.add(self.usage)
        return spent
