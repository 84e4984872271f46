"""The offline grader's fitted heads: a model file beside a rubric (docs/FORMATS.md)."""

from typing import Annotated, Any, Final, Literal

from pydantic import Field, field_validator

from simulator.domain.base import Model, Slug

DETECTOR_FEATURES = (
    "decision", "i_action", "i_plan", "accountability", "deflection", "we_dominant", "no_first_person",
    "metric_complete", "metric_partial", "metric_sourced", "bare_number", "metric_change_only", "metric_target",
    "segment", "pain", "research", "backwards", "function", "alignment", "conflict_resolved", "tradeoff",
    "framework", "framing", "simplify", "rigor", "star_parts", "prfaq_sections", "positioning_parts",
    "sizing_step", "sizing_assumption", "sizing_check", "channel", "budget", "sequencing", "launch_metric", "cue",
)  # fmt: skip
"""What the detectors find in an answer; rubrics and model files weigh these by name (docs/GRADER.md)."""
DETECTOR_VIEWS = ("present", "level", "share")
"""How a head sees a feature: found at all, a level saturating at two findings, its share of sentences."""
DETECTOR_INPUTS = tuple(f"{name}.{view}" for name in DETECTOR_FEATURES for view in DETECTOR_VIEWS)
EMBEDDING: Final = "wordllama-l2_supercat-256"


class SignalHead(Model):
    """score = Σ weights·inputs + embedding·vector + intercept + rounds[round]; `cuts` start levels 2, 3, 4."""

    intercept: float
    cuts: Annotated[list[float], Field(min_length=3, max_length=3)]
    rounds: dict[Slug, float] = Field(default_factory=dict)
    weights: dict[str, float] = Field(default_factory=dict)
    embedding: list[float] = Field(default_factory=list)

    @field_validator("cuts")
    @classmethod
    def _ascending(cls, value: list[float]) -> list[float]:
        if sorted(value) != value:
            raise ValueError("cuts must be ascending: the scores at which levels 2, 3 and 4 begin")
        return value

    @field_validator("weights")
    @classmethod
    def _known_inputs(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(DETECTOR_INPUTS))
        if unknown:
            raise ValueError(
                f"unknown input {unknown[0]!r}; expected <feature>.<{'|'.join(DETECTOR_VIEWS)}> "
                f"with a feature among: {', '.join(DETECTOR_FEATURES)}"
            )
        return value

    @field_validator("embedding")
    @classmethod
    def _dimensions(cls, value: list[float]) -> list[float]:
        if value and len(value) != 256:
            raise ValueError(f"embedding weights must have 256 values (got {len(value)})")
        return value


class OfflineModel(Model):
    format: Literal[1] = 1
    embedding: Literal["wordllama-l2_supercat-256"] = EMBEDDING
    signals: dict[Slug, SignalHead] = Field(min_length=1)
    overall_cuts: Annotated[list[float], Field(min_length=3, max_length=3)] | None = None
    """The weighted mean of a round's signal levels at which its overall 2, 3 and 4 begin, fitted on the
    expert's overall labels: replaces the rubric's `decision.round_cutoffs` for this grader (the heads'
    levels are pulled toward the middle, and committees call a round more decisively than that)."""
    trained: dict[str, Any] = Field(default_factory=dict, description="What the heads were fitted on, and how.")
    cross_validation: dict[str, Any] = Field(
        default_factory=dict, description="Agreement measured on answers each head did not see (leave one author out)."
    )

    @field_validator("overall_cuts")
    @classmethod
    def _ascending_overall(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and sorted(value) != value:
            raise ValueError("overall_cuts must be ascending: the means at which overall levels 2, 3 and 4 begin")
        return value
