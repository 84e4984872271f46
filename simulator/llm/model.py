"""The provider-neutral model interface the grader and the interviewer talk to.

A `ChatModel` takes our own `Prompt` (system text and the turns after it) and answers with a
`Completion`: the reply's text, the parsed reply when a schema was asked for, and the tokens it
cost. Implementations: `OpenAIChatModel` (any OpenAI-compatible endpoint, with the one retry
policy, deadlines and structured output), `CapturingModel` / `ReplayModel` (the Batch API) and
`ScriptedModel` (scripted replies for unit tests). Whoever builds a model closes it (`aclose`).
"""

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar, overload

from pydantic import BaseModel

from simulator.llm.usage import Usage

M = TypeVar("M", bound=BaseModel)
V = TypeVar("V", covariant=True)


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class Prompt:
    """What a model is asked: the system text (rules, a stable prefix) and the conversation."""

    system: str
    turns: tuple[Turn, ...]

    @classmethod
    def ask(cls, system: str, user: str) -> "Prompt":
        """A system text and one user turn: the shape of every prompt the grader and interviewer send."""
        return cls(system, (Turn("user", user),))

    def then(self, role: Literal["user", "assistant"], text: str) -> "Prompt":
        return Prompt(self.system, (*self.turns, Turn(role, text)))

    @property
    def last(self) -> str:
        """The text of the last turn (the grader's and interviewer's: the answers, last)."""
        return self.turns[-1].text if self.turns else ""


@dataclass(frozen=True)
class Completion(Generic[V]):
    text: str
    """What the model wrote (for a structured reply: the JSON it replied)."""
    value: V
    """The reply parsed into the schema asked for; None when no schema was asked for."""
    usage: Usage = field(default_factory=Usage)
    """Tokens (integers) and cost of every request the reply took, a repair re-ask included."""


class ChatModel(Protocol):
    """One model on one endpoint, already chosen for its role (grader or interviewer) and with that
    role's generation settings.

    Failures are `LLMError`s (`simulator.llm.errors`) and nothing else; an `LLMError` raised by
    `complete` carries in `usage` what the failed call had already spent.
    """

    concurrency: int
    """How many requests the model serves at once: callers size their queues by it."""

    @overload
    async def complete(self, prompt: Prompt, schema: None = None) -> Completion[None]: ...

    @overload
    async def complete(self, prompt: Prompt, schema: type[M]) -> Completion[M]: ...

    def stream(self, prompt: Prompt) -> AsyncGenerator[str, None]:
        """The reply's text as it arrives. Closing the generator early ends the request; a reply cut
        short raises LLMError after what did arrive."""
        ...

    async def aclose(self) -> None:
        """Release connections. A model may be used again after it (it reconnects)."""
        ...
