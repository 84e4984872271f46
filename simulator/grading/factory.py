"""Pick a grader by name: `offline` (the default, no key) or `llm`. The factory chooses the LLM
grader's model (the `grader` role's model and generation settings) and hands it over ready."""

from typing import TYPE_CHECKING

from simulator.grading.base import Grader

if TYPE_CHECKING:
    from simulator.grading.llm_grader import HintSource, LLMGrader
    from simulator.llm.config import LLMSettings

GRADERS = ("offline", "llm")


class GraderUnavailable(RuntimeError):
    """The grader asked for cannot run here (for example: no LLM endpoint configured)."""


def make_grader(name: str, samples: int = 1, hints: bool = True, **llm_overrides: str | float | None) -> Grader:
    """`hints`: the LLM grader shows the model the offline grader's evidence (deduplicated and
    shorter than the answer); False grades from the answer alone. `await grader.aclose()` when done
    with an LLM grader (`close_grader` closes any grader)."""
    from simulator.grading.offline import OfflineGrader

    if name == "offline":
        return OfflineGrader()
    if name != "llm":
        raise GraderUnavailable(f"unknown grader {name!r}; expected one of: {', '.join(GRADERS)}")
    from simulator.grading.llm_grader import evidence_hints
    from simulator.llm.config import resolve_settings
    from simulator.llm.errors import LLMError

    try:
        settings = resolve_settings(flags=llm_overrides)
    except LLMError as exc:
        raise GraderUnavailable(str(exc)) from None
    if not settings.is_configured:
        raise GraderUnavailable(
            "the LLM grader needs an endpoint: set OPENAI_API_KEY (and OPENAI_BASE_URL for a "
            "local server) or run `mockloop doctor`; without one, use --grader offline"
        )
    offline = OfflineGrader()
    shown = evidence_hints(offline) if hints else None
    return make_llm_grader(settings, samples=samples, fallback=offline, hints=shown)


def make_llm_grader(
    settings: "LLMSettings",
    samples: int = 1,
    fallback: Grader | None = None,
    hints: "HintSource | None" = None,
) -> "LLMGrader":
    """An LLM grader on the settings' endpoint, with the grader role's model on a session of its own."""
    from simulator.grading.llm_grader import LLMGrader
    from simulator.llm.openai_model import OpenAIChatModel

    model = OpenAIChatModel.for_role(settings, "grader")
    return LLMGrader(model, samples=samples, fallback=fallback, hints=hints)


async def close_grader(grader: Grader) -> None:
    """Close what the grader holds open (an LLM grader's connections); other graders hold nothing."""
    close = getattr(grader, "aclose", None)
    if close is not None:
        await close()
