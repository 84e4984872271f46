"""Streamed replies as text deltas."""

import asyncio
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from simulator.llm.errors import LLMError, not_openai_compatible
from simulator.llm.replies import content_text
from simulator.llm.session import LLMSession, Messages
from simulator.llm.usage import Usage


async def stream_text(
    session: LLMSession,
    messages: Messages,
    *,
    model: str,
    tally: Usage | None = None,
    options: Mapping[str, Any] | None = None,
) -> AsyncGenerator[str, None]:
    """Yield the reply's text as it arrives.

    Opening the stream is retried like any request; once text has flowed nothing is retried
    (that would repeat words). A stream cut before the model finished, or not finished within the
    request deadline (`timeout` seconds from sending), raises LLMError after everything that did
    arrive has been yielded.
    """
    import openai

    stream, deadline = await session.open_stream(model, messages, **(options or {}))
    received = 0
    chunks = 0
    finished = False
    reported = None
    try:
        async with stream:
            chunk_iter = aiter(stream)
            while True:
                try:
                    async with asyncio.timeout_at(deadline):  # never across a yield: only our own await
                        chunk = await anext(chunk_iter)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    raise session.past_deadline(f" ({received} characters came)") from None
                chunks += 1
                reported = chunk.usage or reported
                for choice in chunk.choices or ():
                    text = content_text(choice.delta.content) if choice.delta else None
                    if text:
                        received += len(text)
                        yield text
                    finished = finished or choice.finish_reason is not None
    except LLMError:
        raise
    except (openai.OpenAIError, ValueError) as exc:
        why = exc.__cause__ or exc
        raise LLMError(f"the stream was cut after {received} characters ({why})") from exc
    except Exception as exc:  # a chunk that is not a chat.completion.chunk
        detail = f"its stream could not be read ({type(exc).__name__}: {exc})"
        raise not_openai_compatible(session.settings.endpoint, detail) from exc
    finally:
        session.record(model, reported, tally)
    if not chunks:
        detail = "POST /chat/completions with stream=true sent no chat.completion.chunk events"
        raise not_openai_compatible(session.settings.endpoint, detail)
    if not finished:
        raise LLMError(f"the stream ended before the model finished ({received} characters came)")
