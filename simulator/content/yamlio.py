"""Read YAML keeping where each key and value sits, so errors can name line and column."""

import math
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from simulator.content.errors import ContentError, Problem, clip

Loc = tuple[str | int | float, ...]
"""Keys from the top of a content file down to one value (a YAML key may be a number, even `.inf`)."""


def _parser() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one file; raise ContentError (never a traceback) when it is unreadable or empty."""
    try:
        source = path.read_bytes().decode("utf-8") if text is None else text
    except UnicodeDecodeError as exc:
        line, col = _byte_line_col(exc.object, exc.start)
        undecodable = exc.object[exc.start : exc.end].hex(" ")
        raise ContentError(
            [Problem(path, line, col, "", f"not UTF-8 text: byte {undecodable} ({exc.reason}); save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise ContentError([Problem(path, 1, 1, "", f"cannot read: {exc.strerror}")]) from None
    if deep := _DEEP.search(source):  # refused before the parser recurses through it (seconds, at 20,000 deep)
        line, col = _line_col(source, deep.start())
        raise ContentError(
            [Problem(path, line, col, "", f"YAML nested more than {MAX_DEPTH} levels deep; expected a content file")]
        )
    try:
        data = _parser().load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(" ".join(str(p).split()) for p in (exc.context, exc.problem) if p)
        hint = yaml_hint(what, source, line)
        raise ContentError([Problem(path, line, col, "", f"YAML syntax error: {what}{hint}")]) from None
    except ReaderError as exc:  # a control character: ruamel gives only an offset into the text
        line, col = _line_col(source, exc.position)
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    col,
                    "",
                    f"character {_codepoint(exc.character)} is not allowed "
                    "in YAML (a control character); delete it or write it as an escape in "
                    "double quotes",
                )
            ]
        ) from None
    except YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise ContentError([Problem(path, 1, 1, "", f"YAML error: {detail}")]) from None
    except RecursionError:
        raise ContentError([Problem(path, 1, 1, "", "YAML nested too deeply to read")]) from None
    if data is None:
        raise ContentError([Problem(path, 1, 1, "", "file is empty; expected a YAML mapping")])
    if _expands_past(data, MAX_VALUES):
        raise ContentError(
            [
                Problem(
                    path,
                    1,
                    1,
                    "",
                    f"more than {MAX_VALUES:,} values once its aliases are expanded; "
                    "expected a content file, not a YAML alias bomb",
                )
            ]
        )
    if not isinstance(data, CommentedMap):
        got = "a list" if isinstance(data, CommentedSeq) else f"a single value ({clip(str(data), 40)!r})"
        raise ContentError([Problem(path, 1, 1, "", f"expected a YAML mapping at the top, got {got}")])
    if bad := non_finite(data):
        raise ContentError([_non_finite_problem(data, path, loc, value) for loc, value in bad])
    return data


def yaml_hint(parser_text: str, source: str, line: int) -> str:
    """The common YAML mistakes in plain words, to go after the parser's own text ('' when none fits)."""
    lines = source.splitlines()
    near = "\n".join(lines[max(0, line - 3) : line])
    if "\t" in near or "'\\t'" in parser_text:
        why = "a tab is used to indent; YAML indents with spaces only"
    elif "quoted scalar" in parser_text or ("end of stream" in parser_text and re.search(r"['\"]", near)):
        why = "a quote (' or \") is opened and never closed; close it on the same line"
    elif "flow sequence" in parser_text or "flow mapping" in parser_text:
        why = "a [ or { is opened and never closed (a value starting with [ or { needs quotes)"
    elif any(
        k in parser_text for k in ("mapping values are not allowed", "block end", "expected key", "could not find")
    ):
        why = (
            "the indentation is off: keys of one level start in the same column, and what is nested under a "
            "key is indented further (with spaces)"
        )
    else:
        return ""
    return f" — in plain words: {why}"


def _byte_line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset` of undecodable `data`."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character `offset` of `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _codepoint(character: Any) -> str:
    if isinstance(character, str) and len(character) == 1:
        character = ord(character)
    return f"U+{character:04X}" if isinstance(character, int) else repr(character)


def non_finite(data: Any, shown: int = 20) -> list[tuple[Loc, float]]:
    """Where `.inf`, `.nan` or a number too large for a float (`1e999`) sits: no content file means them,
    and a weight of infinity quietly turns every grade into nonsense. At most `shown` places."""
    found: list[tuple[Loc, float]] = []
    stack: list[tuple[Any, Loc]] = [(data, ())]
    while stack and len(found) < shown:
        node, loc = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            found.append((loc, node))
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, float) and not math.isfinite(key):
                    found.append(((*loc, key), key))
                stack.append((value, (*loc, key)))
        elif isinstance(node, list):
            stack.extend((value, (*loc, i)) for i, value in enumerate(node))
    return sorted(found, key=lambda item: position(data, item[0])) if isinstance(data, CommentedMap) else found


def _non_finite_problem(data: Any, path: Path, loc: Loc, value: float) -> Problem:
    line, col = position(data, loc)
    written = ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    return Problem(
        path,
        line,
        col,
        dotted(loc),
        f"{written} is not a finite number (a number past 1e308, such as "
        "1e999, reads as one too); expected a finite number",
    )


MAX_DEPTH = 200
"""Content files nest a handful of levels; a run of this many opening brackets (or `- ` items) is refused."""
_DEEP = re.compile(rf"(?:[\[{{]\s*){{{MAX_DEPTH}}}|(?:-[ \t]+){{{MAX_DEPTH}}}")

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


def _map_key(node: CommentedMap, key: str | int | float) -> Any:
    if key in node:
        return key
    for candidate in node:
        if str(candidate) == str(key):
            return candidate
    return None


def dotted(loc: Loc) -> str:
    """`rounds[2].type`: a field path as a problem names it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def plain(data: Any) -> Any:
    """Turn ruamel's commented containers into plain dicts and lists for pydantic."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data
