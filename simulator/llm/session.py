"""One endpoint in use: its client, the retry policy, the concurrency bound and usage totals."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import BaseModel

from simulator.llm.client import make_client
from simulator.llm.config import LLMSettings
from simulator.llm.errors import LLMAuthError, LLMError, LLMUnavailable, not_openai_compatible
from simulator.llm.replies import check_completion
from simulator.llm.retry import with_retry
from simulator.llm.usage import Usage, UsageMeter, request_usage

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream
    from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam

T = TypeVar("T")
Messages = list[dict[str, str]]
Prepare = Callable[[Messages, dict[str, Any]], tuple[Messages, dict[str, Any]]]
"""Called as an attempt is sent (a slot held): the messages and parameters to send. Lets a caller
decide at the last moment, e.g. the structured-output mode another request has just settled."""


class LLMSession:
    """Every request made through a session shares one retry policy and at most
    `settings.concurrency` requests are in flight at once (a waiting retry holds no slot).
    Each attempt has a deadline of `settings.timeout` seconds from sending to the last byte of
    the reply (connect, first byte and body together), whatever pace the server trickles at.

    The client and the semaphore belong to an event loop; a session used from a new loop
    (a second `asyncio.run`) makes fresh ones.
    """

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.usage = UsageMeter()
        self.json_schema_supported = True
        """False once the server refused a json_schema request (400/422): every request of the
        session sent after that, including those of rounds already in flight, uses JSON mode."""
        self.json_mode_served = False
        """True once a JSON-mode request was answered."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: AsyncOpenAI | None = None
        self._slots: asyncio.Semaphore | None = None
        self.refused: LLMAuthError | None = None
        """The first 401/403: once set, every request raises it without being sent."""

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
        self,
        model: str,
        messages: Messages,
        tally: Usage | None = None,
        *,
        prepare: Prepare | None = None,
        **params: Any,
    ) -> "ChatCompletion":
        """One chat completion; its usage is added to the session and to `tally`.

        Raises LLMError when the reply is not a chat completion with at least one choice
        (`replies.check_completion`); what looks transient is retried first.
        """

        async def send(client: "AsyncOpenAI") -> "ChatCompletion":
            sent, extra = (messages, params) if prepare is None else prepare(messages, params)
            extra = {**self.sampling(), **extra}
            # The messages and the response format go in `extra_body`, which the SDK sends as it is:
            # it would otherwise walk them against its TypedDicts on every request (~1.5 ms of CPU each,
            # the schema most of it). The JSON sent is the same.
            body = {**extra.pop("extra_body", {}), "messages": sent}
            if "response_format" in extra:
                body["response_format"] = extra.pop("response_format")
            reply = await client.chat.completions.create(model=model, messages=[], extra_body=body, **extra)
            check_completion(reply, self.settings.endpoint)  # inside the attempt: transient shapes are retried
            return reply

        completion = await self._request(send)
        self.record(model, completion.usage, tally)
        return completion

    async def open_stream(
        self, model: str, messages: Messages, **params: Any
    ) -> tuple["AsyncStream[ChatCompletionChunk]", float]:
        """A streamed chat completion, retried until its first byte, not after; with the event-loop
        time by which its body must have arrived (the deadline of the attempt that opened it)."""
        from openai import AsyncStream

        opened = [0.0]

        def send(client: "AsyncOpenAI") -> Awaitable[Any]:
            opened[0] = asyncio.get_running_loop().time()
            return client.chat.completions.create(
                model=model,
                messages=cast("list[ChatCompletionMessageParam]", messages),  # role/content str pairs are such params
                stream=True,
                stream_options={"include_usage": True},
                **{**self.sampling(), **params},
            )

        stream = await self._request(send)
        if not isinstance(stream, AsyncStream):
            raise self._not_compatible("POST /chat/completions", stream, "a stream of chunks")
        return stream, opened[0] + self.settings.timeout

    async def list_models(self) -> list[str]:
        """The ids the server lists; raises LLMError when it answers anything but a list of models."""

        async def fetch(client: "AsyncOpenAI") -> Any:
            raw = await client.models.with_raw_response.list()
            kind = raw.headers.get("content-type", "")
            if "json" not in kind.lower():  # the SDK would hand the body on as a str and trip over it
                answer = f"{kind.split(';')[0] or 'no content type'} {raw.http_response.text[:80]!r}"
                raise not_openai_compatible(
                    self.settings.endpoint, f"GET /models answered {answer}, not a list of models"
                )
            return raw.parse()

        page = await self._request(fetch)
        data = getattr(page, "data", None)
        models = data if isinstance(data, list) else [None]
        ids = [model_id for model in models if isinstance(model_id := getattr(model, "id", None), str)]
        if len(ids) != len(models):
            raise self._not_compatible("GET /models", page, "a list of models")
        return ids

    def _not_compatible(self, request: str, reply: object, expected: str) -> LLMError:
        if isinstance(reply, str):
            got = f"text {reply[:80]!r}"
        elif isinstance(reply, BaseModel):
            got = f"JSON without the fields of {expected}"
        else:
            got = f"JSON {repr(reply)[:80]}"
        return not_openai_compatible(self.settings.endpoint, f"{request} answered {got}, not {expected}")

    def record(self, model: str, reported: Any, tally: Usage | None = None) -> None:
        usage = request_usage(model, reported, self.settings.prices)
        self.usage.record(model, usage)
        if tally is not None:
            tally.add(usage)

    def sampling(self) -> dict[str, float]:
        """The top-level temperature, which every request of the session sends when it is set."""
        temperature = self.settings.temperature
        return {} if temperature is None else {"temperature": temperature}

    async def _request(self, send: Callable[["AsyncOpenAI"], Awaitable[T]]) -> T:
        client, slots = self._for_this_loop()

        deadline = self.settings.timeout

        async def attempt() -> T:
            async with slots:
                if self.refused is not None:
                    raise self.refused
                limit = asyncio.timeout(deadline)
                try:
                    async with limit:
                        return await send(client)
                except TimeoutError:
                    if not limit.expired():
                        raise
                    raise self.past_deadline() from None

        try:
            return await with_retry(attempt, self.settings)
        except LLMAuthError as exc:
            self.refused = self.refused or exc
            raise self.refused from None

    def past_deadline(self, detail: str = "") -> LLMError:
        """The error of a request whose reply was not complete `timeout` seconds after it was sent:
        transient, so the retry policy may try again."""
        return LLMUnavailable(
            f"no complete reply from {self.settings.endpoint} within the {self.settings.timeout:g} s deadline{detail}",
            transient=True,
        )

    def _for_this_loop(self) -> tuple["AsyncOpenAI", asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._client is None or self._slots is None or loop is not self._loop:
            self._client = make_client(self.settings)
            self._slots = asyncio.Semaphore(self.settings.concurrency)
            self._loop = loop
        return self._client, self._slots
