"""Evidence detectors: pure functions from answer text to verbatim spans with offsets."""

from simulator.grading.detectors.injection import find_injection, redact
from simulator.grading.detectors.metrics import Claim, claims, targets
from simulator.grading.detectors.people import customers, stakeholders
from simulator.grading.detectors.relevance import relevance
from simulator.grading.detectors.structure import launch, positioning, prfaq, sizing, star
from simulator.grading.detectors.text import Span, sentences
from simulator.grading.detectors.voice import voice

__all__ = [
    "Claim",
    "Span",
    "claims",
    "customers",
    "find_injection",
    "launch",
    "positioning",
    "prfaq",
    "redact",
    "relevance",
    "sentences",
    "sizing",
    "stakeholders",
    "star",
    "targets",
    "voice",
]
