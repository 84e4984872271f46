"""One endpoint in use: its client, the retry policy, the concurrency bound and usage totals."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from simulator.llm.client import make_client
from simulator.llm.config import LLMSettings
from simulator.llm.retry import with_retry
from simulator.llm.usage import Usage, UsageMeter, request_usage

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

T = TypeVar("T")
Messages = list[dict[str, str]]


class LLMSession:
    """Every request made through a session shares one retry policy and at most
    `settings.concurrency` requests are in flight at once (a waiting retry holds no slot).

    The client and the semaphore belong to an event loop; a session used from a new loop
    (a second `asyncio.run`) makes fresh ones.
    """

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.usage = UsageMeter()
        self.json_schema_supported = True
        """False once the server refused a json_schema request that JSON mode then served."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: AsyncOpenAI | None = None
        self._slots: asyncio.Semaphore | None = None

    async def __aenter__(self) -> "LLMSession":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client; one made on another (finished) loop is just dropped."""
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.close()
        self._client = None

    async def chat(
        self, model: str, messages: Messages, tally: Usage | None = None, **params: Any
    ) -> "ChatCompletion":
        """One chat completion; its usage is added to the session and to `tally`."""
        completion = await self._request(
            lambda client: client.chat.completions.create(
                model=model, messages=messages, **self._sampling(), **params
            )
        )
        self.record(model, completion.usage, tally)
        return completion

    async def open_stream(
        self, model: str, messages: Messages, **params: Any
    ) -> "AsyncStream[ChatCompletionChunk]":
        """A streamed chat completion; retried until its first byte, not after."""
        return await self._request(
            lambda client: client.chat.completions.create(
                model=model, messages=messages, stream=True,
                stream_options={"include_usage": True}, **self._sampling(), **params,
            )
        )

    async def list_models(self) -> list[str]:
        page = await self._request(lambda client: client.models.list())
        return [model.id for model in page.data]

    def record(self, model: str, reported: Any, tally: Usage | None = None) -> None:
        usage = request_usage(model, reported, self.settings.prices)
        self.usage.record(model, usage)
        if tally is not None:
            tally.add(usage)

    def _sampling(self) -> dict[str, float]:
        temperature = self.settings.temperature
        return {} if temperature is None else {"temperature": temperature}

    async def _request(self, send: Callable[["AsyncOpenAI"], Awaitable[T]]) -> T:
        client, slots = self._for_this_loop()

        async def attempt() -> T:
            async with slots:
                return await send(client)

        return await with_retry(attempt, self.settings)

    def _for_this_loop(self) -> tuple["AsyncOpenAI", asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._client is None or self._slots is None or loop is not self._loop:
            self._client = make_client(self.settings)
            self._slots = asyncio.Semaphore(self.settings.concurrency)
            self._loop = loop
        return self._client, self._slots
