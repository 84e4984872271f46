"""Finds and loads YAML content (rubrics, loops, questions) with file:line errors."""

from simulator.content.errors import ContentError, Problem
from simulator.content.library import Library, load_library
from simulator.content.loader import load_rubric_file, load_sheet_file

__all__ = [
    "ContentError",
    "Library",
    "Problem",
    "load_library",
    "load_rubric_file",
    "load_sheet_file",
]
