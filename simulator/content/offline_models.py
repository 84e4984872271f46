"""Read an offline grader model file (JSON, written by `mockloop calibrate --fit`) with file:line errors."""

import json
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from simulator.content.errors import ContentError, Problem
from simulator.content.loader import dotted
from simulator.content.yamlio import Loc, non_finite
from simulator.domain.offline_model import OfflineModel


def load_offline_model(path: Path) -> OfflineModel:
    """The model in `path`, parsed once per version of the file; ContentError names what is wrong."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ContentError([Problem(path, 1, 1, "", f"cannot read the offline grader model: {exc.strerror}")]) from None
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load(path: Path, _mtime_ns: int, _size: int) -> OfflineModel:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(path, 1, 1, "", f"cannot read the offline grader model: {exc}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError([Problem(path, exc.lineno, exc.colno, "", f"not valid JSON: {exc.msg}")]) from None
    except (ValueError, RecursionError) as exc:
        raise ContentError([Problem(path, 1, 1, "", f"not valid JSON: {exc}")]) from None
    if bad := non_finite(data):  # NaN, Infinity and 1e999 parse as JSON, and would make every level a guess
        raise ContentError(
            [
                Problem(
                    path,
                    *_position(text, loc),
                    dotted(loc),
                    "not a finite number; expected one written by `mockloop calibrate --fit`",
                )
                for loc, _ in bad
            ]
        )
    try:
        return OfflineModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line, column = _position(text, loc)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(Problem(path, line, column, dotted(loc), message[:1].lower() + message[1:]))
        raise ContentError(problems) from None


def _position(text: str, loc: Loc) -> tuple[int, int]:
    """Line and column of the deepest key of `loc` found in order in the JSON text (keys are unique per level)."""
    offset = 0
    for part in loc:
        if isinstance(part, int):
            continue
        found = text.find(json.dumps(str(part)), offset)
        if found < 0:
            break
        offset = found
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def offline_model_text(model: OfflineModel) -> str:
    """The model as JSON, one input per line (so an error names a useful line), embeddings on one line each."""
    data = model.model_dump(mode="json")
    embeddings = {}
    for signal, head in data["signals"].items():
        embeddings[signal] = head["embedding"]
        head["embedding"] = f"@embedding:{signal}@"
    text = json.dumps(data, indent=1)
    for signal, values in embeddings.items():
        text = text.replace(json.dumps(f"@embedding:{signal}@"), json.dumps(values))
    return text + "\n"
