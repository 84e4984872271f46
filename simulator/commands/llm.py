"""`mockloop doctor`: is the LLM endpoint configured, reachable and answering as mockloop needs?

`add_llm_arguments` and `settings_from_args` give any subcommand the same LLM flags.
"""

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from simulator.commands.common import add_parser

if TYPE_CHECKING:
    from simulator.llm import LLMError, LLMSettings

FLAGS = ("base_url", "model", "grader_model", "interviewer_model", "timeout")
PING = [
    {"role": "system", "content": "You are a health check. Answer in JSON."},
    {"role": "user", "content": 'What is 2 + 3? Reply as JSON: {"sum": <integer>}.'},
]


def register(sub: Any) -> None:
    doctor = add_parser(
        sub,
        "doctor",
        "Check the LLM setup: configuration, endpoint reachable, model listed, a structured call.",
        "mockloop doctor --base-url http://localhost:11434/v1 --model llama3.1:8b",
    )
    add_llm_arguments(doctor)
    doctor.set_defaults(handler=_doctor)


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags that override the environment and the config file (see docs/LLM.md).

    There is no flag for the API key: a key on the command line ends up in shell history.
    """
    group = parser.add_argument_group("LLM endpoint (overrides environment and config file)")
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)",
    )
    group.add_argument("--model", metavar="NAME", help="model for everything (env MOCKLOOP_MODEL)")
    group.add_argument("--grader-model", metavar="NAME", help="model for grading (env MOCKLOOP_GRADER_MODEL)")
    group.add_argument(
        "--interviewer-model", metavar="NAME", help="model for the interviewer (env MOCKLOOP_INTERVIEWER_MODEL)"
    )
    group.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="deadline of each request, connect to last byte (env MOCKLOOP_TIMEOUT)",
    )


def settings_from_args(args: argparse.Namespace) -> "LLMSettings":
    """Flags > environment > config file > defaults; raises LLMError when a value is malformed."""
    from simulator.llm import resolve_settings

    return resolve_settings({name: getattr(args, name, None) for name in FLAGS})


class _Report:
    def __init__(self) -> None:
        self.failed = False
        self.refused = False
        """The key was refused (401/403): exit 2, and no further check is run."""

    def line(self, status: str, check: str, detail: str) -> None:
        self.failed = self.failed or status == "FAIL"
        print(f"{status:<4}  {check}: {detail}", flush=True)


def _doctor(args: argparse.Namespace) -> int:
    report = _Report()
    asyncio.run(_check(args, report))
    return 2 if report.refused else 1 if report.failed else 0


async def _check(args: argparse.Namespace, report: _Report) -> None:
    from pydantic import BaseModel, ConfigDict

    from simulator.llm import LLMError, LLMSession, complete_structured

    class Ping(BaseModel):
        model_config = ConfigDict(extra="forbid")
        sum: int

    try:
        settings = settings_from_args(args)
    except LLMError as exc:
        report.line("FAIL", "config", str(exc))
        return
    if not settings.is_configured:
        report.failed = True  # nothing to check: exit 1, as when the endpoint does not answer
        report.line(
            "off", "config", "no LLM endpoint configured; mockloop grades offline and the scripted interviewer asks"
        )
        print(
            "      To use a model, set OPENAI_API_KEY=sk-... (OpenAI) or OPENAI_BASE_URL=http://127.0.0.1:11434/v1\n"
            "      (a local OpenAI-compatible server; or --base-url), and MOCKLOOP_MODEL=<model name>.\n"
            '      Examples for OpenAI, Azure, Ollama, vLLM, LM Studio: the README, "Configure an LLM endpoint".'
        )
        return
    report.line("ok", "config", _describe(settings))
    models = [settings.model_for("grader")]
    if settings.model_for("interviewer") not in models:
        models.append(settings.model_for("interviewer"))
    async with LLMSession(settings.model_copy(update={"max_attempts": 1})) as session:
        try:
            listed = await session.list_models()
        except LLMError as exc:
            report.line("FAIL", "endpoint", _endpoint_problem(exc))
            if exc.status in (401, 403):
                report.refused = True
                return
            report.line("skip", "model", "the endpoint did not answer")
            report.line("skip", "structured call", "the endpoint did not answer")
            return
        report.line("ok", "endpoint", f"GET /models answered ({len(listed)} models)")
        missing = [name for name in models if name not in listed]
        if missing:
            shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
            report.line(
                "FAIL", "model", f"{', '.join(missing)} not listed by the server; it lists: {shown or 'nothing'}"
            )
        else:
            report.line("ok", "model", f"{', '.join(models)} listed")
        try:
            result = await complete_structured(session, PING, Ping, model=models[0])
        except LLMError as exc:
            report.line("FAIL", "structured call", str(exc))
            report.refused = exc.status in (401, 403)
            return
        how = (
            "structured outputs (json_schema)"
            if result.mode == "json_schema"
            else "JSON mode (the server refused json_schema; mockloop falls back to JSON mode)"
        )
        tokens = session.usage.total.prompt_tokens + session.usage.total.completion_tokens
        report.line("ok", "structured call", f"{models[0]} replied valid JSON via {how}, {tokens} tokens")


def _describe(settings: "LLMSettings") -> str:
    sources = settings.sources
    base = settings.base_url or "https://api.openai.com/v1 (OpenAI)"
    key = "set" if settings.api_key else "none (a placeholder is sent: fine for local servers)"
    parts = [
        f"base URL {base}{_source(sources, 'base_url')}",
        f"key {key}{_source(sources, 'api_key')}",
        f"grader model {settings.model_for('grader')}"
        f"{_source(sources, 'grader_model' if settings.grader_model else 'model')}",
        f"interviewer model {settings.model_for('interviewer')}"
        f"{_source(sources, 'interviewer_model' if settings.interviewer_model else 'model')}",
    ]
    return "; ".join(parts)


def _source(sources: dict[str, str], name: str) -> str:
    return f" (from {sources[name]})" if name in sources else ""


def _endpoint_problem(exc: "LLMError") -> str:
    from simulator.llm import LLMUnavailable

    if exc.status is None:  # unreachable, or it answered but not as an OpenAI-compatible API does
        return f"unreachable: {exc}" if isinstance(exc, LLMUnavailable) else str(exc)
    if exc.status in (401, 403):
        return str(exc)  # "the server refused the API key: HTTP 401 ..."
    if exc.status == 404:
        return f"{exc}. Is the base URL right? It usually ends in /v1"
    return str(exc)
