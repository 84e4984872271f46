"""`mockloop rubrics validate`: check content files and report every problem."""

from pathlib import Path
from typing import Any

from simulator.content.errors import ContentError, Problem
from simulator.content.library import (
    BANK_GLOB,
    LOOP_GLOB,
    RUBRIC_GLOB,
    Source,
    load_library,
    resolve_rubric,
)
from simulator.content.loader import validate
from simulator.content.yamlio import read_yaml
from simulator.domain import AnswerSheet, LoopSpec, QuestionBank, Rubric


def kind_of(data: Any) -> type:
    """Which model a parsed file is, judged by its keys."""
    if "questions" in data:
        return QuestionBank
    rounds = data.get("rounds")
    if isinstance(rounds, list):
        if any(isinstance(r, dict) and "answer" in r for r in rounds):
            return AnswerSheet
        return LoopSpec
    return Rubric


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def validate_paths(paths: list[Path]) -> tuple[list[Problem], int]:
    """All problems in the given files (or the whole search path) and how many files were read."""
    if not paths:
        from simulator.locations import content_roots

        roots = content_roots()
        lib = load_library(roots)
        count = sum(
            len(list(r.glob(g))) for r in roots for g in (RUBRIC_GLOB, LOOP_GLOB, BANK_GLOB)
        )
        return lib.problems, count
    problems: list[Problem] = []
    files = _expand(paths)
    lib = None
    for path in files:
        try:
            data = read_yaml(path)
            model = kind_of(data)
            item = validate(model, data, path)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(item, Rubric):
            lib = lib or load_library()
            parents = {
                rid: (rubric, Source(lib.source("rubric", rid) or path, {}))
                for rid, rubric in lib.rubrics.items()
                if rid != item.id
            }
            resolve_rubric(item, Source(path, data), parents, problems)
    return problems, len(files)
