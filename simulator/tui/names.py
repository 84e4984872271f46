"""Display names of signals: the rubric's own name, else the id in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.content import Library


def signal_names(library: Library | None, rubric_id: str | None = None) -> dict[str, str]:
    """Signal id -> name, from `rubric_id` first, then from every other rubric in the library."""
    if library is None:
        return {}
    rubrics = list(library.rubrics.values())
    if rubric_id in library.rubrics:
        rubrics.insert(0, library.rubrics[rubric_id])
    names: dict[str, str] = {}
    for rubric in reversed(rubrics):  # the first rubric wins: it is applied last
        names.update({signal_id: signal.name for signal_id, signal in rubric.signals.items()})
    return names


def name_of(names: dict[str, str], signal_id: str) -> str:
    return names.get(signal_id) or signal_id.replace("_", " ").capitalize()
