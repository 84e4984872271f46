"""Content fuzz: mutated rubric, loop and question files through `rubrics validate FILE` and the search path.

Each case takes a shipped file, mutates it (deleted, duplicated and swapped lines, broken indentation,
wrong types, unknown keys, undefined signals and rubrics, non-finite numbers, random bytes,
truncation, BOM, non-UTF-8, tabs, aliases and an alias bomb, deep nesting, huge strings, empty),
and runs the real commands in this process: `rubrics validate FILE`, then, with the file in a
working copy that shadows the shipped one, `loops list` and `grade` of an answer sheet.
Figures (goal 0 each): tracebacks; invalid files accepted (a mutation that must be refused, taken by
`validate` or by the search path, or an accepted rubric that grades outside 1-4); problem lines
without file:line:column; problem lines over 1,000 characters; runs over 10 s.

The shipped files the search path reads unchanged are parsed once (a memo keyed by path, mtime and
size): the mutated file is always parsed for real.
"""

import contextlib
import io
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.content import library as library_module
from simulator.content.yamlio import read_yaml
from simulator.locations import shipped_root

QUICK, FULL = 30, 500
"""The quick size tries each mutation at least once."""
SLOW_S = 10.0
LONG_LINE = 1000
SHIPPED = shipped_root()
SEEDS = sorted(
    [*SHIPPED.glob("rubrics/*.yaml"), *SHIPPED.glob("prompts/loops/*.yaml"), *SHIPPED.glob("prompts/questions/*.yaml")]
)
KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[A-Za-z0-9_-]+):(?P<value>(?: .*)?)$")
BLOCK = re.compile(r"\s*[|>][-+]?\d*\s*(#.*)?$")
NUMBER_VALUE = re.compile(r"^ (-?\d+(?:\.\d+)?)\s*(#.*)?$")
FLOW_NUMBER = re.compile(r"(?<=[:\[,] )-?\d+(?:\.\d+)?(?=\s*[,}\]])")
PROBLEM = re.compile(r"^\S.*?:\d+:\d+: ")
NON_FINITE = (".inf", "-.inf", ".nan", ".NaN", ".Inf", "1e999", "-1e999")


def structural(lines: list[str]) -> list[int]:
    """Indexes of `key: value` lines that are YAML structure, not text inside a block scalar."""
    found, block_indent = [], None
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        match = KEY_LINE.match(line)
        if match:
            found.append(i)
            if BLOCK.fullmatch(match["value"] or ""):
                block_indent = indent + (2 if match["dash"] else 0)
    return found


Mutation = Callable[[random.Random, str, str], tuple[bytes, bool] | None]
"""(rng, seed text, kind) -> (mutated bytes, must be refused), or None when it does not apply."""


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode()


def delete_line(rng, text, kind):
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return _join(lines), False


def duplicate_line(rng, text, kind):
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return _join(lines), False


def swap_lines(rng, text, kind):
    lines = _lines(text)
    i = rng.randrange(len(lines) - 1)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return _join(lines), False


def _key_lines(text: str, *, dash: bool | None = None, scalar: bool = False) -> tuple[list[str], list[int]]:
    lines = _lines(text)
    picked = []
    for i in structural(lines):
        m = KEY_LINE.match(lines[i])
        assert m
        value = (m["value"] or "").strip()
        if dash is not None and bool(m["dash"]) != dash:
            continue
        if scalar and (not value or value[0] in "{[&*|>#'\"" or value.startswith("!")):
            continue
        picked.append(i)
    return lines, picked


def duplicate_key(rng, text, kind):
    lines, picked = _key_lines(text, dash=False, scalar=True)
    if not picked:
        return None
    i = rng.choice(picked)
    lines.insert(i + 1, lines[i])
    return _join(lines), True


def break_indent(rng, text, kind):
    lines, picked = _key_lines(text)
    if not picked:
        return None
    i = rng.choice(picked)
    lines[i] = (" " + lines[i]) if rng.random() < 0.5 or not lines[i].startswith(" ") else lines[i][1:]
    return _join(lines), False


def _with_value(rng, text: str, value: str, *, dash: bool | None) -> bytes | None:
    """The text with one scalar key line's value replaced, or None when it has no such line."""
    lines, picked = _key_lines(text, dash=dash, scalar=True)
    if not picked:
        return None
    i = rng.choice(picked)
    m = KEY_LINE.match(lines[i])
    assert m
    lines[i] = f"{m['indent']}{m['dash'] or ''}{m['key']}: {value}"
    return _join(lines)


def wrong_type(rng, text, kind):
    mutated = _with_value(rng, text, rng.choice(["{zzz: [1]}", "[[1, 2], {a: b}]"]), dash=False)
    return None if mutated is None else (mutated, True)


def unknown_key(rng, text, kind):
    lines, picked = _key_lines(text, dash=False)
    if not picked:
        return None
    i = rng.choice(picked)
    indent = KEY_LINE.match(lines[i])["indent"]  # type: ignore[index]
    lines.insert(i, f"{indent}zzz_unknown_key: 1")
    return _join(lines), True


def undefined_reference(rng, text, kind):
    lines = _lines(text)
    targets: list[tuple[int, str, str]] = []
    for i in structural(lines):
        line = lines[i]
        if kind == "loop":
            for key, bad in (("rubric", "zzz-undefined"), ("type", "zzz-undefined")):
                if m := re.search(rf"\b{key}: ([a-z0-9_-]+)", line):
                    targets.append((i, m.group(0), f"{key}: {bad}"))
        elif kind == "question":
            if m := re.search(r"\bsignal: ([a-z0-9_]+)", line):
                targets.append((i, m.group(0), "signal: zzz_undefined"))
            if m := re.search(r"\bsignals: \[([a-z0-9_]+)", line):
                targets.append((i, m.group(0), "signals: [zzz_undefined"))
        elif m := re.search(r"\bsignals: \{([a-z0-9_]+):", line):
            targets.append((i, m.group(0), "signals: {zzz_undefined:"))
        elif m := re.search(r"\bsignal: ([a-z0-9_]+)", line):
            targets.append((i, m.group(0), "signal: zzz_undefined"))
    if not targets:
        return None
    i, old, new = rng.choice(targets)
    lines[i] = lines[i].replace(old, new, 1)
    return _join(lines), True


def non_finite(rng, text, kind):
    lines = _lines(text)
    spots: list[tuple[int, int, int]] = []
    for i in structural(lines):
        m = KEY_LINE.match(lines[i])
        assert m
        value = m["value"] or ""
        start = m.start("value")
        if n := NUMBER_VALUE.match(value):
            spots.append((i, start + n.start(1), start + n.end(1)))
        elif value.strip()[:1] in ("{", "["):
            spots += [(i, start + f.start(), start + f.end()) for f in FLOW_NUMBER.finditer(value)]
    if not spots:
        return None
    i, a, b = rng.choice(spots)
    lines[i] = lines[i][:a] + rng.choice(NON_FINITE) + lines[i][b:]
    return _join(lines), True


def random_bytes(rng, text, kind):
    data = text.encode()
    at = rng.randrange(len(data))
    return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[at:], False


def truncate(rng, text, kind):
    data = text.encode()
    return data[: rng.randrange(len(data))], False


def bom(rng, text, kind):
    return b"\xef\xbb\xbf" + text.encode(), False


def non_utf8(rng, text, kind):
    data = text.encode()
    at = rng.randrange(len(data))
    return data[:at] + b"\xff\xfe\xc3" + data[at:], True


def tabs(rng, text, kind):
    lines, picked = _key_lines(text)
    picked = [i for i in picked if lines[i].startswith(" ")]
    if not picked:
        return None
    i = rng.choice(picked)
    lines[i] = "\t" + lines[i].lstrip(" ")
    return _join(lines), False


def aliases(rng, text, kind):
    lines, picked = _key_lines(text, dash=False, scalar=True)
    if len(picked) < 2:
        return None
    i, j = sorted(rng.sample(picked, 2))
    mi, mj = KEY_LINE.match(lines[i]), KEY_LINE.match(lines[j])
    assert mi and mj
    lines[i] = f"{mi['indent']}{mi['key']}: &zzz{mi['value']}"
    lines[j] = f"{mj['indent']}{mj['key']}: *zzz"  # the same value twice, or a wrong one: either can be right
    return _join(lines), False


def alias_bomb(rng, text, kind):
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    return (text.split("\n", 1)[0] + "\n" + "\n".join(rows) + "\n").encode(), True


def deep_nesting(rng, text, kind):
    depth = rng.choice([200, 2_000, 20_000])
    return (text + f"\nzzz_deep: {'[' * depth}{']' * depth}\n").encode(), True


def huge_string(rng, text, kind):
    mutated = _with_value(rng, text, "x" * rng.choice([100_000, 1_000_000]), dash=None)
    return None if mutated is None else (mutated, False)


def empty(rng, text, kind):
    return rng.choice([b"", b"\n\n", b"# only a comment\n", b"---\n", b"   \n"]), True


def wrong_top(rng, text, kind):
    return rng.choice([b"- a\n- b\n", b"just a string\n", b"42\n", b"[1, 2, 3]\n"]), True


MUTATIONS: dict[str, Mutation] = {
    m.__name__.replace("_", "-"): m
    for m in (
        delete_line,
        duplicate_line,
        swap_lines,
        duplicate_key,
        break_indent,
        wrong_type,
        unknown_key,
        undefined_reference,
        non_finite,
        random_bytes,
        truncate,
        bom,
        non_utf8,
        tabs,
        aliases,
        alias_bomb,
        deep_nesting,
        huge_string,
        empty,
        wrong_top,
    )
}


def kind_of(seed: Path) -> str:
    return {"rubrics": "rubric", "loops": "loop", "questions": "question"}[seed.parent.name]


def run_cli(*args: str) -> tuple[int, str, str, float, str | None]:
    """(exit code, stdout, stderr, seconds, traceback) of `mockloop ARGS`, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    crash = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # a traceback: what the suite counts
            code, crash = -1, f"{type(exc).__name__}: {exc}"[:300]
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - started, crash


@pytest.fixture
def parsed_once(monkeypatch: pytest.MonkeyPatch):
    memo: dict[tuple[str, int, int], object] = {}

    def read(path: Path, text: str | None = None):
        if text is not None or SHIPPED not in path.resolve().parents:
            return read_yaml(path, text)
        info = path.stat()
        key = (str(path), info.st_mtime_ns, info.st_size)
        if key not in memo:
            memo[key] = read_yaml(path)
        return memo[key]

    monkeypatch.setattr(library_module, "read_yaml", read)


def sheet_for(seed: Path, kind: str, root: Path) -> Path:
    rubric, round_type = "base", "bar-raiser"
    if kind == "rubric":
        data = read_yaml(seed)
        rubric = str(data["id"])
        rounds = list(data.get("rounds") or {})
        round_type = rounds[0] if rounds else round_type
    sheet = root / "sheet.yaml"
    sheet.write_text(
        json.dumps(
            {
                "rubric": rubric,
                "rounds": [
                    {
                        "round": round_type,
                        "question": "Tell me about a time you owned an outcome beyond your role.",
                        "answer": (
                            "At Cainiao I owned the returns flow for Tmall Global buyers. I interviewed 10 buyers in "
                            "Shanghai who could not trust refunds. I decided to refund on courier scan. Finance "
                            "objected, so I wrote a one-pager and we agreed on a pilot. Refund time went from 9 days "
                            "to 2 days over eight weeks, per the returns dashboard."
                        ),
                    }
                ],
            }
        )
    )
    return sheet


def test_mutated_content_files_are_refused_clearly_and_never_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_once, reliability
) -> None:
    full, record = reliability
    cases = FULL if full else QUICK
    rng = random.Random(18)
    names = list(MUTATIONS)
    tally: Counter[str] = Counter()
    failures: dict[str, list[str]] = {
        k: [] for k in ("traceback", "invalid_accepted", "no_file_line", "long_line", "slow")
    }
    started = time.monotonic()
    for case in range(cases):
        name = names[case % len(names)] if case < len(names) else rng.choice(names)
        mutation = MUTATIONS[name]
        for _ in range(20):  # a seed the mutation applies to
            seed = rng.choice(SEEDS)
            kind = kind_of(seed)
            made = mutation(rng, seed.read_text(encoding="utf-8"), kind)
            if made is not None:
                break
        assert made is not None, name
        data, must_refuse = made
        tally[name] += 1
        root = tmp_path / f"case{case}"
        target = root / seed.relative_to(SHIPPED)
        target.parent.mkdir(parents=True)
        target.write_bytes(data)
        label = f"{case} {name} {seed.relative_to(SHIPPED)}"

        def check(
            what: str, result: tuple[int, str, str, float, str | None], label: str = label, target: Path = target
        ) -> None:
            _, out, err, seconds, crash = result
            if crash:
                failures["traceback"].append(f"{label} {what}: {crash}")
            if seconds > SLOW_S:
                failures["slow"].append(f"{label} {what}: {seconds:.1f} s")
            problems = [line.removeprefix("warning: ") for line in err.splitlines() if line.startswith("warning: ")]
            if what == "validate":
                problems += [line for line in out.splitlines() if not re.match(r"^(ok: |\d+ problem)", line)]
            for line in problems:
                if not PROBLEM.match(line):
                    failures["no_file_line"].append(f"{label} {what}: {line[:200]}")
            for line in [*problems, *err.splitlines()]:  # what is said about the file, not the data asked for
                if len(line) > LONG_LINE:
                    failures["long_line"].append(f"{label} {what}: {len(line):,} characters")

        validated = run_cli("rubrics", "validate", str(target))
        check("validate", validated)
        monkeypatch.chdir(root)
        sheet = sheet_for(seed, kind, tmp_path / f"case{case}")
        listed = run_cli("loops", "list", "--json")
        check("loops list", listed)
        graded = run_cli("grade", str(sheet), "--format", "json")
        check("grade", graded)
        monkeypatch.chdir(tmp_path)
        named = str(target) in listed[2] or str(target) in graded[2] or str(target.resolve()) in listed[2]
        if must_refuse and validated[0] == 0:
            failures["invalid_accepted"].append(f"{label}: `rubrics validate` said ok")
        if must_refuse and not named:
            failures["invalid_accepted"].append(f"{label}: the search path took it without a word")
        if validated[0] == 0 and graded[0] == 0 and kind == "rubric":
            scores = [
                s["score"]
                for r in json.loads(graded[1])["results"]
                for g in r["rounds"]
                for s in [*g["signals"].values(), g["overall"]]
            ]
            if not all(isinstance(s, int) and 1 <= s <= 4 for s in scores):
                failures["invalid_accepted"].append(f"{label}: accepted, and grades {scores}")
    figures = {
        "files": cases,
        "tracebacks": len(failures["traceback"]),
        "invalid_accepted": len(failures["invalid_accepted"]),
        "messages_without_file_line": len(failures["no_file_line"]),
        "lines_over_1000_chars": len(failures["long_line"]),
        "runs_over_10_s": len(failures["slow"]),
        "mutations": len(tally),
        "seconds": round(time.monotonic() - started, 1),
    }
    record("content fuzz", figures)
    assert not any(failures.values()), {k: v[:10] for k, v in failures.items() if v}
