"""Parse the plain YAML content files are made of with libyaml (C), about ten times faster than ruamel's
pure-Python round-trip parser, into the same `CommentedMap`/`CommentedSeq` with the same line and column
of every key and item, and the same values under YAML 1.2 (ruamel's default).

Only the common subset is handled here: anything else (a syntax error, a duplicate key, a tag, a merge
key, a directive, a tab, a timestamp or an unusual number such as `0x1F` or `1_000`) returns `DEFER`, and the
caller parses the text with ruamel, whose values and error messages are then those a user sees.
"""

import re
from typing import Any, ClassVar, Final

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.resolver import implicit_resolvers
from yaml.resolver import BaseResolver

DEFER: Final = object()
"""Returned when ruamel must parse the text (its own answer or error is the one that counts)."""

_PLAIN: Final = "!mockloop-plain"
_STR: Final = "!mockloop-str"
_SEQ: Final = "!mockloop-seq"
_MAP: Final = "!mockloop-map"
"""The tags the resolver gives untagged nodes (a plain scalar, a quoted or block one, a sequence, a mapping),
so that an explicit tag, even `!!str` (ruamel keeps it as a `TaggedScalar`), is told apart."""

_Parser: Any = None
if yaml.__with_libyaml__:  # PyYAML's wheels ship libyaml; without it every file goes to ruamel
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _LibyamlParser(CParser, BaseResolver):
        """libyaml's parser and composer, tagging plain scalars `_PLAIN` instead of YAML 1.1's types."""

        yaml_implicit_resolvers: ClassVar = {None: [(_PLAIN, re.compile(""))], "": [(_PLAIN, re.compile(""))]}  # type: ignore[misc]
        DEFAULT_SCALAR_TAG = _STR  # type: ignore[misc]
        DEFAULT_SEQUENCE_TAG = _SEQ  # type: ignore[misc]
        DEFAULT_MAPPING_TAG = _MAP  # type: ignore[misc]

        def __init__(self, source: str) -> None:
            CParser.__init__(self, source)
            BaseResolver.__init__(self)

    _Parser = _LibyamlParser

_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "+.Inf": float("inf"),
    "+.INF": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    "-.INF": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_RUAMEL_TYPES: Final = [
    (regexp, first)
    for versions, tag, regexp, first in implicit_resolvers
    if (1, 2) in versions and not tag.endswith((":bool", ":null"))
]
"""ruamel's other YAML 1.2 patterns (numbers, timestamps, merge and value keys): a plain scalar that matches
one and is not handled here is left to ruamel."""
_TYPED_FIRST: Final = frozenset(char for _, first in _RUAMEL_TYPES for char in first)


class _Defer(Exception):
    pass


def load(source: str) -> Any:
    """The parsed document, or `DEFER` when ruamel must parse it."""
    if _Parser is None or "\t" in source or "\n%" in source or source.startswith("%"):
        return DEFER  # libyaml takes a tab where ruamel refuses it; a directive may switch to YAML 1.1
    parser = _Parser(source)
    try:
        node = parser.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return DEFER
    finally:
        parser.dispose()
    if node is None:
        return None
    try:
        return _build(node, {})
    except (_Defer, RecursionError):
        return DEFER


def _build(node: yaml.Node, built: dict[int, Any]) -> Any:
    """The value of `node`; `built` holds containers already built, so an alias is the same object."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if id(node) in built:
        return built[id(node)]
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _Defer
        seq = CommentedSeq()
        built[id(node)] = seq
        seq._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
        for index, child in enumerate(node.value):
            seq.append(_build(child, built))
            seq._yaml_set_idx_line_col(index, [child.start_mark.line, child.start_mark.column])
        return seq
    if node.tag != _MAP:
        raise _Defer
    mapping = CommentedMap()
    built[id(node)] = mapping
    mapping._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Defer  # a complex key
        key = _scalar(key_node)
        if key in mapping or key_node.value == "<<":
            raise _Defer  # ruamel refuses the duplicate, or merges
        mapping[key] = _build(value_node, built)
        mapping._yaml_set_kv_line_col(
            key,
            [
                key_node.start_mark.line,
                key_node.start_mark.column,
                value_node.start_mark.line,
                value_node.start_mark.column,
            ],
        )
    return mapping


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    if node.tag == _STR:
        return value
    if node.tag != _PLAIN:
        raise _Defer
    if _NULL.fullmatch(value):
        return None
    if _TRUE.fullmatch(value):
        return True
    if _FALSE.fullmatch(value):
        return False
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    if value[0] in _TYPED_FIRST and any(value[0] in first and regexp.match(value) for regexp, first in _RUAMEL_TYPES):
        raise _Defer
    return value
