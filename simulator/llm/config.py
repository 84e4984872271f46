"""LLM settings and where each comes from.

Precedence, highest first: CLI flags > environment > config file (`llm:` in
`locations.config_file()`) > defaults. Environment variables: OPENAI_API_KEY, OPENAI_BASE_URL,
MOCKLOOP_MODEL, MOCKLOOP_GRADER_MODEL, MOCKLOOP_INTERVIEWER_MODEL, MOCKLOOP_TIMEOUT. mockloop never writes any of
this, the key least of all: settings are only ever read.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError

from simulator import locations
from simulator.llm.errors import LLMError
from simulator.llm.usage import DEFAULT_PRICES, ModelPrice

DEFAULT_MODEL = "gpt-4.1-mini"
OPENAI_BASE_URL = "https://api.openai.com/v1"
NO_KEY_PLACEHOLDER = "not-needed"
"""Sent as the key to a base URL configured without one: local servers ignore it."""

ENV_VARS = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "MOCKLOOP_MODEL",
    "grader_model": "MOCKLOOP_GRADER_MODEL",
    "interviewer_model": "MOCKLOOP_INTERVIEWER_MODEL",
    "timeout": "MOCKLOOP_TIMEOUT",
}

OFFLINE = (
    "offline: no API key (OPENAI_API_KEY) and no base URL (OPENAI_BASE_URL); "
    "the offline grader and the scripted interviewer are used"
)

Role = Literal["grader", "interviewer"]


class Generation(BaseModel):
    """Generation settings of one role, each sent only when set (else the server's default)."""

    model_config = ConfigDict(extra="forbid")

    temperature: float | None = Field(default=None, ge=0, le=2, description="Sampling temperature.")
    seed: int | None = Field(default=None, description="Best-effort determinism, where the server supports it.")
    max_tokens: int | None = Field(default=None, ge=1, description="At most this many tokens in the reply.")


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    grader_model: str | None = None
    interviewer_model: str | None = None
    timeout: float = Field(
        default=60.0,
        gt=0,
        description="Deadline of one request in seconds: connect, first byte and the whole body together, "
        "however slowly the server trickles it (a stream's body included).",
    )
    max_attempts: int = Field(default=4, ge=1, description="Tries per request, the first included.")
    max_total_seconds: float = Field(
        default=120.0, gt=0, description="No retry is started (or slept for) past this budget."
    )
    backoff_initial: float = Field(default=0.5, ge=0, description="First backoff; it doubles.")
    backoff_max: float = Field(default=20.0, ge=0)
    concurrency: int = Field(default=8, ge=1, description="Requests in flight at once.")
    temperature: float | None = Field(default=None, description="Sent only when set; a role's own wins.")
    grader: Generation = Field(default_factory=Generation, description="What grading requests send.")
    interviewer: Generation = Field(default_factory=Generation, description="What interviewer requests send.")
    prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def is_configured(self) -> bool:
        """False means offline: neither a key nor a base URL."""
        return self.api_key is not None or self.base_url is not None

    @property
    def sources(self) -> dict[str, str]:
        """Where each non-default setting came from: `flag`, `env NAME` or the config file path."""
        return dict(self._sources)

    def client_api_key(self) -> str:
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.base_url is not None:
            return NO_KEY_PLACEHOLDER
        raise LLMError(OFFLINE)

    @property
    def endpoint(self) -> str:
        """The base URL requests go to: the configured one, else OpenAI's."""
        return self.base_url or OPENAI_BASE_URL

    def generation_for(self, role: Role) -> dict[str, Any]:
        """The generation parameters a request of `role` sends: its own settings, else the top-level
        `temperature`; unset ones are left out."""
        own = self.grader if role == "grader" else self.interviewer
        values = {"temperature": self.temperature, **own.model_dump(exclude_none=True)}
        return {name: value for name, value in values.items() if value is not None}

    def model_for(self, role: Role) -> str:
        specific = self.grader_model if role == "grader" else self.interviewer_model
        return specific or self.model


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> LLMSettings:
    """Merge defaults, the config file, the environment and flags (None values are ignored).

    Raises LLMError naming the file or the variable when a value is malformed.
    """
    env = os.environ if env is None else env
    path = locations.config_file() if config_path is None else config_path
    layers: list[tuple[str, dict[str, Any]]] = [
        (str(path), _read_config_file(path)),
        ("env", {f: env[v] for f, v in ENV_VARS.items() if env.get(v, "").strip()}),
        ("flag", {k: v for k, v in (flags or {}).items() if v is not None}),
    ]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for label, layer in layers:
        for name, value in layer.items():
            values[name] = value
            sources[name] = f"env {ENV_VARS[name]}" if label == "env" else label
    if isinstance(values.get("prices", {}), dict):
        values["prices"] = {**DEFAULT_PRICES, **values.get("prices", {})}
    try:
        settings = LLMSettings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))} ({sources.get(str(e['loc'][0]), 'default')}): {e['msg']}"
            for e in exc.errors()
        )
        raise LLMError(f"bad LLM settings: {problems}") from None
    settings._sources = sources
    return settings


def _read_config_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        # The file:line:column form of simulator/content/yamlio.py::read_yaml, which this layer may not
        # import (docs/ARCHITECTURE.md): ruamel's own message is several lines citing "<unicode string>".
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(" ".join(str(p).split()) for p in (exc.context, exc.problem) if p)
        raise LLMError(f"{path}:{line}:{col}: cannot read the config file: YAML syntax error: {what}") from None
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        detail = " ".join(str(exc).split())
        raise LLMError(f"{path}: cannot read the config file: {detail}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LLMError(f"{path}: expected a YAML mapping at the top")
    section = data.get("llm")
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise LLMError(f"{path}: `llm:` must be a mapping of settings")
    return section
