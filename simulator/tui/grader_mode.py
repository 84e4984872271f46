"""The grader in plain words for Home, and whether an LLM endpoint is configured. No Textual here."""

from dataclasses import dataclass

OFFLINE_TEXT = "Offline evidence grader — no API key needed"


@dataclass(frozen=True)
class GraderMode:
    text: str
    llm: str | None = None
    """`<model> at <base URL>` when an LLM endpoint is configured, else None."""
    problem: str | None = None
    """Why the LLM settings could not be read (the app then stays offline)."""


def grader_mode(grader_name: str) -> GraderMode:
    """Reads the LLM settings (never the network); a broken config becomes `problem`, not an error."""
    from simulator.llm.config import OPENAI_BASE_URL, resolve_settings
    from simulator.llm.errors import LLMError

    try:
        settings = resolve_settings()
    except (LLMError, ValueError) as exc:
        return GraderMode(OFFLINE_TEXT, problem=f"LLM settings: {exc}")
    if not settings.is_configured:
        return GraderMode(OFFLINE_TEXT)
    llm = f"{settings.model_for('grader')} at {settings.base_url or OPENAI_BASE_URL}"
    return GraderMode(OFFLINE_TEXT if grader_name == "offline" else f"LLM grader: {llm}", llm=llm)
