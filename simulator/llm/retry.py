"""The one retry policy for every LLM request (tenacity).

Retried: 429 (waiting what Retry-After / retry-after-ms asks), 408, 5xx, timeouts, connection
errors and replies that look transient (a 200 with an error body, an HTML page or no choices, a
body cut short, a refusal), with exponential backoff and jitter otherwise. Other 4xx fail at once. The budget is
`max_attempts` tries and `max_total_seconds`: no wait is started that would end past it.
"""

import email.utils
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from simulator.llm.config import LLMSettings
from simulator.llm.errors import LLMAuthError, LLMError, LLMUnavailable, not_openai_compatible

T = TypeVar("T")
log = logging.getLogger(__name__)


def is_retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, LLMError):
        return exc.transient
    if isinstance(exc, openai.APIConnectionError):  # timeouts included
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The wait the server asked for, from `retry-after-ms` or `retry-after` (seconds or a date)."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(header)
        if value is None:
            continue
        try:
            return max(float(value) / divisor, 0.0)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)
    return None


class _Wait:
    """Retry-After when the server gave one, else exponential backoff with jitter:
    `backoff_initial * 2**(n-1)` plus up to `backoff_initial` at random, at most `backoff_max`."""

    def __init__(self, settings: LLMSettings) -> None:
        self.initial = settings.backoff_initial
        self.max = settings.backoff_max

    def __call__(self, state: RetryCallState) -> float:
        hinted = retry_after_seconds(state.outcome.exception() if state.outcome else None)
        if hinted is not None:
            return hinted
        backoff = self.initial * 2 ** (state.attempt_number - 1) + random.uniform(0, self.initial)
        return min(backoff, self.max)


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    log.info("LLM request failed (%s); retry %d in %.2f s", _describe(exc), state.attempt_number, state.upcoming_sleep)


async def with_retry(call: Callable[[], Awaitable[T]], settings: LLMSettings) -> T:
    """Run `call` under the policy; every error comes out as LLMError or LLMUnavailable.

    `openai` errors are translated; anything else the SDK raises (a body it cannot parse) means the
    endpoint is not OpenAI-compatible, retried only when the body looks cut short (invalid JSON).
    A transient LLMError still failing when the budget runs out says how many attempts it had.
    asyncio.CancelledError and KeyboardInterrupt are not Exceptions and pass through untouched.
    """
    import openai

    started = time.monotonic()
    attempts = 0

    async def counted() -> T:
        nonlocal attempts
        attempts += 1
        try:
            return await call()
        except (LLMError, openai.OpenAIError):
            raise
        except Exception as exc:  # the SDK could not read the reply: an HTML page, invalid JSON
            log.debug("the SDK could not read the reply", exc_info=True)
            raise not_openai_compatible(
                settings.endpoint, _unreadable(exc), transient=isinstance(exc, json.JSONDecodeError)
            ) from exc

    retrying = AsyncRetrying(
        retry=retry_if_exception(is_retryable),
        stop=(stop_after_attempt(settings.max_attempts) | stop_before_delay(settings.max_total_seconds)),
        wait=_Wait(settings),
        before_sleep=_log_retry,
        reraise=True,
    )
    try:
        return await retrying(counted)
    except LLMError as exc:
        if not exc.transient:
            raise
        raise type(exc)(f"{exc} ({_gave_up(attempts, time.monotonic() - started)})", status=exc.status) from exc
    except openai.OpenAIError as exc:
        raise _translate(exc, attempts, time.monotonic() - started) from exc


def _translate(exc: Exception, attempts: int, elapsed: float) -> LLMError:
    status = getattr(exc, "status_code", None)
    if is_retryable(exc):
        return LLMUnavailable(f"{_describe(exc)} ({_gave_up(attempts, elapsed)})", status=status)
    if status in (401, 403):
        return LLMAuthError(f"the server refused the API key: {_describe(exc)}", status=status)
    return LLMError(f"the server refused the request: {_describe(exc)}", status=status)


def _gave_up(attempts: int, elapsed: float) -> str:
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return f"gave up after {tries} in {elapsed:.1f} s"


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"its reply is not valid JSON ({exc})"
    return f"its reply could not be read ({type(exc).__name__}: {exc})"


def _describe(exc: BaseException | None) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return f"no reply from {_where(exc)} in time"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        return f"cannot connect to {_where(exc)}" + (f" ({cause})" if cause else "")
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code} from {_where(exc)}: {_server_message(exc)}"
    return str(exc)


def _where(exc: Any) -> str:
    request = getattr(exc, "request", None)
    return str(request.url) if request is not None else "the endpoint"


def _server_message(exc: Any) -> str:
    body = exc.body
    error = body.get("error", body) if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if message:
        return str(message)
    return str(body)[:200] if body else exc.response.reason_phrase
