"""Loading content: good files, every kind of bad file, and the search-path override order."""

from pathlib import Path

import pytest

from simulator.content import ContentError, load_library, load_rubric_file
from simulator.content.validate import validate_paths

GOOD_RUBRIC = """\
id: mini
title: Mini rubric
signals:
  ownership:
    name: Ownership
    description: Owns the outcome.
    levels:
      1: Says we throughout.
      2: Some I, no decision.
      3: Names the decision that was theirs.
      4: Owns the decision and the miss.
rounds:
  bar-raiser:
    signals: {ownership: 1}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_rubric_file(path)
    return [str(p) for p in info.value.problems]


def test_good_rubric_loads(tmp_path: Path) -> None:
    rubric = load_rubric_file(write(tmp_path / "mini.yaml", GOOD_RUBRIC))
    assert rubric.id == "mini"
    assert rubric.signals["ownership"].levels[3].startswith("Names")
    assert rubric.label(4) == "Strong hire"


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = GOOD_RUBRIC.replace("rounds:\n", "rounds: [\n")
    path = write(tmp_path / "bad.yaml", bad)
    [message] = problems_of(path)
    assert message.startswith(f"{path}:")
    line = int(message.split(":")[1])
    assert 14 <= line <= 17
    assert "YAML syntax error" in message


def test_empty_file(tmp_path: Path) -> None:
    [message] = problems_of(write(tmp_path / "empty.yaml", "# nothing\n"))
    assert "empty" in message and ":1:1:" in message


def test_all_problems_listed_with_lines_and_paths(tmp_path: Path) -> None:
    text = GOOD_RUBRIC.replace("    name: Ownership\n", "    name: Ownership\n    colour: red\n")
    text = text.replace("signals: {ownership: 1}", "signals: {ownership: lots}")
    text = text.replace("      4: Owns the decision and the miss.\n", "")
    path = write(tmp_path / "bad.yaml", text)
    messages = problems_of(path)
    assert len(messages) == 3
    joined = "\n".join(messages)
    assert f"{path}:6:5: signals.ownership.colour: unknown key 'colour'; expected one of:" in joined
    assert "levels must anchor 1, 2, 3 and 4; missing [4]" in joined
    assert "rounds.bar-raiser.signals.ownership: input should be a valid number" in joined
    assert "'lots'" in joined


def test_wrong_type_top_level(tmp_path: Path) -> None:
    [message] = problems_of(write(tmp_path / "list.yaml", "- a\n- b\n"))
    assert "expected a YAML mapping" in message


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    [message] = problems_of(write(tmp_path / "dup.yaml", GOOD_RUBRIC + "title: Again\n"))
    assert "duplicate key" in message.lower()
    assert ":15:1:" in message


def test_round_referencing_undefined_signal(tmp_path: Path) -> None:
    text = GOOD_RUBRIC.replace("signals: {ownership: 1}", "signals: {ownership: 1, grit: 2}")
    path = write(tmp_path / "rubrics" / "mini.yaml", text)
    problems, checked = validate_paths([path])
    assert checked == 1
    [message] = [str(p) for p in problems]
    assert message.startswith(f"{path}:14:29:")
    assert "rounds.bar-raiser.signals.grit: signal 'grit' is not defined" in message


def test_extends_merges_and_checks(tmp_path: Path) -> None:
    write(tmp_path / "rubrics" / "mini.yaml", GOOD_RUBRIC)
    write(
        tmp_path / "rubrics" / "child.yaml",
        "id: child\ntitle: Child\nextends: mini\nrounds:\n  prfaq:\n    signals: {ownership: 2}\n",
    )
    lib = load_library([tmp_path])
    assert not lib.problems
    child = lib.rubric("child")
    assert set(child.rounds) == {"bar-raiser", "prfaq"}
    assert "ownership" in child.signals


def test_extends_unknown_parent(tmp_path: Path) -> None:
    write(tmp_path / "rubrics" / "child.yaml", "id: child\ntitle: Child\nextends: nope\n")
    lib = load_library([tmp_path])
    [problem] = lib.problems
    assert problem.line == 3 and "extends an unknown rubric 'nope'" in problem.message


def test_duplicate_ids_in_one_directory(tmp_path: Path) -> None:
    write(tmp_path / "rubrics" / "a.yaml", GOOD_RUBRIC)
    write(tmp_path / "rubrics" / "b.yaml", GOOD_RUBRIC)
    lib = load_library([tmp_path])
    [problem] = lib.problems
    assert "duplicate rubric id 'mini'" in problem.message


def test_earlier_root_overrides_later(tmp_path: Path) -> None:
    write(
        tmp_path / "work" / "rubrics" / "mini.yaml",
        GOOD_RUBRIC.replace("Mini rubric", "Coach copy"),
    )
    write(tmp_path / "shipped" / "rubrics" / "mini.yaml", GOOD_RUBRIC)
    lib = load_library([tmp_path / "work", tmp_path / "shipped"])
    assert not lib.problems
    assert lib.rubric("mini").title == "Coach copy"
    assert lib.source("rubric", "mini") == tmp_path / "work" / "rubrics" / "mini.yaml"


def test_question_bank_and_loop_cross_checks(tmp_path: Path) -> None:
    write(tmp_path / "rubrics" / "mini.yaml", GOOD_RUBRIC)
    write(
        tmp_path / "prompts" / "questions" / "bar-raiser.yaml",
        """\
round: bar-raiser
questions:
  - id: br-1
    company: Amazon
    context: AWS
    level: L6
    text: Tell me about a time you owned a miss.
    signals: [ownership]
    probes:
      - {signal: ownership, text: Which call was yours?}
      - {signal: ownership, text: What would you do differently?}
""",
    )
    write(
        tmp_path / "prompts" / "loops" / "l.yaml",
        """\
id: l
title: L
company: Amazon
role: PM
rubric: mini
rounds:
  - {type: bar-raiser, title: BR, minutes: 30}
  - {type: prfaq, title: PR, minutes: 30}
""",
    )
    lib = load_library([tmp_path])
    assert lib.questions["br-1"].round == "bar-raiser"
    messages = [str(p) for p in lib.problems]
    assert len(messages) == 2
    assert all(":8:" in m and "rounds[1].type" in m for m in messages)


def test_a_broken_working_copy_falls_back_to_the_shipped_one_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "work" / "rubrics" / "mini.yaml", "id: mini\ntitle: [unclosed\n")
    shipped = write(tmp_path / "shipped" / "rubrics" / "mini.yaml", GOOD_RUBRIC)
    lib = load_library([tmp_path / "work", tmp_path / "shipped"])
    assert lib.rubric("mini").title == "Mini rubric"
    messages = [str(p) for p in lib.problems]
    assert any(":3:1: YAML syntax error" in m for m in messages)
    assert any(
        m.startswith(
            str(tmp_path / "work" / "rubrics" / "mini.yaml") + ":3:1: warning: skipped, this copy of rubric 'mini' "
            f"does not load; {shipped} is used until you fix it"
        )
        for m in messages
    ), messages


def test_a_broken_file_with_no_other_copy_is_broken_not_missing(tmp_path: Path) -> None:
    from simulator.content.library import BrokenContent

    write(tmp_path / "work" / "rubrics" / "mini.yaml", "id: mini\ntitle: [unclosed\n")
    lib = load_library([tmp_path / "work"])
    with pytest.raises(BrokenContent, match=r"mini\.yaml does not load .*:3:1: YAML syntax error"):
        lib.rubric("mini")


def test_a_broken_file_shadowed_by_an_earlier_good_one_is_harmless(tmp_path: Path) -> None:
    write(tmp_path / "work" / "rubrics" / "mini.yaml", GOOD_RUBRIC)
    write(tmp_path / "shipped" / "rubrics" / "mini.yaml", "id: mini\ntitle: [unclosed\n")
    lib = load_library([tmp_path / "work", tmp_path / "shipped"])
    assert lib.rubric("mini").title == "Mini rubric"


def test_a_yaml_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 10)}]")
    path = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    [message] = problems_of(path)
    assert "alias bomb" in message and message.startswith(f"{path}:1:1:")


@pytest.mark.parametrize(
    ("edit", "where", "written"),
    [
        ("signals: {ownership: 1}", "signals: {ownership: .inf}", ".inf"),
        ("signals: {ownership: 1}", "signals: {ownership: 1e999}", ".inf"),
        ("signals: {ownership: 1}", "signals: {ownership: 1}\n    weight: -.inf", "-.inf"),
        ("rounds:", "decision:\n  round_cutoffs: [.nan, 2.5, 3.25]\nrounds:", ".nan"),
    ],
)
def test_non_finite_numbers_are_refused_with_their_line(tmp_path: Path, edit: str, where: str, written: str) -> None:
    path = write(tmp_path / "r.yaml", GOOD_RUBRIC.replace(edit, where))
    [problem] = problems_of(path)
    line = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if written.lstrip("-") in text or "1e999" in text
    )
    assert problem.startswith(f"{path}:{line}:") and f"{written} is not a finite number" in problem
    assert validate_paths([path])[0]


def test_a_control_character_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", GOOD_RUBRIC.replace("Owns the outcome.", "Owns the\x07 outcome."))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:6:26: character U+0007 is not allowed")
    assert "\n" not in problem and "<unicode string>" not in problem


def test_a_huge_value_is_not_echoed_whole(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yaml",
        GOOD_RUBRIC.replace("id: mini", "id: M" + "x" * 1_000_000).replace(
            "title: Mini rubric", 'title: Mini rubric\n"\\e[2J": 1'
        ),
    )
    problems = problems_of(path)
    assert problems and all(len(p) < 600 for p in problems)
    assert "characters)" in problems[0]
    assert any("\\x1b[2J" in p for p in problems)
    assert not any("\x1b" in p for p in problems)  # no escape sequence reaches the terminal


def test_validating_a_loop_file_checks_its_rubric_and_round_types(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "prompts" / "loops" / "amazon-pm.yaml"
    text = shipped.read_text()
    unknown_rubric = write(tmp_path / "l1.yaml", text.replace("rubric: amazon-pm", "rubric: nosuch"))
    unknown_round = write(tmp_path / "l2.yaml", text.replace("type: bar-raiser", "type: nosuch-round", 1))
    problems, checked = validate_paths([unknown_rubric, unknown_round])
    shown = [str(p) for p in problems]
    assert checked == 2
    assert any(p.startswith(f"{unknown_rubric}:") and "unknown rubric 'nosuch'" in p for p in shown)
    assert any(p.startswith(f"{unknown_round}:") and "does not grade round type 'nosuch-round'" in p for p in shown)
    # a new loop may name the new rubric validated beside it
    rubric = write(tmp_path / "mini.yaml", GOOD_RUBRIC)
    loop = write(
        tmp_path / "mini-loop.yaml",
        "id: mini-loop\ntitle: Mini\ncompany: Amazon\nrole: PM\n"
        "rubric: mini\nrounds:\n  - {type: bar-raiser, title: Bar raiser, minutes: 30}\n",
    )
    assert validate_paths([rubric, loop]) == ([], 2)


def test_a_question_bank_with_an_undefined_signal_is_refused(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "prompts" / "questions"
    bank = next(shipped.glob("*.yaml"))
    text = bank.read_text()
    assert "signal: ownership" in text
    path = write(tmp_path / "bank.yaml", text.replace("signal: ownership", "signal: ownershp", 1))
    problems, _ = validate_paths([path])
    assert [p.message for p in problems] == [
        p.message for p in problems if "signal 'ownershp' is not graded by any rubric" in p.message
    ] and problems


def test_deep_nesting_is_refused_at_once_with_its_line(tmp_path: Path) -> None:
    import time

    path = write(tmp_path / "r.yaml", GOOD_RUBRIC + "zzz: " + "[" * 20_000 + "]" * 20_000 + "\n")
    started = time.perf_counter()
    [problem] = problems_of(path)
    assert time.perf_counter() - started < 1.0
    assert problem.startswith(f"{path}:15:6: YAML nested more than 200 levels deep")


def test_an_offline_model_file_with_non_finite_numbers_is_refused(tmp_path: Path) -> None:
    from simulator.content.offline_models import load_offline_model

    shipped = Path(__file__).resolve().parents[2] / "rubrics" / "base.model.json"
    text = shipped.read_text()
    assert '"intercept": ' in text
    head, _, tail = text.partition('"intercept": ')
    number = tail.split(",", 1)[0].split("\n", 1)[0]
    path = write(tmp_path / "m.model.json", head + '"intercept": NaN' + tail[len(number) :])
    with pytest.raises(ContentError) as info:
        load_offline_model(path)
    [problem] = info.value.problems
    assert problem.line == (head.count("\n") + 1) and "intercept" in problem.path and "finite" in problem.message
