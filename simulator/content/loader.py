"""Validate parsed YAML against the domain models, reporting every problem with its line."""

from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from simulator.content.errors import ContentError, Problem, clip
from simulator.content.yamlio import Loc, dotted, plain, position, read_yaml
from simulator.domain import AnswerSheet, LoopSpec, QuestionBank, Rubric

M = TypeVar("M", bound=BaseModel)


def _expected(error: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown key {loc[-1]!r}{hint}"
    if kind == "missing":
        return "required field is missing"
    got = error.get("input")
    shown = clip(repr(got), 60) if not isinstance(got, dict | list) else type(got).__name__
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return f"{msg[0].lower()}{msg[1:]} (got {shown})"


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model that sits at `loc`, followed through dicts, lists and models."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        elif get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type inside."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, UnionType):
            inner = [a for a in get_args(annotation) if a is not type(None)]
            if len(inner) != 1:
                return annotation
            annotation = inner[0]
        else:
            return annotation


def validate(model: type[M], data: Any, path: Path, defaults: dict[str, Any] | None = None) -> M:
    """Build `model` from parsed YAML or raise ContentError listing every problem."""
    try:
        return model.model_validate({**(defaults or {}), **plain(data)})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line, col = position(data, loc)
            problems.append(Problem(path, line, col, dotted(loc), _expected(error, model, loc)))
        raise ContentError(problems) from None


def problem_at(data: Any, path: Path, loc: Loc, message: str) -> Problem:
    line, col = position(data, loc)
    return Problem(path, line, col, dotted(loc), message)


def load_model(model: type[M], path: Path) -> tuple[M, Any]:
    data = read_yaml(path)
    return validate(model, data, path), data


def load_rubric_file(path: Path) -> Rubric:
    """One rubric file on its own (its `extends` is not followed)."""
    return load_model(Rubric, path)[0]


def load_loop_file(path: Path) -> LoopSpec:
    return load_model(LoopSpec, path)[0]


def load_sheet_file(path: Path) -> AnswerSheet:
    return load_model(AnswerSheet, path)[0]


def load_bank_file(path: Path) -> QuestionBank:
    return load_model(QuestionBank, path)[0]


__all__ = [
    "ContentError",
    "dotted",
    "load_bank_file",
    "load_loop_file",
    "load_model",
    "load_rubric_file",
    "load_sheet_file",
    "problem_at",
    "validate",
]
