"""`mockloop rubrics validate`: check content files and report every problem."""

import copy
from pathlib import Path
from typing import Any

from simulator.content.errors import ContentError, Problem
from simulator.content.library import (
    BANK_GLOB,
    LOOP_GLOB,
    RUBRIC_GLOB,
    Source,
    check_bank,
    check_loop,
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
        count = sum(len(list(r.glob(g))) for r in roots for g in (RUBRIC_GLOB, LOOP_GLOB, BANK_GLOB))
        return lib.problems, count
    problems: list[Problem] = []
    files = _expand(paths)
    parsed: list[tuple[Path, Any, Any]] = []
    for path in files:
        try:
            data = read_yaml(path)
            parsed.append((path, data, validate(kind_of(data), data, path)))
        except ContentError as exc:
            problems.extend(exc.problems)
    if not parsed:
        return problems, len(files)
    # Each file is checked against the search path as it would be used, with the other files given
    # here taking the place of their ids: a new loop may name the new rubric validated beside it.
    lib = copy.copy(load_library())
    lib.rubrics, lib.questions = dict(lib.rubrics), dict(lib.questions)
    rubrics = [(path, data, item) for path, data, item in parsed if isinstance(item, Rubric)]
    given = {item.id: (item, Source(path, data)) for path, data, item in rubrics}
    for path, data, item in rubrics:
        parents = {
            rid: (rubric, Source(lib.source("rubric", rid) or path, {}))
            for rid, rubric in lib.rubrics.items()
            if rid != item.id
        }
        parents.update({rid: pair for rid, pair in given.items() if rid != item.id})
        resolved = resolve_rubric(item, Source(path, data), parents, problems)
        if resolved is not None:
            lib.rubrics[item.id] = resolved
    for _, _, item in parsed:
        if isinstance(item, QuestionBank):
            lib.questions.update({q.id: q for q in item.questions})
    for path, data, item in parsed:
        if isinstance(item, QuestionBank):
            problems.extend(check_bank(item, Source(path, data), lib))
        elif isinstance(item, LoopSpec):
            problems.extend(check_loop(item, Source(path, data), lib))
    return problems, len(files)
