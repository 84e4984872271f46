"""The libyaml path reads content exactly as ruamel does (values, types, every line and column), and
leaves to ruamel whatever it does not handle the same way."""

import math
from typing import Any

import pytest
from ruamel.yaml import YAML

from simulator.content import fastyaml
from simulator.locations import content_roots

SAME = [
    "a: 1\nb: -0\nc: +3\nd: 1.\ne: 1e5\nf: 6.02e+23\ng: ~\nh:\ni: -.inf\nj: .NaN\nk: 1e999\n",
    "yes: on\nno: off\ny: n\n",  # YAML 1.2: words, not booleans
    "a: True\nb: FALSE\nc: Null\nd: NULL\ne: null\nf: tRue\n",
    'é: ünï\nx: [1, 2, {a: b, c: [d]}]\nz: {é: "ü", f: "a\\tb"}\nemoji: "😀 x"\nafter: 😀😀\n',
    "k: |\n  one\n  two\n\nl: >-\n  folded\n  text\n\n  para\nm: |+\n  keep\n\n",
    "base: &b\n  x: 1\nuse: *b\nlist: &l [1, 2]\nagain: *l\n",
    '"quoted key": v\n1: one\n2.5: two\n',
    "true: t\nx: 1\n",
    "--- \na: b\n...\n",
    "\ufeffa: 1\n",
    "a:\n  - b\n  -   c\n  - - d\n    - e\n  -\n    f: g\n",
    "a: multi\n  line plain\n  scalar\nb: 'single\n  quoted'\n",
    "t: 12:30\n",  # YAML 1.2: no sexagesimal numbers
    "  a: 1 # c\n  # x\n  b:   # y\n    c: 2\n",
    'a: {b: 1,\n  c: 2}\ntext: "line\\nnext"\n',
]

DEFERRED = [
    "a: 1\na: 2\n",  # ruamel refuses the duplicate key
    "a:\tb\n",  # ruamel refuses the tab
    "%YAML 1.1\n---\na: yes\n",
    "a: b\n---\nc: d\n",
    "a: [1,2\n",
    "<<: {a: 1}\nb: 2\n",
    "a: !foo x\n",
    "? [complex]\n: v\n",
    "d: 010\n",
    "e: 1_000\n",
    "f: 0x1F\n",
    "g: .5\n",
    "i: 2024-01-01\n",
    "a: !!str 123\n",  # ruamel keeps the tag (a TaggedScalar)
    "a: !!map {b: 1}\n",
]


def _ruamel(text: str) -> Any:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml.load(text)


def _assert_same(expected: Any, got: Any, where: tuple = ()) -> None:
    if isinstance(expected, dict):
        assert isinstance(got, dict) and list(got) == list(expected), where
        assert (got.lc.line, got.lc.col) == (expected.lc.line, expected.lc.col), where
        for key in expected:
            assert got.lc.key(key) == expected.lc.key(key), (*where, key)  # what errors cite (not value marks)
            _assert_same(expected[key], got[key], (*where, key))
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        assert (got.lc.line, got.lc.col) == (expected.lc.line, expected.lc.col), where
        for index, item in enumerate(expected):
            assert got.lc.item(index) == expected.lc.item(index), (*where, index)
            _assert_same(item, got[index], (*where, index))
    else:
        for kind in (bool, int, float, str, type(None)):
            if isinstance(expected, kind):
                assert isinstance(got, kind), where
                assert isinstance(got, bool) == isinstance(expected, bool), where
                break
        assert got == expected or (isinstance(got, float) and math.isnan(got) and math.isnan(expected)), where


@pytest.mark.parametrize("text", SAME)
def test_reads_as_ruamel_does(text: str) -> None:
    got = fastyaml.load(text)
    assert got is not fastyaml.DEFER
    _assert_same(_ruamel(text), got)


@pytest.mark.parametrize("text", DEFERRED)
def test_leaves_the_rest_to_ruamel(text: str) -> None:
    assert fastyaml.load(text) is fastyaml.DEFER


def test_every_shipped_content_file_reads_as_ruamel_does() -> None:
    files = [
        path
        for root in content_roots()
        for pattern in ("rubrics/*.yaml", "prompts/loops/*.yaml", "prompts/questions/*.yaml")
        for path in root.glob(pattern)
    ]
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        got = fastyaml.load(text)
        assert got is not fastyaml.DEFER, path
        _assert_same(_ruamel(text), got, (str(path),))
