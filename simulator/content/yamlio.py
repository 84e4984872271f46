"""Read YAML keeping where each key and value sits, so errors can name line and column."""

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from simulator.content.errors import ContentError, Problem

Loc = tuple[str | int, ...]


def _parser() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one file; raise ContentError (never a traceback) when it is unreadable or empty."""
    try:
        source = path.read_text(encoding="utf-8") if text is None else text
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(path, 1, 1, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise ContentError([Problem(path, 1, 1, "", f"cannot read: {exc.strerror}")]) from None
    try:
        data = _parser().load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise ContentError([Problem(path, line, col, "", f"YAML syntax error: {what}")]) from None
    except YAMLError as exc:
        raise ContentError([Problem(path, 1, 1, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ContentError([Problem(path, 1, 1, "", "YAML nested too deeply to read")]) from None
    if data is None:
        raise ContentError([Problem(path, 1, 1, "", "file is empty; expected a YAML mapping")])
    if _expands_past(data, MAX_VALUES):
        raise ContentError([Problem(path, 1, 1, "", f"more than {MAX_VALUES:,} values once its aliases are expanded; "
                                                    "expected a content file, not a YAML alias bomb")])
    if not isinstance(data, CommentedMap):
        got = type(data).__name__
        raise ContentError(
            [Problem(path, 1, 1, "", f"expected a YAML mapping at the top, got {got}")]
        )
    return data


MAX_VALUES = 200_000
"""Far more than any rubric, bank or sheet holds; a file past it is refused before it is expanded."""


def _expands_past(data: Any, limit: int) -> bool:
    """Whether walking the data (aliases followed) meets more than `limit` values; stops as soon as it does."""
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def position(data: Any, loc: Loc) -> tuple[int, int]:
    """1-based line and column of the deepest node of `loc` found in the parsed YAML."""
    line, col = 1, 1
    node = data
    for key in loc:
        if isinstance(node, CommentedMap):
            found = _map_key(node, key)
            if found is None:
                if node.lc.line is not None:
                    line, col = node.lc.line + 1, node.lc.col + 1
                break
            real_key = found
            kl, kc = node.lc.key(real_key)
            line, col = kl + 1, kc + 1
            node = node[real_key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            il, ic = node.lc.item(key)
            line, col = il + 1, ic + 1
            node = node[key]
        else:
            break
    return line, col


def _map_key(node: CommentedMap, key: str | int) -> Any:
    if key in node:
        return key
    for candidate in node:
        if str(candidate) == str(key):
            return candidate
    return None


def plain(data: Any) -> Any:
    """Turn ruamel's commented containers into plain dicts and lists for pydantic."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data
