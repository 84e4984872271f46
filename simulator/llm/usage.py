"""Tokens and cost, per call and per session, from a price table (USD per million tokens)."""

import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ModelPrice(BaseModel):
    """USD per million tokens; `cached_input` is `input` when the provider gives no discount."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)


DEFAULT_PRICES: dict[str, ModelPrice] = {
    # OpenAI list prices when this table was written; override them in the config file.
    "gpt-4.1": ModelPrice(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": ModelPrice(input=0.10, cached_input=0.025, output=0.40),
    "gpt-4o": ModelPrice(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": ModelPrice(input=0.15, cached_input=0.075, output=0.60),
}


def price_for(model: str, prices: dict[str, ModelPrice]) -> ModelPrice | None:
    """The exact entry, else the longest entry the model name starts with (`gpt-4o-2024-08-06`)."""
    if model in prices:
        return prices[model]
    prefixes = [name for name in prices if model.startswith(name)]
    return prices[max(prefixes, key=len)] if prefixes else None


@dataclass
class Usage:
    """Tokens of one or more requests. `cost_usd` is None once any request had no known price."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = 0.0

    def add(self, other: "Usage") -> None:
        self.requests += other.requests
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cached_tokens += other.cached_tokens
        if self.cost_usd is None or other.cost_usd is None:
            self.cost_usd = None
        else:
            self.cost_usd += other.cost_usd

    def as_dict(self) -> dict[str, int | float]:
        """The shape of `RoundGrade.usage`: integer counts; `cost_usd` is left out when unknown."""
        out: dict[str, int | float] = {
            "requests": self.requests,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cached_tokens": self.cached_tokens,
        }
        if self.cost_usd is not None:
            out["cost_usd"] = round(self.cost_usd, 6)
        return out


def request_usage(model: str, reported: Any, prices: dict[str, ModelPrice]) -> Usage:
    """Usage of one request from the `usage` object the server reported (None when it sent none)."""
    prompt = _count(_field(reported, "prompt_tokens"))
    completion = _count(_field(reported, "completion_tokens"))
    cached = min(_count(_field(_field(reported, "prompt_tokens_details"), "cached_tokens")), prompt)
    price = price_for(model, prices)
    cost = None
    if price is not None:
        cached_rate = price.input if price.cached_input is None else price.cached_input
        fresh = prompt - cached
        cost = (fresh * price.input + cached * cached_rate + completion * price.output) / 1e6
    return Usage(1, prompt, completion, cached, cost)


@dataclass
class UsageMeter:
    """A session's running totals, overall and per model."""

    total: Usage = field(default_factory=Usage)
    by_model: dict[str, Usage] = field(default_factory=dict)

    def record(self, model: str, usage: Usage) -> None:
        self.total.add(usage)
        self.by_model.setdefault(model, Usage()).add(usage)


def _count(value: Any) -> int:
    """A token count as a server reported it (an int, a float, a numeric str, junk) as an int."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return 0
    return int(number) if math.isfinite(number) and number > 0 else 0


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
