"""All content on the search path: rubrics (with `extends` resolved), loops and question banks.

A file earlier on the search path overrides one with the same id later on the path (unless it does not
load: then it is skipped with a warning and the later copy is used); two files
with the same id in one directory are a problem.
"""

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.content.errors import ContentError, Problem
from simulator.content.loader import problem_at, validate
from simulator.content.yamlio import read_yaml
from simulator.domain import LoopSpec, Question, QuestionBank, Rubric

RUBRIC_GLOB = "rubrics/*.yaml"
LOOP_GLOB = "prompts/loops/*.yaml"
BANK_GLOB = "prompts/questions/*.yaml"


@dataclass
class Source:
    path: Path
    data: Any


class UnknownId(LookupError):
    def __init__(self, kind: str, wanted: str, known: list[str]) -> None:
        self.kind, self.wanted, self.known = kind, wanted, known
        close = difflib.get_close_matches(wanted.lower(), known, n=1, cutoff=0.6)
        guess = f" (did you mean {close[0]}?)" if close else ""
        super().__init__(f"unknown {kind} {wanted!r}{guess}; expected one of: {', '.join(sorted(known))}")


class BrokenContent(LookupError):
    """The file that defines this id, earlier on the search path, does not load: it is not silently
    replaced by a later copy (a coach editing ./rubrics/amazon-pm.yaml must see their mistake)."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Library:
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    loops: dict[str, LoopSpec] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, id) -> why: ids whose first file on the search path does not load."""

    def rubric(self, rubric_id: str) -> Rubric:
        if ("rubric", rubric_id) in self.broken:
            raise BrokenContent(self.broken[("rubric", rubric_id)])
        if rubric_id not in self.rubrics:
            raise UnknownId("rubric", rubric_id, list(self.rubrics))
        return self.rubrics[rubric_id]

    def loop(self, loop_id: str) -> LoopSpec:
        if ("loop", loop_id) in self.broken:
            raise BrokenContent(self.broken[("loop", loop_id)])
        if loop_id not in self.loops:
            raise UnknownId("loop", loop_id, list(self.loops))
        return self.loops[loop_id]

    def questions_for(self, round_type: str) -> list[Question]:
        return [q for q in self.questions.values() if q.round == round_type]

    def source(self, kind: str, item_id: str) -> Path | None:
        return self.sources.get((kind, item_id))


def _files(roots: list[Path], pattern: str) -> list[tuple[int, Path]]:
    return [(rank, p) for rank, root in enumerate(roots) for p in sorted(root.glob(pattern))]


def _first_wins(
    kind: str, found: list[tuple[int, Path, str, Any]], problems: list[Problem]
) -> dict[str, tuple[int, Path, Any]]:
    """Keep the first file per id on the search path; report same-id files within one root."""
    chosen: dict[str, tuple[int, Path, Any]] = {}
    for rank, path, item_id, item in found:
        if item_id in chosen:
            first_rank, first_path, _ = chosen[item_id]
            if first_rank == rank:
                problems.append(Problem(path, 1, 1, "id", f"duplicate {kind} id {item_id!r} (also in {first_path})"))
            continue
        chosen[item_id] = (rank, path, item)
    return chosen


def _parse_all(
    model: type, files: list[tuple[int, Path]], problems: list[Problem], failed: list[tuple[int, Path, Problem]]
) -> list[tuple[int, Path, Any, Any]]:
    """The files that load; each that does not adds its problems and (rank, path, first problem) to `failed`."""
    out: list[tuple[int, Path, Any, Any]] = []
    for rank, path in files:
        try:
            data = read_yaml(path)
            out.append((rank, path, validate(model, data, path), data))
        except ContentError as exc:
            problems.extend(exc.problems)
            failed.append((rank, path, exc.problems[0]))
    return out


def _block_shadowed(
    kind: str, failed: list[tuple[int, Path, Problem]], chosen: dict, lib: "Library", problems: list[Problem]
) -> None:
    """A file that fails to load: a later root's copy of the same id (the shipped one) is used, with a
    warning naming the skipped copy; with no other copy the id is broken, never silently missing."""
    for rank, path, problem in failed:
        item_id = path.stem
        if item_id in chosen:
            used_rank, used_path, _ = chosen[item_id]
            if used_rank > rank:
                problems.append(
                    Problem(
                        path,
                        problem.line,
                        problem.column,
                        "",
                        f"warning: skipped, this copy of {kind} {item_id!r} does not load; "
                        f"{used_path} is used until you fix it",
                    )
                )
            continue
        lib.broken.setdefault(
            (kind, item_id),
            f"{kind} {item_id!r}: {path} does not load ({problem}); fix it, or run `mockloop rubrics validate`",
        )


def resolve_rubric(
    rubric: Rubric,
    source: Source,
    parents: dict[str, tuple[Rubric, Source]],
    problems: list[Problem],
) -> Rubric | None:
    """Merge `extends` chains (signals and rounds by id, other fields when set) and cross-check."""
    chain = [(rubric, source)]
    seen = {rubric.id}
    while chain[-1][0].extends:
        parent_id = chain[-1][0].extends
        if parent_id in seen or parent_id not in parents:
            why = "extends itself in a cycle" if parent_id in seen else "extends an unknown rubric"
            known = ", ".join(sorted(parents))
            problems.append(
                problem_at(
                    chain[-1][1].data,
                    chain[-1][1].path,
                    ("extends",),
                    f"{why} {parent_id!r}; expected one of: {known}",
                )
            )
            return None
        seen.add(parent_id)
        chain.append(parents[parent_id])
    merged: dict[str, Any] = {}
    round_source: dict[str, Source] = {}
    for item, src in reversed(chain):
        for name in item.model_fields_set - {"signals", "rounds", "extends"}:
            merged[name] = getattr(item, name)
        merged.setdefault("signals", {}).update(item.signals)
        merged.setdefault("rounds", {}).update(item.rounds)
        round_source.update({r: src for r in item.rounds})
    for item, src in chain:
        if item.model and not (src.path.parent / item.model).is_file():
            problems.append(
                problem_at(
                    src.data,
                    src.path,
                    ("model",),
                    f"no such file {item.model!r} beside the "
                    "rubric; expected a model file written by `mockloop calibrate --fit`",
                )
            )
            return None
    merged["model"] = _model_path(chain)
    if merged["model"]:
        from simulator.content.offline_models import load_offline_model

        try:
            load_offline_model(Path(merged["model"]))
        except ContentError as exc:
            problems.extend(exc.problems)
            return None
    result = Rubric.model_validate({**merged, "id": rubric.id, "title": rubric.title})
    ok = True
    for round_id, round_spec in result.rounds.items():
        for signal_id in round_spec.signals:
            if signal_id not in result.signals:
                src = round_source[round_id]
                problems.append(
                    problem_at(
                        src.data,
                        src.path,
                        ("rounds", round_id, "signals", signal_id),
                        f"signal {signal_id!r} is not defined in the rubric; expected one of: "
                        f"{', '.join(sorted(result.signals))}",
                    )
                )
                ok = False
    for index, veto in enumerate(result.decision.vetoes):
        if veto.signal != "*" and veto.signal not in result.signals:
            problems.append(
                problem_at(
                    source.data,
                    source.path,
                    ("decision", "vetoes", index, "signal"),
                    f"veto names undefined signal {veto.signal!r}",
                )
            )
            ok = False
    for name, gate in result.offline.gates.items():
        if gate.signal is not None and gate.signal not in result.signals:
            problems.append(
                problem_at(
                    source.data,
                    source.path,
                    ("offline", "gates", name, "signal"),
                    f"gate names undefined signal {gate.signal!r}",
                )
            )
            ok = False
    return result if ok else None


MODEL_SUFFIX = ".model.json"


def _model_path(chain: list[tuple[Rubric, Source]]) -> str | None:
    """The first model of the chain, child first: named by `model:`, or `<stem>.model.json` beside the file."""
    for item, src in chain:
        if item.model:
            return str((src.path.parent / item.model).resolve())
        beside = src.path.with_name(src.path.stem + MODEL_SUFFIX)
        if beside.is_file():
            return str(beside.resolve())
    return None


def load_library(roots: list[Path] | None = None) -> Library:
    """Load everything on the search path; problems are collected, not raised."""
    from simulator.locations import content_roots

    roots = content_roots() if roots is None else roots
    lib = Library()
    problems = lib.problems

    failed: list[tuple[int, Path, Problem]] = []
    parsed_rubrics = _parse_all(Rubric, _files(roots, RUBRIC_GLOB), problems, failed)
    rubrics = _first_wins("rubric", [(r, p, m.id, (m, Source(p, d))) for r, p, m, d in parsed_rubrics], problems)
    _block_shadowed("rubric", failed, rubrics, lib, problems)
    parents = {rid: item for rid, (_, _, item) in rubrics.items()}
    for rubric_id, (_, path, (rubric, src)) in rubrics.items():
        resolved = resolve_rubric(rubric, src, parents, problems)
        if resolved is not None:
            lib.rubrics[rubric_id] = resolved
            lib.sources[("rubric", rubric_id)] = path

    parsed_banks = _parse_all(QuestionBank, _files(roots, BANK_GLOB), problems, [])
    questions = [
        (rank, path, q.id, (q, Source(path, data), i))
        for rank, path, bank, data in parsed_banks
        for i, q in enumerate(bank.questions)
    ]
    for qid, (_, path, (question, _, _)) in _first_wins("question", questions, problems).items():
        lib.questions[qid] = question
        lib.sources[("question", qid)] = path
    for _, path, bank, data in parsed_banks:
        problems.extend(check_bank(bank, Source(path, data), lib))

    failed = []
    parsed_loops = _parse_all(LoopSpec, _files(roots, LOOP_GLOB), problems, failed)
    loops = _first_wins("loop", [(r, p, m.id, (m, Source(p, d))) for r, p, m, d in parsed_loops], problems)
    _block_shadowed("loop", failed, loops, lib, problems)
    for loop_id, (_, path, (loop, src)) in loops.items():
        problems.extend(check_loop(loop, src, lib))
        lib.loops[loop_id] = loop
        lib.sources[("loop", loop_id)] = path
    return lib


def check_bank(bank: QuestionBank, src: Source, lib: Library) -> list[Problem]:
    """A bank's round types and signals must be ones some rubric grades: a typo would never be asked
    (an unknown round type) or probe for nothing (an unknown signal)."""
    if not lib.rubrics:
        return []  # no rubric loaded: its own problems say why; nothing to check against
    rounds = set().union(*(r.rounds for r in lib.rubrics.values()))
    signals = set().union(*(r.signals for r in lib.rubrics.values()))
    found: list[Problem] = []

    def check(value: str, known: set[str], what: str, loc: tuple) -> None:
        if value not in known:
            found.append(
                problem_at(
                    src.data,
                    src.path,
                    loc,
                    f"{what} {value!r} is not graded by any rubric; expected one of: {', '.join(sorted(known))}",
                )
            )

    check(bank.round, rounds, "round type", ("round",))
    for i, question in enumerate(bank.questions):
        if question.round is not None and question.round != bank.round:
            check(question.round, rounds, "round type", ("questions", i, "round"))
        for j, signal in enumerate(question.signals):
            check(signal, signals, "signal", ("questions", i, "signals", j))
        for j, probe in enumerate(question.probes):
            check(probe.signal, signals, "signal", ("questions", i, "probes", j, "signal"))
    return found


def check_loop(loop: LoopSpec, src: Source, lib: Library) -> list[Problem]:
    """A loop's rubric must exist, grade each of its round types, and the banks must hold questions for them."""
    found: list[Problem] = []
    rubric = lib.rubrics.get(loop.rubric)
    if rubric is None:
        found.append(
            problem_at(
                src.data,
                src.path,
                ("rubric",),
                f"unknown rubric {loop.rubric!r}; expected one of: {', '.join(sorted(lib.rubrics))}",
            )
        )
    for i, spec in enumerate(loop.rounds):
        if rubric is not None and spec.type not in rubric.rounds:
            found.append(
                problem_at(
                    src.data,
                    src.path,
                    ("rounds", i, "type"),
                    f"rubric {rubric.id!r} does not grade round type {spec.type!r}; "
                    f"expected one of: {', '.join(sorted(rubric.rounds))}",
                )
            )
        if not lib.questions_for(spec.type):
            found.append(
                problem_at(
                    src.data,
                    src.path,
                    ("rounds", i, "type"),
                    f"no questions for round type {spec.type!r} in prompts/questions/",
                )
            )
    return found


__all__ = ["BrokenContent", "Library", "UnknownId", "check_bank", "check_loop", "load_library", "resolve_rubric"]
