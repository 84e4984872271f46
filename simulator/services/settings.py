"""mockloop's settings: one model read from the config file, `MOCKLOOP_*` variables and flags.

Precedence, highest first: flags (keyword arguments of `Settings.load`) > environment > the
config file's top-level keys > defaults. The `llm:` section and its variables are read by
`simulator.llm.config.resolve_settings`, when an LLM is first needed: a broken `llm:` section
never stops offline work.
"""

import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, TypeAdapter, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from simulator import locations
from simulator.llm.config import LLMSettings, resolve_settings

Grader = Literal["offline", "llm"]
InterviewerChoice = Literal["auto", "scripted", "llm"]
Theme = Literal["dark", "light"]

LLM_FLAGS = ("model", "grader_model", "interviewer_model", "base_url", "timeout")
"""Flags that go to the `llm` settings rather than to the top level."""

FILE_ONLY_IN_ENV = ("config_dir", "config")
"""Where the config file is cannot itself come from the config file."""


class SettingsError(Exception):
    """One line naming the file or variable and what was expected."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MOCKLOOP_",
        extra="forbid",
        populate_by_name=True,
        use_attribute_docstrings=True,
    )

    grader: Grader = "offline"
    """Who grades the rounds: `offline` (evidence grader, no key) or `llm`."""
    interviewer: InterviewerChoice = "auto"
    """Who asks the follow-ups: `scripted`, `llm`, or `auto` (the LLM when an endpoint is configured)."""
    theme: Theme = "dark"
    """The app's colours: `dark` or `light` (F9 switches while it runs)."""
    transcripts: Path = Path("transcripts")
    """The transcripts dir: where sessions are saved (relative to the current directory unless absolute)."""
    config_dir: Path = Field(default_factory=locations.user_config_dir)
    """Your own rubrics, prompts, calibrations and `config.yaml` (default: the platform's, e.g. ~/.config/mockloop)."""
    config: Path | None = None
    """The config file to read instead of `config.yaml` in the config dir."""

    _llm_flags: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None) -> "Settings":
        """Flags (None values are ignored) over the environment over the config file."""
        given = {name: value for name, value in (flags or {}).items() if value is not None}
        llm_flags = {name: given.pop(name) for name in LLM_FLAGS if name in given}
        try:
            settings = cls(**given)
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None
        settings._llm_flags = llm_flags
        return settings

    @field_validator("transcripts", "config_dir", "config")
    @classmethod
    def _expand_user(cls, path: Path | None) -> Path | None:
        return None if path is None else path.expanduser()

    @property
    def config_path(self) -> Path:
        return self.config or self.config_dir / "config.yaml"

    @property
    def llm_flags(self) -> dict[str, Any]:
        return dict(self._llm_flags)

    @cached_property
    def llm(self) -> LLMSettings:
        """The `llm:` section, its variables and the LLM flags; raises LLMError naming what is malformed."""
        return resolve_settings(self._llm_flags, config_path=self.config_path)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, ConfigFileSource(settings_cls, init_settings, env_settings)


class ConfigFileSource(PydanticBaseSettingsSource):
    """The config file's top-level keys (all but `llm:`, which `resolve_settings` reads)."""

    def __init__(
        self, settings_cls: type[BaseSettings], init: PydanticBaseSettingsSource, env: PydanticBaseSettingsSource
    ) -> None:
        super().__init__(settings_cls)
        self.path = self._where(init(), env())

    def _where(self, *layers: dict[str, Any]) -> Path:
        for layer in layers:
            if layer.get("config"):
                named = Path(layer["config"]).expanduser()
                if not named.is_file():
                    raise SettingsError(f"{named}: no such config file (named by --config or MOCKLOOP_CONFIG)")
                return named
        for layer in layers:
            if layer.get("config_dir"):
                return Path(layer["config_dir"]).expanduser() / "config.yaml"
        return locations.config_file()

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads the whole file at once

    def __call__(self) -> dict[str, Any]:
        data, places = _read_top_level(self.path)
        known = set(self.settings_cls.model_fields) - set(FILE_ONLY_IN_ENV)
        for key, value in data.items():
            if key not in known:
                expected = ", ".join(["llm", *sorted(known)])
                raise SettingsError(f"{self.path}:{places[key]}: unknown setting {key!r}; expected one of: {expected}")
            try:
                annotation = self.settings_cls.model_fields[key].annotation
                TypeAdapter(annotation if annotation is not None else Any).validate_python(value)
            except ValidationError as exc:
                raise SettingsError(f"{self.path}:{places[key]}: {key}: {exc.errors()[0]['msg']}") from None
        return data


def _read_top_level(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The file's top-level keys but `llm`, and each one's `line:column`; an absent file is empty."""
    if not path.is_file():
        return {}, {}
    from simulator.content.errors import ContentError
    from simulator.content.yamlio import read_yaml

    try:
        if not path.read_bytes().strip():
            return {}, {}
        data = read_yaml(path)  # a mapping with line numbers: anything else is a ContentError
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read the config file: {exc.strerror}") from None
    except ContentError as exc:
        raise SettingsError(f"{exc.problems[0]} (the config file)") from None
    places = {}
    for key in data:
        line, column = data.lc.key(key)
        places[str(key)] = f"{line + 1}:{column + 1}"
    return {str(k): _plain(v) for k, v in data.items() if k != "llm"}, places


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, str) else value


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        variable = f"MOCKLOOP_{name.upper()}"
        source = f"env {variable}" if os.environ.get(variable) else "flag"
        problems.append(f"{name} ({source}): {error['msg']}")
    return "bad settings: " + "; ".join(problems)


def settings_table() -> list[str]:
    """The README's Settings table, one line per field: config key, variable, default, the field's docstring."""
    lines = ["| config key | variable | default | what |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "platform's" if field.default_factory else "—" if field.default is None else f"`{field.default}`"
        key = "—" if name in FILE_ONLY_IN_ENV else f"`{name}:`"
        lines.append(f"| {key} | `MOCKLOOP_{name.upper()}` | {default} | {field.description or ''} |")
    lines.append(
        "| `llm:` | `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `MOCKLOOP_MODEL`, ... | offline | "
        "The LLM endpoint, models, deadline and retries: see [docs/LLM.md](docs/LLM.md). |"
    )
    return lines


if __name__ == "__main__":  # python -m simulator.services.settings: the table README.md shows
    print("\n".join(settings_table()))
