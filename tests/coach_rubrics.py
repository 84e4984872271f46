"""Coach's rubric files for the tests (no tests here): copies of `base` with one signal changed."""

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from simulator.content import load_library


def write_variant(path: Path, signal: str, rubric_id: str = "coach", **evidence: Any) -> Path:
    """A coach's rubric that `extends: base` and overrides one signal's `evidence:`."""
    overridden = load_library().rubric("base").signals[signal].model_dump(exclude_none=True)
    overridden["evidence"].update({"scorer": "weights", **evidence})
    with path.open("w", encoding="utf-8") as handle:
        YAML(typ="safe").dump(
            {"id": rubric_id, "title": "Coach's copy", "extends": "base", "signals": {signal: overridden}}, handle
        )
    return path
