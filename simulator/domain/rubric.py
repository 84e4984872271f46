"""Rubric: the signals a hiring committee listens for and how they become a decision."""

from typing import Annotated, Literal

from pydantic import Field, field_validator

from simulator.domain.base import Model, NonEmptyText, Slug
from simulator.domain.offline_model import DETECTOR_FEATURES

CORE_SIGNALS = ("ownership", "delivery_metrics", "customer_obsession", "cross_functional_influence")

Level = Literal[1, 2, 3, 4]
GateName = Literal["off_topic", "too_short", "vague", "incoherent", "we_only", "unanchored_numbers"]
LEVELS: tuple[Level, ...] = (1, 2, 3, 4)
"""The scale, lowest first: every module that needs a level bound reads it from here."""
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Weight = Annotated[float, Field(gt=0, allow_inf_nan=False)]
"""Every number of a rubric is finite: a weight of `.inf` or `1e999` would turn every grade into nonsense."""


class EvidenceCues(Model):
    """How the offline evidence grader scores a signal; a coach tunes these.

    `scorer: model` (the default) takes the level from the rubric's model file when it has a head
    for the signal (`mockloop calibrate --fit` refits it on a coach's labels); `scorer: weights`, or a
    signal the model has no head for, is scored by hand: `features` weights the detectors' findings
    (docs/GRADER.md lists them), and the sum, each feature capped, is compared with `thresholds`
    (the points needed for levels 2, 3, 4). `cues` are phrases that count as evidence only in a
    sentence that also carries substance (a first-person action, a number, a named customer or
    function): cue words alone score nothing. Quotes and rationales always come from the features.
    """

    scorer: Literal["model", "weights"] = "model"
    cues: list[NonEmptyText] = Field(default_factory=list)
    features: dict[Slug, FiniteFloat] = Field(default_factory=dict)
    thresholds: Annotated[list[FiniteFloat], Field(min_length=3, max_length=3)] | None = None

    @field_validator("features")
    @classmethod
    def _known_features(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_features(value)

    @field_validator("thresholds")
    @classmethod
    def _ascending(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and sorted(value) != value:
            raise ValueError("thresholds must be ascending: points for levels 2, 3, 4")
        return value


def _check_features(value: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(value) - set(DETECTOR_FEATURES))
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; expected one of: {', '.join(DETECTOR_FEATURES)}")
    return value


class Signal(Model):
    name: NonEmptyText
    description: NonEmptyText
    levels: dict[Level, NonEmptyText] = Field(
        description="What an answer at each level 1-4 sounds like (behaviourally anchored)."
    )
    evidence: EvidenceCues = Field(default_factory=EvidenceCues)

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, value: dict[int, str]) -> dict[int, str]:
        missing = [lvl for lvl in (1, 2, 3, 4) if lvl not in value]
        if missing:
            raise ValueError(f"levels must anchor 1, 2, 3 and 4; missing {missing}")
        return value

    def next_level(self, score: int) -> str | None:
        """What an answer one level above `score` sounds like; None at the top of the scale."""
        return next((text for level, text in sorted(self.levels.items()) if level > score), None)


class RubricRound(Model):
    """Which signals a round type grades and how much each weighs in the round's overall score."""

    signals: dict[Slug, Weight] = Field(min_length=1)
    weight: Weight = 1.0
    """Weight of this round in the loop's mean."""


class Veto(Model):
    """No hire when a signal in a round scores at or below `at_most` (`*` means any)."""

    round: Slug | Literal["*"] = "*"
    signal: Slug | Literal["*"] = "*"
    at_most: Level = 1
    reason: str = ""


class DecisionRule(Model):
    hire_at_least: Annotated[float, Field(ge=1, le=4, allow_inf_nan=False)] = 3.0
    """Weighted mean of round overall scores needed for hire."""
    round_cutoffs: Annotated[list[FiniteFloat], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [1.75, 2.5, 3.25]
    )
    """Weighted mean of a round's signal scores needed for round overall 2, 3 and 4.

    Committees call a round more decisively than the plain mean of its signals: a round that is
    mostly 4s with a 3 is a strong hire, mostly 1s with a 2 a strong no hire."""
    vetoes: list[Veto] = Field(default_factory=list)
    integrity_cap: Level = 2
    """An answer flagged `prompt-injection` scores at most this on every signal."""


class Rubric(Model):
    id: Slug
    title: NonEmptyText
    extends: Slug | None = None
    description: str = ""
    scale: dict[int, NonEmptyText] = Field(
        default_factory=lambda: {
            1: "Strong no hire",
            2: "Lean no hire",
            3: "Lean hire",
            4: "Strong hire",
        }
    )
    signals: dict[Slug, Signal] = Field(default_factory=dict)
    rounds: dict[Slug, RubricRound] = Field(default_factory=dict)
    decision: DecisionRule = Field(default_factory=DecisionRule)
    model: str | None = Field(
        default=None,
        description="The offline grader's fitted heads (a JSON file, relative to this rubric's file). Without it "
        "the loader uses `<rubric file name>.model.json` beside the rubric, else the model of the rubric it extends.",
    )
    offline: "OfflineRules" = Field(default_factory=lambda: OfflineRules())

    def label(self, score: int) -> str:
        return self.scale.get(score, str(score))

    def round_for(self, round_type: str) -> RubricRound | None:
        return self.rounds.get(round_type)


class Gate(Model):
    """A cap the offline grader applies whatever the rest of the answer earns."""

    cap: Level
    """Highest score of the signals it applies to."""
    overall_cap: Level | None = None
    """Highest overall score of the round (default: `cap`)."""
    signal: Slug | None = None
    """Only this signal (default: every signal of the round)."""


class OfflineRules(Model):
    """What the offline grader does that a model cannot learn from labels: gates and round formats."""

    gates: dict[GateName, Gate] = Field(default_factory=dict)
    too_short_words: Annotated[int, Field(ge=0)] = 40
    unanchored_numbers_at: Annotated[int, Field(ge=1)] = 3
    round_formats: dict[Slug, dict[Slug, Weight]] = Field(default_factory=dict)
    """Per round type, detector findings of which any one shows the answer takes the round's form
    (a press release, a sizing); rounds not listed need two first-person actions or plans."""
    questions: Literal["mean", "min", "max"] = "mean"

    @field_validator("round_formats")
    @classmethod
    def _known_features(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for needs in value.values():
            _check_features(needs)
        return value

    """How a round's questions combine into its signal scores; a skipped question counts as the lowest level."""


Rubric.model_rebuild()
